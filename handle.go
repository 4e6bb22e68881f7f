package procfd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// process is what a backend supplies for one process: a few system calls
// on its native handle, and no state of the handle's own. The state machine
// (who reaps, who waits, what a lost status means, when the descriptor is
// released) is the handle's, below; a backend never calls back into it.
type process interface {
	// awaitExit parks the calling goroutine, on the runtime poller or a
	// channel, until the process may have ended: until fd is readable. It
	// returns at once if the process has ended, and ErrClosed once
	// release has run.
	awaitExit() error
	// reap looks once, without blocking, and collects the exit status if
	// the process has ended. err means the look itself failed, which no
	// later look will cure; ErrClosed, that release has run.
	reap() (state exitState, st *Status, err error)
	// signal sends sig. The handle calls it locked and unfinished, so
	// procfd has not reaped the process. It returns os.ErrProcessDone if
	// the process has ended.
	signal(sig syscall.Signal) error
	// fd is the descriptor users poll: readable exactly when reap finds
	// the process ended, and from then on. A backend may make it at the
	// first call, which can fail.
	fd() (uintptr, error)
	// release closes the native handle.
	release() error
}

// backendEnv names the environment variable that forces a backend.
const backendEnv = "PROCFD_BACKEND"

// resolveBackend turns a requested backend ("" for the default) into one
// that works here, or says why it cannot.
func resolveBackend(b Backend) (Backend, error) {
	if b == "" {
		env := Backend(os.Getenv(backendEnv))
		if env == "" {
			return defaultBackend(), nil
		}
		if err := checkBackend(env); err != nil {
			return "", fmt.Errorf("%s=%s: %w", backendEnv, env, err)
		}
		return env, nil
	}
	return b, checkBackend(b)
}

// checkArgsAnyOS rejects what no OS starts a process with: an empty path
// or argv, and NUL bytes, which would cut a string short.
func checkArgsAnyOS(path string, argv []string, attr *Attr) error {
	if path == "" {
		return syscall.ENOENT
	}
	if len(argv) == 0 {
		return fmt.Errorf("empty argv: argv[0] is required: %w", syscall.EINVAL)
	}
	if attr.Group != nil && attr.Group.group == nil {
		return fmt.Errorf("a zero Group: get one from NewGroup: %w", syscall.EINVAL)
	}
	for _, list := range [][]string{{path, attr.Dir}, argv, attr.Env} {
		for _, s := range list {
			if strings.IndexByte(s, 0) >= 0 {
				return fmt.Errorf("%q contains a NUL byte: %w", s, syscall.EINVAL)
			}
		}
	}
	return nil
}

// adoptProcess is FromProcess where backend can own the native handle that
// os.Process lends through WithHandle (handleName says which): adopt makes
// the backend's process from it, by a duplicate, while p still holds it.
// The handle owns the process (it is a child: os started it) and kills it
// on Close.
func adoptProcess(p *os.Process, backend Backend, handleName string, adopt func(h uintptr, pid int) (process, error)) (*Handle, error) {
	if p == nil {
		return nil, fmt.Errorf("procfd: from process: nil *os.Process: %w", syscall.EINVAL)
	}
	fail := func(err error) (*Handle, error) {
		return nil, fmt.Errorf("procfd: from process %d: %w", p.Pid, err)
	}
	resolved, err := resolveBackend("")
	if err != nil {
		return fail(err)
	}
	if resolved != backend {
		return fail(&unsupportedError{"FromProcess on backend " + string(resolved), nil})
	}
	var sys process
	var adoptErr error
	err = p.WithHandle(func(h uintptr) { sys, adoptErr = adopt(h, p.Pid) })
	switch {
	case errors.Is(err, os.ErrNoHandle):
		return fail(&unsupportedError{"FromProcess on an os.Process without a " + handleName, err})
	case err != nil:
		return fail(err) // waited for or released
	case adoptErr != nil:
		return fail(adoptErr)
	}
	return newHandle(p.Pid, backend, true, true, sys), nil
}

// exitState is what one look at a process found.
type exitState int

const (
	running     exitState = iota
	exited                // ended, and here is its status
	statusLater           // ended; its status may still appear (its parent has not reaped it yet)
	statusGone            // ended, and no status will come: another reaper took it
)

