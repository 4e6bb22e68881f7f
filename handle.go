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

// sysHandle is the OS- and backend-specific half of a handle.
type sysHandle interface {
	// await returns once h is finished: it collects the status through the
	// runtime poller and calls h.finish or h.tryFinish. If the native
	// handle is released under it, it finishes h with ErrClosed.
	await(h *handle)
	// reapNow looks once, without blocking, for the process's end, and
	// finishes h if it has ended. It reports whether h is finished.
	reapNow(h *handle) bool
	// signal sends sig. It is called with h.mu held and h not finished,
	// so the process has not been reaped by procfd meanwhile.
	signal(h *handle, sig syscall.Signal) error
	// fd returns the native handle.
	fd() uintptr
	// release closes the native handle.
	release() error
}

// handle is the state every backend shares: who waits, who has the status,
// who closes the native handle.
type handle struct {
	pid         int
	backend     Backend
	child       bool // we started it, so we are the one to reap it
	killOnClose bool
	sys         sysHandle

	collectOnce sync.Once
	done        chan struct{} // closed by finishLocked

	mu       sync.Mutex
	finished bool // status (or its loss) is known; the PID is no longer ours to signal
	status   *Status
	err      error
	closed   bool
	detached bool // closed while its child ran: the collector releases sys when done
}

func newHandle(pid int, backend Backend, child, killOnClose bool, sys sysHandle) *Handle {
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
	h.collectOnce.Do(func() { go h.collector() })
}

func (h *handle) collector() {
	h.sys.await(h)
	h.mu.Lock()
	release := h.detached
	h.mu.Unlock()
	if release {
		h.sys.release()
	}
}

// tryFinish runs reap with h.mu held, unless h is finished already, and
// finishes h with its result if reap says it is done. It reports whether h
// is finished. Holding h.mu across the reap is what keeps Signal from ever
// using a PID after the reap.
func (h *handle) tryFinish(reap func() (*Status, error, bool)) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.finished {
		return true
	}
	st, err, done := reap()
	if done {
		h.finishLocked(st, err)
	}
	return done
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

func (h *handle) isFinished() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.finished
}

func (h *handle) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

func (h *handle) wait(ctx context.Context) (*Status, error) {
	if h.isClosed() {
		return nil, ErrClosed
	}
	h.collect()
	select {
	case <-h.done:
	case <-ctx.Done():
		// One look before giving up: the process may have ended before
		// the collector ran, and a caller polling with a context that is
		// already done wants the status the kernel has.
		if !h.sys.reapNow(h) {
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
	err := h.sys.signal(h, sig)
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
	return h.sys.fd()
}

// close closes the handle; with KillOnClose, wait says whether to wait for
// the killed process to be reaped before returning.
func (h *handle) close(wait bool) error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return ErrClosed
	}
	h.closed = true
	running := h.child && !h.finished
	if running && h.killOnClose {
		if err := h.signalLocked(syscall.SIGKILL); err != nil && err != os.ErrProcessDone {
			// Never release a process we could not stop: hand it to
			// the collector as without KillOnClose.
			h.detached = true
			h.mu.Unlock()
			h.collect()
			return err
		}
		if !wait {
			h.detached = true
			h.mu.Unlock()
			h.collect()
			return nil
		}
		h.mu.Unlock()
		h.collect()
		<-h.done
		return h.sys.release()
	}
	if running {
		// The collector reaps the process when it ends, so no zombie
		// is left, and releases the descriptor then.
		h.detached = true
		h.mu.Unlock()
		h.collect()
		return nil
	}
	h.mu.Unlock()
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
