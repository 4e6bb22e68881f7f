//go:build darwin || netbsd || openbsd || (freebsd && !cgo) || (linux && procfd_posixpipe)

package procfd

// The death pipe's process (handle_posixpipe.go). The only look that says
// whether a child has ended is wait4, which also reaps it: waitid with
// WNOWAIT is not in Go's reach on every one of these systems. So the
// backend reaps as soon as it knows, keeps the status for reap to hand
// over, and never signals after that: mu orders every kill(2) and wait4,
// and the PID is the child's until wait4 has reaped it.
//
// What makes the backend look at a child:
//   - its death pipe at end of file, and then a back-off from 1 ms to
//     pipeRecheckAfterEOF while it runs on (it closed its descriptors, or
//     the end of file came a moment before the exit): one goroutine per
//     child, parked on the poller;
//   - SIGCHLD, for every live child, which covers a grandchild that holds
//     the pipe past the child's end;
//   - every pipeRecheckMax, every live child: the only look while SIGCHLD
//     is ignored, or while other code's signal.Ignore has taken it from
//     procfd's signal.Notify.

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

type pipeChild struct {
	pid   int
	death *os.File // the death pipe's read end, until the child has ended

	mu       sync.Mutex
	ended    bool // reaped, or found reaped by someone else
	state    exitState
	status   *Status
	released bool
	endedCh  chan struct{} // closed once ended, or at release
	notifyR  *os.File      // what fd hands out, made at its first call
	notifyW  *os.File      // written once ended
}

// watchChild takes ownership of death, the read end of pid's death pipe,
// and starts watching the child.
func watchChild(pid int, death *os.File) *pipeChild {
	c := &pipeChild{pid: pid, death: death, endedCh: make(chan struct{})}
	children.add(c)
	go c.watchPipe()
	return c
}

// watchPipe parks until the death pipe is at end of file, then looks with
// a back-off until the child is reaped. It ends once the child has ended:
// endLocked closes the pipe under it.
func (c *pipeChild) watchPipe() {
	conn, err := c.death.SyscallConn()
	if err != nil || conn.Read(func(fd uintptr) bool { return pipeAtEOF(int(fd)) }) != nil {
		return
	}
	for delay := time.Millisecond; !c.look(); delay = min(2*delay, pipeRecheckAfterEOF) {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-c.endedCh:
		}
		t.Stop()
	}
}

// look reaps the child if it has ended, and reports whether it has.
func (c *pipeChild) look() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ended && !c.released {
		c.lookLocked()
	}
	return c.ended || c.released
}

func (c *pipeChild) lookLocked() {
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	var pid int
	var err error
	for {
		pid, err = syscall.Wait4(c.pid, &ws, syscall.WNOHANG, &ru)
		if err != syscall.EINTR {
			break
		}
	}
	switch {
	case err == nil && pid == 0:
		return // runs on
	case err == syscall.ECHILD:
		// Reaped by other code (SIGCHLD ignored, a wait for any
		// child): its status is gone.
		c.state = statusGone
	case err != nil:
		// No later look will cure it (EINVAL, EFAULT): say so as
		// a lost status rather than look forever.
		c.state = statusGone
	default:
		c.state, c.status = exited, statusFromWait(pid, ws, &ru)
	}
	c.endLocked()
}

// endLocked marks the child ended: wakes awaitExit, makes fd readable,
// and lets the pipe and the watch go.
func (c *pipeChild) endLocked() {
	c.ended = true
	close(c.endedCh)
	if c.notifyW != nil {
		c.notifyW.Write([]byte{1})
	}
	c.death.Close() // wakes watchPipe, if it still parks on it
	children.forget(c)
}

func (c *pipeChild) awaitExit() error {
	<-c.endedCh
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.released {
		return ErrClosed
	}
	return nil
}

func (c *pipeChild) reap() (exitState, *Status, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.released {
		return running, nil, ErrClosed
	}
	if !c.ended {
		c.lookLocked()
	}
	if !c.ended {
		return running, nil, nil
	}
	return c.state, c.status, nil
}

