//go:build linux

// Command seccomprun runs a command under a seccomp filter that hides the
// pidfd system calls (see tests/internal/seccomp for the modes):
//
//	seccomprun enosys|eperm|qemu command [arg...]
//
// The filter survives execve, and so does it in every process the command
// starts.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/tests/internal/seccomp"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: seccomprun enosys|eperm|qemu command [arg...]")
		os.Exit(2)
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "seccomprun:", err)
		os.Exit(127)
	}
	path, err := exec.LookPath(os.Args[2])
	if err != nil {
		fail(err)
	}
	// One thread from the filter to the exec: the thread that calls
	// prctl and seccomp is the one that execs.
	runtime.LockOSThread()
	if err := seccomp.Install(os.Args[1]); err != nil {
		fail(err)
	}
	fail(unix.Exec(path, os.Args[2:], os.Environ()))
}
