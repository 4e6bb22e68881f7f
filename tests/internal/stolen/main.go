//go:build linux

// Command stolen owns a child through procfd while other code of the
// process reaps children behind procfd's back:
//
//	stolen BACKEND THIEF WHEN
//
// THIEF is "sigign" (SIGCHLD set to SIG_IGN: the kernel reaps) or "reaper"
// (a thread loops on waitpid(-1)). WHEN is "reaped" (the child is gone
// before Wait is called) or "running" (Wait is pending as it ends). BACKEND
// is pidfd, pipe, or one of pipeFilters. The child exits with code 3.
//
// It prints "status: <Status>" or "error: <err>" with "status lost:
// <bool>", and exits 0 if it got that far; it never waits longer than 10s.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
	"github.com/procfd/procfd/tests/internal/seccomp"
)

// pipeFilters: the BACKENDs that are the pipe backend under a seccomp
// filter. "pipe-nopidfd": every pidfd call fails (ENOSYS, a kernel before
// 5.2). "pipe-qemu": clone takes no CLONE_PIDFD but pidfd_open works, as
// under qemu-user, so the backend opens the child's pidfd after the spawn.
var pipeFilters = map[procfd.Backend]string{"pipe-nopidfd": "enosys", "pipe-qemu": "qemu"}

func main() {
	if len(os.Args) != 4 {
		fail("usage: stolen BACKEND sigign|reaper reaped|running")
	}
	backend, thief, when := procfd.Backend(os.Args[1]), os.Args[2], os.Args[3]
	if filter, ok := pipeFilters[backend]; ok {
		if err := seccomp.Install(filter); err != nil {
			fail("seccomp: %v", err)
		}
		backend = procfd.BackendPipe
	}
	switch thief {
	case "sigign":
		signal.Ignore(syscall.SIGCHLD)
		if !procstat.Ignored(syscall.SIGCHLD) {
			fail("SIGCHLD is not ignored")
		}
	case "reaper":
		go reaper()
	default:
		fail("unknown thief %q", thief)
	}

	script := "exit 3"
	if when == "running" {
		script = "sleep 0.3; exit 3"
	}
	h, err := procfd.Start("/bin/sh", []string{"sh", "-c", script},
		&procfd.Attr{Backend: backend, Files: []*os.File{nil, nil, nil}})
	if err != nil {
		fail("start: %v", err)
	}
	defer h.Close()
	switch when {
	case "reaped":
		deadline := time.Now().Add(10 * time.Second)
		for procstat.IsChild(h.Pid()) {
			if time.Now().After(deadline) {
				fail("pid %d was not reaped behind procfd's back", h.Pid())
			}
			time.Sleep(time.Millisecond)
		}
	case "running":
	default:
		fail("unknown mode %q", when)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := h.Wait(ctx)
	if err != nil {
		fmt.Printf("error: %v\nstatus lost: %v\n", err, errors.Is(err, procfd.ErrStatusLost))
	} else {
		fmt.Printf("status: %v\n", st)
	}
	if err := h.Signal(syscall.Signal(0)); !errors.Is(err, os.ErrProcessDone) {
		fmt.Printf("signal after the end: %v\n", err)
	}
}

// reaper plays a legacy waitpid(-1) loop on a thread of its own.
func reaper() {
	runtime.LockOSThread()
	for {
		var ws unix.WaitStatus
		if _, err := unix.Wait4(-1, &ws, 0, nil); err == syscall.ECHILD {
			time.Sleep(100 * time.Microsecond)
		}
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "stolen: "+format+"\n", args...)
	os.Exit(1)
}
