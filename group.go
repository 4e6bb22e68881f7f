package procfd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
)

// groupSys is what a mechanism supplies for one group: a few system calls
// on its native object (a cgroup directory, a process group, a job), and no
// state of the group's own. The state machine (empty or not, who waits,
// when the object is released) is the group's, below.
type groupSys interface {
	// populated looks once, without blocking, whether a process of the
	// group may still run.
	populated() (bool, error)
	// awaitChange parks the calling goroutine, on the runtime poller or a
	// channel, until populated may have changed. It returns ErrClosed
	// once release has run.
	awaitChange() error
	// pids lists the processes in the group.
	pids() ([]int, error)
	// signal sends sig to every process in the group, and never to a
	// process outside it. os.ErrProcessDone: it found none.
	signal(sig syscall.Signal) error
	// kill kills every process in the group.
	kill() error
	// release gives the native object back (removes the cgroup
	// directory, reaps the process group's anchor) and wakes awaitChange.
	// The group calls it once, when the group is empty or was closed with
	// processes left that it no longer watches.
	release() error
}

// emptyFlag is the descriptor users poll: set (readable) exactly while the
// group is empty. The group calls set and clear locked, and only on a
// change.
type emptyFlag interface {
	set()
	clear()
	fd() uintptr
	close() error
}

// group owns a tree of processes through its mechanism.
type group struct {
	mechanism   Mechanism
	killOnClose bool
	sys         groupSys
	flag        emptyFlag

	mu       sync.Mutex
	empty    bool
	emptyCh  chan struct{} // closed when the group became empty; replaced when it fills
	closed   bool
	closedCh chan struct{} // closed by Close: ends Waits in progress
	detached bool          // closed while not empty: the watcher releases sys once it is
	released bool
}

// newGroupOf wraps a mechanism's object in a group, and starts the watcher
// that keeps empty and the flag true to the kernel's word.
func newGroupOf(mechanism Mechanism, killOnClose bool, sys groupSys, flag emptyFlag) *Group {
	g := &Group{&group{
		mechanism:   mechanism,
		killOnClose: killOnClose,
		sys:         sys,
		flag:        flag,
		empty:       true,
		emptyCh:     make(chan struct{}),
		closedCh:    make(chan struct{}),
	}}
	close(g.emptyCh)
	g.flag.set()
	// As with handles: the watcher holds the inner group, never the
	// Group, so a Group the user dropped is still closed.
	runtime.AddCleanup(g, func(s *group) { s.close(false) }, g.group)
	go g.watch()
	return g
}

// watch follows the group's changes until its object is released.
func (g *group) watch() {
	for g.sys.awaitChange() == nil {
		g.mu.Lock()
		g.refreshLocked()
		release := g.detached && g.empty && !g.released
		if release {
			g.released = true
		}
		g.mu.Unlock()
		if release {
			g.releaseSys()
		}
	}
}

// refreshLocked looks at the group and moves empty and the flag to match.
// A look that fails leaves them as they were: the next change looks again.
func (g *group) refreshLocked() {
	populated, err := g.sys.populated()
	if err != nil {
		return
	}
	g.setEmptyLocked(!populated)
}

func (g *group) setEmptyLocked(empty bool) {
	if empty == g.empty {
		return
	}
	g.empty = empty
	if empty {
		g.flag.set()
		close(g.emptyCh)
	} else {
		g.flag.clear()
		g.emptyCh = make(chan struct{})
	}
}

// spawnIn runs spawn, which starts a child in the group, with the group
// locked: the group counts as populated from before the child exists, so
// the flag is never readable while a member runs.
func (g *group) spawnIn(spawn func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return ErrClosed
	}
	g.setEmptyLocked(false)
	err := spawn()
	g.refreshLocked()
	return err
}

func (g *group) wait(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return ErrClosed
	}
	for !g.empty {
		emptyCh := g.emptyCh
		g.mu.Unlock()
		select {
		case <-emptyCh:
		case <-g.closedCh:
		case <-ctx.Done():
		}
		g.mu.Lock()
		if !g.empty {
			if g.closed {
				g.mu.Unlock()
				return ErrClosed
			}
			if ctx.Err() != nil {
				// One look before giving up, as a handle's Wait
				// does: the watcher may not have run yet.
				g.refreshLocked()
				if !g.empty {
					g.mu.Unlock()
					return ctx.Err()
				}
			}
		}
	}
	g.mu.Unlock()
	return nil
}

func (g *group) pids() ([]int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil, ErrClosed
	}
	pids, err := g.sys.pids()
	if err != nil {
		return nil, fmt.Errorf("procfd: group pids: %w", err)
	}
	return pids, nil
}

func (g *group) signal(sig os.Signal) error {
	s, ok := sig.(syscall.Signal)
	if !ok {
		return fmt.Errorf("procfd: signal group with %v: %w", sig, syscall.EINVAL)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return ErrClosed
	}
	return g.signalLocked(s)
}

func (g *group) signalLocked(sig syscall.Signal) error {
	var err error
	if sig == syscall.SIGKILL {
		err = g.sys.kill()
	} else {
		err = g.sys.signal(sig)
	}
	if err != nil && err != os.ErrProcessDone {
		return fmt.Errorf("procfd: signal group with %v: %w", sig, err)
	}
	return err
}

func (g *group) kill() error { return g.signal(os.Kill) }

func (g *group) fd() uintptr {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return ^uintptr(0)
	}
	return g.flag.fd()
}

// close closes the group: with killOnClose it kills the tree and, if
// awaitKill, returns once the tree is empty. A group left with processes
// in it is detached: the watcher releases its object once it is empty.
func (g *group) close(awaitKill bool) error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return ErrClosed
	}
	g.closed = true
	var err error
	if g.killOnClose && !g.empty {
		if err = g.signalLocked(syscall.SIGKILL); errors.Is(err, os.ErrProcessDone) {
			err = nil
		}
	}
	emptyCh := g.emptyCh
	waitHere := g.killOnClose && !g.empty && err == nil && awaitKill
	g.mu.Unlock()
	if waitHere {
		<-emptyCh
	}

	g.mu.Lock()
	close(g.closedCh)
	release := g.empty && !g.released
	g.released = g.released || release
	g.detached = !release
	g.mu.Unlock()
	if release {
		if rerr := g.releaseSys(); err == nil {
			err = rerr
		}
	}
	return err
}

// notify leaves one wake-up pending on ch, which has room for one.
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// releaseSys releases the mechanism's object, which ends the watcher, and
// the flag, which nobody polls once the group is closed.
func (g *group) releaseSys() error {
	err := g.sys.release()
	if ferr := g.flag.close(); err == nil {
		err = ferr
	}
	if err != nil {
		return fmt.Errorf("procfd: close group: %w", err)
	}
	return nil
}
