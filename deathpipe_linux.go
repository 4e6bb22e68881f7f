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
// running child, the pipe's read end.

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

type pipeProcess struct {
	pid      int
	death    *deathEntry
	notify   int           // the eventfd users poll, made at the first fd(); -1 until then
	released chan struct{} // closed by release
}

// newPipeProcess takes ownership of the death pipe's read end, which must
// be non-blocking, and closes it on failure.
func newPipeProcess(readEnd, pid int) (*pipeProcess, error) {
	death, err := deaths.watch(pid, readEnd)
	if err != nil {
		return nil, err
	}
	return &pipeProcess{pid: pid, death: death, notify: -1, released: make(chan struct{})}, nil
}

// awaitExit waits on the death watch's word, not on a descriptor: Go
// callers that never ask for fd cost the eventfd nothing.
func (p *pipeProcess) awaitExit() error {
	select {
	case <-p.death.endedCh:
	case <-p.released:
	}
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
		efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
		if err != nil {
			return ^uintptr(0), os.NewSyscallError("eventfd", err)
		}
		deaths.notifyOn(p.death, efd)
		p.notify = efd
	}
	return uintptr(p.notify), nil
}

func (p *pipeProcess) reap() (exitState, *Status, error) {
	var ru syscall.Rusage
	pid, ws, err := csrc.Waitid(csrc.IdPid, p.pid, unix.WEXITED|unix.WNOHANG, &ru)
	if err == nil && pid == 0 {
		return running, nil, nil
	}
	// No later look can change this answer: make fd readable now, if
	// the death watch has not yet.
	deaths.ended(p.death)
	switch {
	case err == syscall.ECHILD:
		return statusGone, nil, nil
	case err != nil:
		return running, nil, os.NewSyscallError("waitid", err)
	}
	return exited, statusFromWait(pid, ws, &ru), nil
}

func (p *pipeProcess) signal(sig syscall.Signal) error {
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
	}
	if err := unix.Kill(p.pid, sig); err != nil {
		if err == syscall.ESRCH {
			return os.ErrProcessDone
		}
		return os.NewSyscallError("kill", err)
	}
	return nil
}

func (p *pipeProcess) release() error {
	close(p.released)
	// After unwatch the watch never writes the eventfd: close it safely.
	deaths.unwatch(p.death)
	if p.notify >= 0 {
		return unix.Close(p.notify)
	}
	return nil
}
