//go:build freebsd && cgo

package procfd

// Starting processes on FreeBSD, for the procdesc backend
// (procdesc_freebsd.go), alone or in a group (group_freebsd.go): pdfork in
// the C layer (csrc/spawn_freebsd.c),
// FreeBSD 13 or later (close_range(2)). Written against FreeBSD's manual
// pages and sources; this project's CI neither builds nor runs it on FreeBSD.

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

func defaultBackend() Backend {
	if b := Backend(os.Getenv(backendEnv)); b != "" && checkBackend(b) == nil {
		return b
	}
	return BackendProcdesc
}

func checkBackend(b Backend) error {
	switch b {
	case BackendProcdesc:
		return nil
	case BackendPidfd, BackendPipe, BackendHandle:
		return &unsupportedError{"backend " + string(b) + " on freebsd", nil}
	}
	return fmt.Errorf("unknown backend %q: %w", b, syscall.EINVAL)
}

func start(path string, argv []string, attr *Attr) (*Handle, error) {
	fail := func(err error) (*Handle, error) {
		return nil, &os.PathError{Op: "procfd: start", Path: path, Err: err}
	}
	backend, err := resolveBackend(attr.Backend)
	if err != nil {
		return fail(err)
	}
	if err := checkStartArgs(path, argv, attr); err != nil {
		return fail(err)
	}
	req := &csrc.SpawnRequest{
		Path:        path,
		Argv:        argv,
		Env:         attr.Env,
		Dir:         attr.Dir,
		Setsid:      attr.Setsid,
		Setpgid:     attr.Setpgid,
		KillOnClose: attr.KillOnClose,
		Nofile:      csrc.RaisedNofile(),
		SigDefault:  attr.SigDefault,
		SigMask:     attr.SigMask,
	}
	if req.Env == nil {
		req.Env = os.Environ()
	}
	if req.Fds, err = filesFds(attr.Files); err != nil {
		return fail(err)
	}

	// No ForkLock: the child closes every descriptor it was not given,
	// and the process descriptor and error pipe are close-on-exec, so a
	// spawn running beside os/exec's leaks nothing either way.
	var child csrc.Spawned
	var sys *procdescProcess
	spawn := func() error {
		var failure *csrc.SpawnFailure
		child, failure = csrc.Spawn(req)
		runtime.KeepAlive(attr.Files)
		if failure != nil {
			return spawnError(failure, attr.Dir)
		}
		var err error
		if sys, err = newProcdescProcess(child.Fd, child.Pid); err != nil {
			// The child runs but nothing could await it: stop it
			// rather than lose it.
			pdkill(child.Fd, syscall.SIGKILL)
			var ws syscall.WaitStatus
			for {
				if _, werr := syscall.Wait4(child.Pid, &ws, 0, nil); werr != syscall.EINTR {
					break
				}
			}
			unix.Close(child.Fd)
			return err
		}
		return nil
	}
	if g := attr.Group; g != nil {
		rg, ok := g.sys.(*reaperGroup)
		if !ok {
			return fail(&unsupportedError{"a group of mechanism " + string(g.mechanism) + " on freebsd", nil})
		}
		// The child is the root of a subtree of the group from its
		// first instruction: this process is a reaper, so whatever it
		// starts stays in that subtree. It is recorded once it has a
		// descriptor, before its handle exists to reap it.
		err = g.spawnIn(func() error {
			if err := spawn(); err != nil {
				return err
			}
			rg.started(child.Pid)
			pid := child.Pid
			sys.beforeReap = func() { rg.rootEnding(pid) }
			return nil
		})
	} else {
		err = spawn()
	}
	if err != nil {
		return fail(err)
	}
	return newHandle(child.Pid, backend, true, attr.KillOnClose, sys), nil
}

// open refuses: FreeBSD makes a process descriptor only with the process
// (pdfork); no call makes one for a process that already exists.
func open(pid int) (*Handle, error) {
	fail := func(err error) (*Handle, error) {
		return nil, fmt.Errorf("procfd: open pid %d: %w", pid, err)
	}
	if pid <= 0 || pid > math.MaxInt32 { // a pid_t
		return fail(syscall.EINVAL)
	}
	backend, err := resolveBackend("")
	if err != nil {
		return fail(err)
	}
	return fail(&unsupportedError{"Open on backend " + string(backend) +
		" (FreeBSD makes a process descriptor only with its process)", nil})
}
