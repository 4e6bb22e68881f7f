package procfd

import (
	"os"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

// pidfdHandle is a handle on the pidfd backend. The pidfd is registered with
// the runtime poller: it becomes readable when the process exits.
type pidfdHandle struct{ polledFD }

// exitInfoGrace bounds how long Wait on a process that has exited waits
// for its exit status to appear in the kernel's pidfd info: for a process
// that is not our child, that happens when its parent reaps it.
const exitInfoGrace = 250 * time.Millisecond

func newPidfdHandle(pidfd, pid int) (*pidfdHandle, error) {
	p, err := newPolledFD(pidfd, "pidfd:"+strconv.Itoa(pid))
	return &pidfdHandle{p}, err
}

// reapOutcome is what one non-blocking look at a process found.
type reapOutcome int

const (
	stillRunning reapOutcome = iota
	reaped                   // status (or its loss) is known
	exitedNoInfo             // ended, but no status is available yet
)

func (p *pidfdHandle) await(h *handle) {
	var outcome reapOutcome
	err := p.conn.Read(func(fd uintptr) bool {
		outcome = look(h, int(fd))
		// exitedNoInfo is settled below, off the poller.
		return outcome != stillRunning
	})
	if err != nil {
		h.finish(nil, ErrClosed)
		return
	}
	if outcome == exitedNoInfo {
		p.awaitExitInfo(h)
	}
}

func (p *pidfdHandle) reapNow(h *handle) bool {
	var outcome reapOutcome
	if err := p.conn.Control(func(fd uintptr) { outcome = look(h, int(fd)) }); err != nil {
		return h.isFinished()
	}
	return outcome == reaped
}

// look runs pidfdReap through h.tryFinish. A handle that is finished
// already counts as reaped.
func look(h *handle, fd int) reapOutcome {
	outcome := reaped
	h.tryFinish(func() (*Status, error, bool) {
		var st *Status
		var err error
		st, err, outcome = pidfdReap(h, fd)
		return st, err, outcome == reaped
	})
	return outcome
}

// pidfdReap looks once, without blocking, for the process's exit status:
// through waitid if it is our child, else through PIDFD_INFO_EXIT.
func pidfdReap(h *handle, fd int) (*Status, error, reapOutcome) {
	pid, ws, ru, err := csrc.Waitid(csrc.IdPidfd, fd, unix.WEXITED|unix.WNOHANG)
	switch {
	case err == nil && pid == 0, err == syscall.EAGAIN:
		return nil, nil, stillRunning
	case err == nil:
		return statusFromWait(pid, ws, ru), nil, reaped
	case err != syscall.ECHILD:
		return nil, waitError(h.pid, "waitid", err), reaped
	}
	// ECHILD: not our child, or another reaper took it.
	if !pollReadable(fd) {
		return nil, nil, stillRunning
	}
	ws, ok, err := csrc.PidfdExitStatus(fd)
	if err != nil {
		return nil, waitError(h.pid, "", err), reaped
	}
	if ok {
		return statusFromWait(h.pid, ws, nil), nil, reaped
	}
	return nil, nil, exitedNoInfo
}

// awaitExitInfo gives the kernel exitInfoGrace to publish the exit status
// of a process that has ended, then settles for ErrStatusLost (our child,
// reaped by someone else) or ErrNoStatus.
func (p *pidfdHandle) awaitExitInfo(h *handle) {
	deadline := time.Now().Add(exitInfoGrace)
	for delay := time.Millisecond; time.Now().Before(deadline); delay *= 2 {
		time.Sleep(delay)
		var outcome reapOutcome
		err := p.conn.Control(func(fd uintptr) { outcome = look(h, int(fd)) })
		if err != nil {
			h.finish(nil, ErrClosed)
			return
		}
		if outcome == reaped {
			return
		}
	}
	if h.child {
		h.finish(nil, ErrStatusLost)
	} else {
		h.finish(nil, ErrNoStatus)
	}
}

func (p *pidfdHandle) signal(h *handle, sig syscall.Signal) error {
	var err error
	cerr := p.conn.Control(func(fd uintptr) {
		// A readable pidfd means the process has exited; it may still
		// be a zombie, which the kernel would let us "signal".
		if pollReadable(int(fd)) {
			err = os.ErrProcessDone
			return
		}
		err = csrc.PidfdSendSignal(int(fd), sig)
	})
	switch {
	case cerr != nil:
		return ErrClosed
	case err == syscall.ESRCH:
		return os.ErrProcessDone
	case err != nil && err != os.ErrProcessDone:
		return os.NewSyscallError("pidfd_send_signal", err)
	}
	return err
}

// pollReadable reports whether fd is readable now, without waiting.
func pollReadable(fd int) bool {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 0)
		if err == syscall.EINTR {
			continue
		}
		return err == nil && n > 0 && fds[0].Revents&(unix.POLLIN|unix.POLLHUP) != 0
	}
}
