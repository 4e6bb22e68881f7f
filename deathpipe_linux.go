//go:build !procfd_posixpipe

package procfd

// The death-pipe backend, the RFC's mechanism for systems without process
// descriptors: the child alone holds the write end of a pipe (close-on-exec
// in the parent, so no sibling spawned meanwhile execs with it), and the
// pipe reaches EOF when every process holding that end has ended. EOF is
// only a hint, since a child can close the pipe and run on, and a
// grandchild can hold it past the child's end. So users never poll the
// pipe: the death watch (deathwatch_linux.go) confirms each end with
// waitid(WNOWAIT), then tells the handle, and writes the handle's eventfd,
// which is the descriptor users poll. The eventfd is made only when a user
// asks for it (Fd): a Go program that only waits holds one descriptor per
// running child: the pidfd where pidfd_open works (the watch then waits on
// it and closes the pipe at once), else the pipe's read end.
//
// Signals. Once other code has reaped the child (SIGCHLD set to SIG_IGN, or
// a waitpid(-1) loop), its PID can name another process, and no check made
// before kill(2) can rule out a reap in between. So the handle has a pidfd
// for the child wherever it can, and Signal goes through it: from clone,
// with the child, where clone takes CLONE_PIDFD (Linux 5.2+); else, where
// pidfd_open works (Linux 5.3+, qemu-user, seccomp policies that only lack
// CLONE_PIDFD), opened right after the spawn. Other code that reaps the
// child within that instant takes its status with it: the handle reports
// ErrStatusLost and never signals. Without a pidfd, Signal kills by PID
// only while the kernel does not reap children itself, and refuses
// otherwise (errUnsafeSignal); a waitpid(-1) loop of other code cannot be
// detected, and remains a known limit there.

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

type pipeProcess struct {
	pid      int
	pidfd    int  // the child's pidfd; -1 where pidfd_open does not work
	gone     bool // reaped by other code before a pidfd could be opened
	death    *deathEntry
	notify   int           // the eventfd users poll, made at the first fd(); -1 until then
	released chan struct{} // closed by release
}

// newPipeProcess takes ownership of the death pipe's read end, which must
// be non-blocking, and of pidfd (see openChildPidfd), and closes both on
// failure.
func newPipeProcess(readEnd, pid, pidfd int, gone bool) (*pipeProcess, error) {
	death, err := deaths.watch(pid, readEnd, pidfd)
	if err != nil {
		if pidfd >= 0 {
			unix.Close(pidfd)
		}
		return nil, err
	}
	p := &pipeProcess{pid: pid, pidfd: pidfd, gone: gone, death: death, notify: -1, released: make(chan struct{})}
	if gone {
		deaths.ended(death)
	}
	return p, nil
}

