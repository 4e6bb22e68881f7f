//go:build !procfd_posixpipe

package procfd

// The pidfd backend: the handle is the pidfd itself, readable once the
// process has ended. Our own child is reaped with waitid(P_PIDFD); any other
// process's status is what the kernel keeps with the pidfd once its parent
// reaped it (PIDFD_INFO_EXIT, Linux 6.15+).

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

type pidfdProcess struct {
	polledFD
	pid int
}

func newPidfdProcess(pidfd, pid int) (*pidfdProcess, error) {
	p := &pidfdProcess{pid: pid}
	if err := p.open(pidfd, "pidfd:"+strconv.Itoa(pid)); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *pidfdProcess) awaitExit() error { return p.awaitReadable() }

func (p *pidfdProcess) reap() (state exitState, st *Status, err error) {
	if cerr := p.control(func(fd int) { state, st, err = p.reapFd(fd) }); cerr != nil {
		return running, nil, cerr
	}
	return state, st, err
}

func (p *pidfdProcess) reapFd(fd int) (exitState, *Status, error) {
	var ru syscall.Rusage
	pid, ws, err := csrc.Waitid(csrc.IdPidfd, fd, unix.WEXITED|unix.WNOHANG, &ru)
	switch {
	case err == nil && pid == 0, err == syscall.EAGAIN:
		return running, nil, nil
	case err == nil:
		return exited, statusFromWait(pid, ws, &ru), nil
	case err != syscall.ECHILD:
		return running, nil, os.NewSyscallError("waitid", err)
	}
	// ECHILD: not our child, or another reaper took it.
	if !pollReadable(fd) {
		return running, nil, nil
	}
	ws, ok, err := csrc.PidfdExitStatus(fd)
	switch {
	case err != nil:
		return running, nil, err
	case ok:
		return exited, statusFromWait(p.pid, ws, nil), nil
	}
	return statusLater, nil, nil
}

func (p *pidfdProcess) signal(sig syscall.Signal) error {
	var err error
	if cerr := p.control(func(fd int) { err = signalPidfd(fd, sig) }); cerr != nil {
		return cerr
	}
	return err
}

// signalPidfd sends sig through pidfd: nil, os.ErrProcessDone once the
// process has ended, or pidfd_send_signal's error.
func signalPidfd(pidfd int, sig syscall.Signal) error {
	// A readable pidfd means the process has exited; it may still be a
	// zombie, which the kernel would let us "signal".
	if pollReadable(pidfd) {
		return os.ErrProcessDone
	}
	switch err := csrc.PidfdSendSignal(pidfd, sig); err {
	case nil:
		return nil
	case syscall.ESRCH:
		return os.ErrProcessDone
	default:
		return os.NewSyscallError("pidfd_send_signal", err)
	}
}
