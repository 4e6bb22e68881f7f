//go:build linux

// Package adversary sets up, in a helper process of the reliability specs,
// what works against procfd there: other code that reaps procfd's children,
// and a kernel that hides the pidfd calls.
package adversary

import (
	"fmt"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
	"github.com/procfd/procfd/tests/internal/seccomp"
)

// StartThief makes other code of this process reap children behind
// procfd's back: "sigign" sets SIGCHLD to SIG_IGN, so that the kernel reaps
// them; "reaper" starts a thread looping on waitpid(-1), as legacy code does.
func StartThief(kind string) error {
	switch kind {
	case "sigign":
		signal.Ignore(syscall.SIGCHLD)
		if !procstat.Ignored(syscall.SIGCHLD) {
			return fmt.Errorf("SIGCHLD is not ignored")
		}
	case "reaper":
		go reap()
	default:
		return fmt.Errorf("unknown thief %q (sigign or reaper)", kind)
	}
	return nil
}

func reap() {
	runtime.LockOSThread()
	for {
		var ws unix.WaitStatus
		if _, err := unix.Wait4(-1, &ws, 0, nil); err == syscall.ECHILD {
			time.Sleep(100 * time.Microsecond)
		}
	}
}

// pipeFilters are the backend names that mean the pipe backend under a
// seccomp filter. "pipe-nopidfd": every pidfd call fails (ENOSYS, a kernel
// before 5.2). "pipe-qemu": clone takes no CLONE_PIDFD but pidfd_open
// works, as under qemu-user, so the backend opens the child's pidfd after
// the spawn.
var pipeFilters = map[string]string{"pipe-nopidfd": "enosys", "pipe-qemu": "qemu"}

// Backend resolves a helper's BACKEND argument: "pidfd" and "pipe" are
// themselves; "pipe-nopidfd" and "pipe-qemu" install their filter first,
// before procfd's first use, and are the pipe backend.
func Backend(name string) (procfd.Backend, error) {
	filter, ok := pipeFilters[name]
	if !ok {
		return procfd.Backend(name), nil
	}
	if err := seccomp.Install(filter); err != nil {
		return "", fmt.Errorf("seccomp %s: %w", filter, err)
	}
	return procfd.BackendPipe, nil
}