// exitInfoGrace bounds how long the handle waits for the status of a
// process that reap says ended with statusLater: for a process that is not
// our child, the kernel publishes it when its parent reaps it.
const exitInfoGrace = 250 * time.Millisecond

// handle owns one process: one reap, one status for every waiter, a
// descriptor released exactly once.
type handle struct {
	pid         int
	backend     Backend
	child       bool // we started it, so we are the one to reap it
	killOnClose bool
	sys         process

	collecting atomic.Bool   // a collector has started, here or on a goroutine
	done       chan struct{} // closed when the status (or its loss) is known

	mu       sync.Mutex
	finished bool // status (or its loss) is known; the PID is no longer ours to signal
	status   *Status
	err      error
	closed   bool
	detached bool // closed while its process ran: the collector releases sys when done
	waiters  int  // Wait calls in progress
	awaited  bool // Done was called: someone may be waiting on the channel
}

func newHandle(pid int, backend Backend, child, killOnClose bool, sys process) *Handle {
	h := &Handle{&handle{
		pid:         pid,
		backend:     backend,
		child:       child,
		killOnClose: killOnClose,
		sys:         sys,
		done:        make(chan struct{}),
	}}
	// The collector goroutine holds the inner handle, never the Handle,
	// so a Handle the user dropped is still collected and closed.
	runtime.AddCleanup(h, func(s *handle) { s.close(false) }, h.handle)
	return h
}

// collect starts, once, the goroutine that collects the status. It is
// parked on the poller, not on a thread, while the process runs.
func (h *handle) collect() {
	if h.collecting.CompareAndSwap(false, true) {
		go h.collector()
	}
}

// collectHere collects the status on the caller's goroutine, unless a
// collector has started already. A Wait that nothing can cancel would park
// until the status is known anyway; parking it on the process itself saves
// a goroutine (its stack is most of what a waiting handle costs) and a
// wake-up. Later callers of collect find the collection under way.
func (h *handle) collectHere() {
	if h.collecting.CompareAndSwap(false, true) {
		h.collector()
	}
}

// collector collects the status, then releases sys if the handle was
// closed meanwhile. It parks in awaitExit, often on the goroutine of a Wait
// (collectHere), so what runs before the park is kept shallow: a goroutine
// parked within Go's smallest stack (2 KiB, of which about 1.1 KiB is
// usable before it grows) costs half of one that is not. So it parks
// first and looks after: the look (a cgo call, and malloc once the status
// is there) is the deepest path, and once the process has ended the stack
// may grow, as it is about to be done with.
func (h *handle) collector() {
	for {
		if err := h.sys.awaitExit(); err != nil {
			h.finish(nil, ErrClosed)
			break
		}
		state, finished := h.look()
		if finished {
			break
		}
		if state == statusLater {
			h.awaitPublishedStatus()
		}
	}
	h.mu.Lock()
	release := h.detached
	h.mu.Unlock()
	if release {
		h.sys.release()
	}
}

// awaitPublishedStatus gives the kernel exitInfoGrace to publish the status
// of a process that has ended (statusLater), looking again with a growing
// delay. It returns once a look says something else, or once the grace is
// over, with h finished without a status.
func (h *handle) awaitPublishedStatus() {
	graceEnd := time.Now().Add(exitInfoGrace)
	for delay := time.Millisecond; ; delay *= 2 {
		time.Sleep(delay)
		if state, finished := h.look(); finished || state != statusLater {
			return
		}
		if time.Now().After(graceEnd) {
			h.finish(nil, h.noStatusError())
			return
		}
	}
}

// look collects the status if the process has ended and h is not finished,
// and reports what it found and whether h is finished now. Holding h.mu
// across the reap is what keeps Signal from ever using a PID after it.
func (h *handle) look() (exitState, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.finished {
		return exited, true
	}
	state, st, err := h.sys.reap()
	switch {
	case err == ErrClosed:
		h.finishLocked(nil, ErrClosed)
	case err != nil:
		h.finishLocked(nil, fmt.Errorf("procfd: wait pid %d: %w", h.pid, err))
	case state == exited:
		h.finishLocked(st, nil)
	case state == statusGone:
		h.finishLocked(nil, h.noStatusError())
	}
	return state, h.finished
}

// noStatusError says why a process that has ended has no status for us.
func (h *handle) noStatusError() error {
	if h.child {
		return ErrStatusLost
	}
	return ErrNoStatus
}

