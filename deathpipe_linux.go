package procfd

// The death-pipe backend, the RFC's mechanism for systems without process
// descriptors: the child alone holds the write end of a pipe (close-on-exec
// in the parent, so no sibling spawned meanwhile execs with it), and the
// pipe reaches EOF when every process holding that end has ended. EOF is
// only a hint, since a child can close the pipe and run on, and a
// grandchild can hold it past the child's end. So users never poll the
// pipe: the death watch (deathwatch_linux.go) confirms each end with
// waitid(WNOWAIT), then signals the handle's eventfd, which is the
// descriptor users poll.

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

type pipeProcess struct {
	polledFD // the eventfd: readable once the child is known to have ended
	pid      int
	death    *deathEntry
}

// newPipeProcess takes ownership of the death pipe's read end, which must
// be non-blocking, and closes it on failure.
func newPipeProcess(readEnd, pid int) (*pipeProcess, error) {
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(readEnd)
		return nil, os.NewSyscallError("eventfd", err)
	}
	p, err := newPolledFD(efd, "deathpipe:"+strconv.Itoa(pid))
	if err != nil {
		unix.Close(readEnd)
		return nil, err
	}
	death, err := deaths.watch(pid, readEnd, efd)
	if err != nil {
		p.release()
		return nil, err
	}
	return &pipeProcess{p, pid, death}, nil
}

func (p *pipeProcess) awaitExit() error { return p.awaitReadable() }

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
	deaths.unwatch(p.death)
	return p.polledFD.release()
}
