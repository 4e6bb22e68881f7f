//go:build linux

// Command backendprobe prints what procfd makes of the system it runs on,
// one fact a line:
//
//	default <DefaultBackend()>
//	pidfd <the error of a Start forced onto the pidfd backend, or "ok">
//	pipe <the exit status of a Start on the pipe backend, or its error>
//	calls <name>=<errno name> ... for the raw pidfd calls, each made so
//	  that it fails (a bad descriptor, a NULL clone3 argument): what a
//	  filter returns instead of the kernel's own error shows
//
// seccomprun runs it under a filter to show the fallback to the pipe backend.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
)

func main() {
	fmt.Println("default", procfd.DefaultBackend())
	truePath, err := exec.LookPath("true")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, b := range []procfd.Backend{procfd.BackendPidfd, procfd.BackendPipe} {
		h, err := procfd.Start(truePath, []string{"true"}, &procfd.Attr{Backend: b})
		if err != nil {
			fmt.Println(b, err)
			continue
		}
		st, err := h.Wait(context.Background())
		h.Close()
		if err != nil {
			fmt.Println(b, err)
			continue
		}
		fmt.Println(b, "ok", st)
	}
	fmt.Println("calls", rawCalls())
}

// rawCalls makes each pidfd call in a way that cannot succeed nor harm:
// without a filter, the kernel answers EINVAL or EBADF (a descriptor of -1,
// a NULL clone_args of size 0), never ENOSYS nor EPERM.
func rawCalls() string {
	const pPidfd = 3
	calls := []struct {
		name string
		nr   uintptr
		args [4]uintptr
	}{
		{"pidfd_open", unix.SYS_PIDFD_OPEN, [4]uintptr{^uintptr(0), 0}},
		{"pidfd_send_signal", unix.SYS_PIDFD_SEND_SIGNAL, [4]uintptr{^uintptr(0), 0, 0, 0}},
		{"waitid(P_PIDFD)", unix.SYS_WAITID, [4]uintptr{pPidfd, ^uintptr(0), 0, unix.WEXITED | unix.WNOHANG}},
		{"clone3", unix.SYS_CLONE3, [4]uintptr{0, 0}},
	}
	var out []string
	for _, c := range calls {
		_, _, errno := unix.Syscall6(c.nr, c.args[0], c.args[1], c.args[2], c.args[3], 0, 0)
		name := "success"
		if errno != 0 {
			name = unix.ErrnoName(errno)
		}
		out = append(out, c.name+"="+name)
	}
	return strings.Join(out, " ")
}
