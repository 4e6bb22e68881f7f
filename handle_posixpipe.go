//go:build darwin || netbsd || openbsd || (freebsd && !cgo) || (linux && procfd_posixpipe)

package procfd

// The death pipe on POSIX systems without a process handle of their own
// (macOS, NetBSD, OpenBSD, and FreeBSD built without cgo), as the RFC
// proposes it: the child holds the only write end of a pipe, whose end of
// file says it may have ended, and wait4 says whether it has. Children are
// started by Go's own syscall.StartProcess, the spawn under os/exec, so the
// package needs no cgo here.
//
// Linux builds this backend too under the build tag procfd_posixpipe, in
// place of its own: that is how its code is run and tested here (./build.sh
// test), where no BSD or macOS machine is.

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
)

func defaultBackend() Backend {
	if b := Backend(os.Getenv(backendEnv)); b != "" && checkBackend(b) == nil {
		return b
	}
	return BackendPipe
}

func checkBackend(b Backend) error {
	switch b {
	case BackendPipe:
		return nil
	case BackendPidfd, BackendProcdesc, BackendHandle:
		return &unsupportedError{"backend " + string(b) + " on " + runtime.GOOS, nil}
	}
	return fmt.Errorf("unknown backend %q: %w", b, syscall.EINVAL)
}

// errGoSpawnSignals: Go's spawn gives the child the signal mask of the
// thread that forks it and keeps the dispositions that exec keeps; nothing
// else runs in the child between fork and exec to change them.
var errGoSpawnSignals = &unsupportedError{"SigDefault and SigMask on the " + runtime.GOOS + " pipe backend", nil}

func start(path string, argv []string, attr *Attr) (*Handle, error) {
	fail := func(err error) (*Handle, error) {
		return nil, &os.PathError{Op: "procfd: start", Path: path, Err: err}
	}
	if _, err := resolveBackend(attr.Backend); err != nil {
		return fail(err)
	}
	if err := checkStartArgs(path, argv, attr); err != nil {
		return fail(err)
	}
	if len(attr.SigDefault) > 0 || len(attr.SigMask) > 0 {
		return fail(errGoSpawnSignals)
	}
	procAttr, err := goProcAttr(attr)
	if err != nil {
		return fail(err)
	}
	// os.Pipe makes both ends close-on-exec (under ForkLock where the
	// system has no pipe2): the write end reaches the child only as its
	// descriptor len(Files), which StartProcess dups without the flag.
	r, w, err := os.Pipe()
	if err != nil {
		return fail(err)
	}
	procAttr.Files = append(procAttr.Files, w.Fd())
	pid, _, err := syscall.StartProcess(path, argv, procAttr)
	w.Close()
	runtime.KeepAlive(attr.Files)
	if err != nil {
		r.Close()
		return fail(startError(err, attr.Dir))
	}
	return newHandle(pid, BackendPipe, true, attr.KillOnClose, watchChild(pid, r)), nil
}

func open(pid int) (*Handle, error) {
	if pid <= 0 {
		return nil, fmt.Errorf("procfd: open pid %d: %w", pid, syscall.EINVAL)
	}
	return nil, fmt.Errorf("procfd: open pid %d: %w", pid, &unsupportedError{"Open on backend pipe", nil})
}
