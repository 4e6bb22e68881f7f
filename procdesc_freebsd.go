package procfd

// The procdesc backend (FreeBSD): the handle is the process descriptor that
// pdfork(2) returned for the child (csrc/spawn_freebsd.c). Its primitives:
//
//   - awaitExit parks on the kqueue reaper's word (reaper_freebsd.go);
//   - reap looks with poll(2), which reports POLLHUP on a process descriptor
//     from its process's exit on, and collects with wait4(2);
//   - signal is pdkill(2), which reaches the process behind the descriptor
//     and no other, whatever became of its PID;
//   - fd is the process descriptor itself.
//
// These files make their system calls from Go (golang.org/x/sys), so they
// need no cgo: only the spawn does (handle_freebsd.go). They build with
// CGO_ENABLED=0 too, unused there, so that a cross-build checks them.
//
// Who else can reap the child. The kernel sends no SIGCHLD for a child made
// by pdfork (pdfork(2)), and in the kern_exit.c read for this (FreeBSD
// 14-era) a wait for any child (wait(2), waitpid(-1)) passes it over and
// SIGCHLD set to SIG_IGN does not make the kernel reap it. What can take it
// is a wait that names it by process group or by PID: waitpid(0),
// waitpid(-pgid), wait6(P_PGID, ...) in other code of this process. Then
// its status is gone (ErrStatusLost), and pdkill answers ESRCH from then on.

import (
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

type procdescProcess struct {
	pd    int
	pid   int
	watch *reapEntry
	// beforeReap, if not nil, runs before the wait4 that reaps the
	// process, once it has exited: a group on the reaper mechanism
	// (group_freebsd.go) lets the process's subtree go while its pid
	// cannot be reused. Set before the handle exists.
	beforeReap func()

	mu       sync.Mutex
	released bool // release has begun: pd may be closed at any moment
}

// newProcdescProcess takes ownership of pd; on failure it leaves pd open,
// for the caller to stop the child it names.
func newProcdescProcess(pd, pid int) (*procdescProcess, error) {
	watch, err := reaper.watch(pd)
	if err != nil {
		return nil, err
	}
	return &procdescProcess{pd: pd, pid: pid, watch: watch}, nil
}

// awaitExit parks on one channel, which the reaper closes when the process
// exits, and unwatch when the handle is released.
func (p *procdescProcess) awaitExit() error {
	<-p.watch.ended
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.released {
		return ErrClosed
	}
	return nil
}

// reap looks without blocking. A process descriptor turns POLLHUP when its
// process exits; in the kernel code read for this, exit1 raises it, and the
// reaper's note, while it holds the process's lock, which wait4 takes
// before it looks at the process, so a wait4 after POLLHUP finds the
// zombie. Should it not, the status is statusLater, which the handle gives
// a moment to appear.
func (p *procdescProcess) reap() (exitState, *Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.released {
		return running, nil, ErrClosed
	}
	if !pollReadable(p.pd) {
		return running, nil, nil
	}
	// Exited. If other code has reaped it (see above), its PID may
	// already be another child's: ask the descriptor first, which knows.
	if err := pdkill(p.pd, 0); err == syscall.ESRCH {
		return statusGone, nil, nil
	}
	if p.beforeReap != nil {
		p.beforeReap()
	}
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	for {
		pid, err := syscall.Wait4(p.pid, &ws, syscall.WNOHANG, &ru)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.ECHILD:
			return statusGone, nil, nil
		case err != nil:
			return running, nil, os.NewSyscallError("wait4", err)
		case pid == 0:
			return statusLater, nil, nil
		}
		return exited, statusFromWait(pid, ws, &ru), nil
	}
}

// signal sends sig through the descriptor. A process that has exited, a
// zombie not yet reaped included, has ErrProcessDone.
func (p *procdescProcess) signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.released {
		return ErrClosed
	}
	if pollReadable(p.pd) {
		return os.ErrProcessDone
	}
	switch err := pdkill(p.pd, sig); err {
	case nil:
		return nil
	case syscall.ESRCH:
		return os.ErrProcessDone
	default:
		return os.NewSyscallError("pdkill", err)
	}
}

// fd is the process descriptor itself: poll(2) and select(2) report it
// (POLLHUP; readable for select) from its process's exit on, which is
// exactly when reap finds it exited. kqueue takes it through
// EVFILT_PROCDESC only, not EVFILT_READ.
func (p *procdescProcess) fd() (uintptr, error) { return uintptr(p.pd), nil }

// release takes the descriptor from the reaper, which wakes awaitExit, and
// has it closed (see reaper_freebsd.go for when). Closing a descriptor made
// without PD_DAEMON kills a process that still runs: procfd only releases
// a child's descriptor once it has reaped it, or given up on it.
func (p *procdescProcess) release() error {
	p.mu.Lock()
	p.released = true
	p.mu.Unlock()
	return reaper.unwatch(p.watch)
}

// pdkill sends sig to the process behind the process descriptor fd; 0
// sends nothing and says whether the process is still there (a zombie
// counts until it is reaped).
func pdkill(fd int, sig syscall.Signal) error {
	_, _, errno := unix.Syscall(unix.SYS_PDKILL, uintptr(fd), uintptr(sig), 0)
	if errno != 0 {
		return errno
	}
	return nil
}