func (h *handle) finish(st *Status, err error) {
	h.mu.Lock()
	h.finishLocked(st, err)
	h.mu.Unlock()
}

func (h *handle) finishLocked(st *Status, err error) {
	if h.finished {
		return
	}
	h.finished = true
	h.status, h.err = st, err
	close(h.done)
}

// waitForever is Wait with a context that is never done: the collection
// runs here unless it runs already (collectHere), and no select is needed.
// Kept apart from wait, whose frame is larger, to stay within 2 KiB.
func (h *handle) waitForever() (*Status, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrClosed
	}
	h.waiters++
	h.mu.Unlock()
	h.collectHere()
	<-h.done
	h.mu.Lock()
	h.waiters--
	h.mu.Unlock()
	return h.result()
}

func (h *handle) wait(ctx context.Context) (*Status, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrClosed
	}
	h.waiters++
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.waiters--
		h.mu.Unlock()
	}()
	h.collect()
	select {
	case <-h.done:
	case <-ctx.Done():
		// One look before giving up: the process may have ended before
		// the collector ran, and a caller polling with a context that is
		// already done wants the status the kernel has. A status that is
		// still to appear is the collector's to await, within its grace.
		state, finished := h.look()
		switch {
		case state == statusLater:
			<-h.done
		case !finished:
			return nil, ctx.Err()
		}
	}
	return h.result()
}

// result returns a copy of the status, so that no caller can change what
// the others see. Only called once h.done is closed.
func (h *handle) result() (*Status, error) {
	if h.status == nil {
		return nil, h.err
	}
	st := *h.status
	if st.Rusage != nil {
		ru := *st.Rusage
		st.Rusage = &ru
	}
	return &st, h.err
}

func (h *handle) doneChan() <-chan struct{} {
	h.mu.Lock()
	h.awaited = true
	h.mu.Unlock()
	h.collect()
	return h.done
}

func (h *handle) signal(sig os.Signal) error {
	s, ok := sig.(syscall.Signal)
	if !ok {
		return fmt.Errorf("procfd: signal pid %d with %v: %w", h.pid, sig, syscall.EINVAL)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrClosed
	}
	return h.signalLocked(s)
}

func (h *handle) signalLocked(sig syscall.Signal) error {
	if h.finished {
		return os.ErrProcessDone
	}
	err := h.sys.signal(sig)
	if err != nil && err != os.ErrProcessDone {
		return fmt.Errorf("procfd: signal pid %d with %v: %w", h.pid, sig, err)
	}
	return err
}

func (h *handle) fd() uintptr {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ^uintptr(0)
	}
	fd, err := h.sys.fd()
	if err != nil {
		return ^uintptr(0)
	}
	return fd
}

// close closes the handle. A process that may still run is never released
// under a waiter, and a child is never left a zombie: the collector
// collects it when it ends and releases the descriptor then. A process
// that is not our child and that nobody awaits is released at once. With
// KillOnClose it is killed first, and awaitKill says whether close waits
// for that kill to be reaped.
func (h *handle) close(awaitKill bool) error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return ErrClosed
	}
	h.closed = true
	running := !h.finished && (h.child || h.waiters > 0 || h.awaited)
	var err error
	if running && h.killOnClose {
		if err = h.signalLocked(syscall.SIGKILL); errors.Is(err, os.ErrProcessDone) {
			err = nil
		}
	}
	// A process we could not kill is detached as without KillOnClose.
	waitHere := running && h.killOnClose && err == nil && awaitKill
	h.detached = running && !waitHere
	detached := h.detached
	h.mu.Unlock()

	if running {
		h.collect()
	}
	switch {
	case detached:
		return err
	case waitHere:
		<-h.done
	}
	return h.sys.release()
}

// unsupportedError says what is not supported here and why; it matches
// ErrUnsupported (and so errors.ErrUnsupported) with errors.Is.
type unsupportedError struct {
	what  string
	cause error // nil: nothing more to say
}

func (e *unsupportedError) Error() string {
	msg := e.what + " is not supported here"
	if e.cause != nil {
		msg += ": " + e.cause.Error()
	}
	return msg
}

func (e *unsupportedError) Is(target error) bool {
	return target == ErrUnsupported || target == errors.ErrUnsupported
}

func (e *unsupportedError) Unwrap() error { return e.cause }