// errUnsafeKill: while SIGCHLD is ignored the kernel reaps children
// itself, so the PID may name another process by the time kill(2) runs.
var errUnsafeKill = &unsupportedError{"signalling a child while SIGCHLD is ignored", nil}

// signal never signals a process the handle does not own: the child is
// unreaped while mu is held, unless other code reaps children (a wait for
// any child, which nothing can see, or SIGCHLD ignored, which refuses).
// It looks first, since kill(2) succeeds on a zombie: a child that has
// exited, though no watch has looked yet, answers ErrProcessDone.
func (c *pipeChild) signal(sig syscall.Signal) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		return os.ErrProcessDone
	}
	if signal.Ignored(syscall.SIGCHLD) {
		return errUnsafeKill
	}
	if c.lookLocked(); c.ended {
		return os.ErrProcessDone
	}
	if err := syscall.Kill(c.pid, sig); err != nil {
		if err == syscall.ESRCH {
			return os.ErrProcessDone
		}
		return os.NewSyscallError("kill", err)
	}
	return nil
}

// fd makes a pipe at the first call, whose read end turns readable when
// the child has ended, and stays so: nothing ever reads it. The handle
// calls it locked.
func (c *pipeChild) fd() (uintptr, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.notifyR == nil {
		r, w, err := os.Pipe()
		if err != nil {
			return ^uintptr(0), err
		}
		c.notifyR, c.notifyW = r, w
		if c.ended {
			w.Write([]byte{1})
		}
	}
	return c.notifyR.Fd(), nil
}

func (c *pipeChild) release() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.released {
		return nil
	}
	c.released = true
	if !c.ended {
		close(c.endedCh)
		c.death.Close()
		children.forget(c)
	}
	if c.notifyR != nil {
		c.notifyR.Close()
		c.notifyW.Close()
	}
	return nil
}

// children is every live child of this backend, for SIGCHLD and the
// periodic look.
var children childWatch

type childWatch struct {
	mu      sync.Mutex
	started bool
	live    map[*pipeChild]struct{}
	nudge   chan struct{} // the live set grew: start the periodic look
}

func (w *childWatch) add(c *pipeChild) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.started {
		w.started = true
		w.live = make(map[*pipeChild]struct{})
		w.nudge = make(chan struct{}, 1)
		sigs := make(chan os.Signal, 1)
		// Notify would take SIGCHLD back from SIG_IGN, and the kernel
		// would stop reaping for the code that ignored it: only
		// when it is not ignored.
		if !signal.Ignored(syscall.SIGCHLD) {
			signal.Notify(sigs, syscall.SIGCHLD)
		}
		go w.run(sigs)
	}
	w.live[c] = struct{}{}
	notify(w.nudge)
}

func (w *childWatch) forget(c *pipeChild) {
	w.mu.Lock()
	delete(w.live, c)
	w.mu.Unlock()
}

func (w *childWatch) run(sigs chan os.Signal) {
	for {
		w.mu.Lock()
		periodic := len(w.live) > 0
		w.mu.Unlock()
		var timer *time.Timer
		var tick <-chan time.Time
		if periodic {
			timer = time.NewTimer(pipeRecheckMax)
			tick = timer.C
		}
		select {
		case <-sigs:
		case <-tick:
			// signal.Ignore elsewhere drops this Notify too, and a
			// later signal.Reset does not bring it back: ask again
			// while SIGCHLD is not ignored.
			if !signal.Ignored(syscall.SIGCHLD) {
				signal.Notify(sigs, syscall.SIGCHLD)
			}
		case <-w.nudge:
		}
		if timer != nil {
			timer.Stop()
		}
		w.lookAll()
	}
}

func (w *childWatch) lookAll() {
	w.mu.Lock()
	live := make([]*pipeChild, 0, len(w.live))
	for c := range w.live {
		live = append(live, c)
	}
	w.mu.Unlock()
	for _, c := range live {
		c.look()
	}
}