// openChildPidfd opens a pidfd for pid, the child that pfd_spawn has just
// started where clone made none: the caller holds syscall.ForkLock, so no
// other Go code forks meanwhile. It returns -1 where pidfd_open does not work here (ENOSYS on
// kernels before 5.3, ENOSYS or EPERM from a seccomp policy), and gone if
// other code has already reaped the child: the PID may name another
// process, and the handle must not use it. Any other error (EMFILE, ENFILE,
// ENOMEM) fails the spawn: a handle either has its pidfd or is on a system
// without pidfd_open.
func openChildPidfd(pid int) (pidfd int, gone bool, err error) {
	fd, err := csrc.PidfdOpen(pid)
	switch err {
	case nil:
	case syscall.ENOSYS, syscall.EPERM:
		return -1, false, nil
	case syscall.ESRCH:
		return -1, true, nil
	default:
		return -1, false, os.NewSyscallError("pidfd_open", err)
	}
	// Reaped and reused in the instant since the spawn? The pidfd names
	// our child if waitid on it finds a child of ours, or if it has
	// ended since (reaped by other code, the kernel keeps its status);
	// a live process that is not our child is a stranger.
	_, _, err = csrc.Waitid(csrc.IdPidfd, fd, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	switch {
	case err == nil, err == syscall.EINVAL: // EINVAL: no P_PIDFD before Linux 5.4; trust the instant
		return fd, false, nil
	case err == syscall.ECHILD && pollReadable(fd):
		return fd, false, nil
	case err == syscall.ECHILD:
		unix.Close(fd)
		return -1, true, nil
	}
	unix.Close(fd)
	return -1, false, os.NewSyscallError("waitid", err)
}

// errUnsafeSignal: the pipe backend has no pidfd for the child and the
// kernel reaps children itself, so the PID may name another process by the
// time kill(2) runs.
var errUnsafeSignal = &unsupportedError{"signalling a child without a pidfd while SIGCHLD is ignored (SIG_IGN or SA_NOCLDWAIT)", nil}

// awaitExit waits on the death watch's word, not on a descriptor: Go
// callers that never ask for fd cost the eventfd nothing. It parks on one
// channel, not a select, whose frame would grow a parked Wait's stack (see
// handle.collector): release closes p.released and then ends the watch
// entry, which closes endedCh.
func (p *pipeProcess) awaitExit() error {
	<-p.death.endedCh
	select {
	case <-p.released:
		return ErrClosed
	default:
		return nil
	}
}

// fd makes the eventfd at the first call; the handle calls it locked.
func (p *pipeProcess) fd() (uintptr, error) {
	if p.notify < 0 {
		efd, err := newEventfd()
		if err != nil {
			return ^uintptr(0), err
		}
		deaths.notifyOn(p.death, efd)
		p.notify = efd
	}
	return uintptr(p.notify), nil
}

func (p *pipeProcess) reap() (exitState, *Status, error) {
	if p.gone {
		return statusGone, nil, nil
	}
	var ru syscall.Rusage
	pid, ws, err := waitChild(p.pid, p.pidfd, unix.WEXITED|unix.WNOHANG, &ru)
	if err == nil && pid == 0 {
		return running, nil, nil
	}
	// No later look can change this answer: make fd readable now, if
	// the death watch has not yet.
	deaths.ended(p.death)
	switch {
	case err == syscall.ECHILD && p.pidfd >= 0:
		// Another reaper took it; the kernel keeps its status with
		// the pidfd (PIDFD_INFO_EXIT, Linux 6.15+).
		if ws, ok, _ := csrc.PidfdExitStatus(p.pidfd); ok {
			return exited, statusFromWait(p.pid, ws, nil), nil
		}
		return statusGone, nil, nil
	case err == syscall.ECHILD:
		return statusGone, nil, nil
	case err != nil:
		return running, nil, os.NewSyscallError("waitid", err)
	}
	return exited, statusFromWait(pid, ws, &ru), nil
}

// signal never signals a process the handle does not own: through the
// pidfd where there is one, else by PID only while no reap by the kernel
// can come between the check and kill(2).
func (p *pipeProcess) signal(sig syscall.Signal) error {
	if p.gone {
		return os.ErrProcessDone
	}
	if p.pidfd >= 0 {
		err := signalPidfd(p.pidfd, sig)
		// ENOSYS: pidfd_open works but not this: kill by PID.
		if !errors.Is(err, syscall.ENOSYS) {
			if err == nil && sig == syscall.SIGKILL {
				deaths.killed(p.death)
			}
			return err
		}
	}
	// procfd has not reaped the PID, but other code may have, and then
	// the PID may already name another process: ask the kernel whether
	// it is still our child.
	pid, _, err := csrc.Waitid(csrc.IdPid, p.pid, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	switch {
	case err == syscall.ECHILD:
		deaths.ended(p.death)
		return os.ErrProcessDone
	case err != nil:
		return os.NewSyscallError("waitid", err)
	case pid != 0: // a zombie: exited, not yet reaped
		return os.ErrProcessDone
	case sig == 0:
		return nil // it runs: nothing to send
	}
	// It runs, but while the kernel reaps children itself it may end,
	// be reaped and have its PID reused before kill runs. A waitpid(-1)
	// loop of other code can do the same, and cannot be detected.
	if csrc.SigchldOwnerNow() == csrc.SigchldKernel {
		return errUnsafeSignal
	}
	if err := unix.Kill(p.pid, sig); err != nil {
		if err == syscall.ESRCH {
			return os.ErrProcessDone
		}
		return os.NewSyscallError("kill", err)
	}
	if sig == syscall.SIGKILL {
		deaths.killed(p.death)
	}
	return nil
}

// waitChild is waitid on the child: through its pidfd where there is one,
// since once other code has reaped the child its PID may name another child
// of ours; by PID without one, or where the kernel has no P_PIDFD (5.3).
func waitChild(pid, pidfd, options int, ru *syscall.Rusage) (int, syscall.WaitStatus, error) {
	if pidfd >= 0 {
		wpid, ws, err := csrc.Waitid(csrc.IdPidfd, pidfd, options, ru)
		if err != syscall.EINVAL {
			return wpid, ws, err
		}
	}
	return csrc.Waitid(csrc.IdPid, pid, options, ru)
}

func (p *pipeProcess) release() error {
	close(p.released)
	// After unwatch the watch never writes the eventfd: close it safely.
	deaths.unwatch(p.death)
	var err error
	if p.pidfd >= 0 {
		err = unix.Close(p.pidfd)
	}
	if p.notify >= 0 {
		if cerr := unix.Close(p.notify); err == nil {
			err = cerr
		}
	}
	return err
}
