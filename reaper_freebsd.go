package procfd

// The kqueue reaper (FreeBSD): one goroutine, blocked in kevent(2) on one
// kqueue that holds an EVFILT_PROCDESC/NOTE_EXIT note for the process
// descriptor of every handle, tells each handle when its process has
// exited. Waiting for any number of processes costs that one OS thread,
// not one per process.
//
// Why a thread, and not the Go runtime's poller: the runtime's netpoller on
// FreeBSD is a kqueue, but it arms EVFILT_READ and EVFILT_WRITE for a
// descriptor in one kevent call. A process descriptor takes neither (only
// EVFILT_PROCDESC), and a kqueue descriptor, which could carry our notes
// into the runtime's kqueue, takes EVFILT_READ only: the EVFILT_WRITE half
// fails, and os.NewFile leaves such a descriptor unpolled. So no descriptor
// of ours can park a goroutine on the poller, and one goroutine in kevent
// is the cost of the whole backend.
//
// A note fires once (the kernel makes EVFILT_PROCDESC's NOTE_EXIT one-shot)
// and also fires at registration for a process that has already exited.
//
// Descriptor numbers. An event names its descriptor by number, and the
// number of a closed descriptor is soon a new one's: an event that kevent
// has returned but the reaper has not yet handled must never meet a new
// process descriptor under its old number. So a watched descriptor is
// closed only once its note has fired and been handled: by release if that
// is so already (which, for a child that procfd has reaped, it nearly
// always is), else by the reaper when it handles the note.

import (
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// reapEvents is how many events one kevent call takes.
const reapEvents = 64

var reaper kqueueReaper

type kqueueReaper struct {
	mu      sync.Mutex
	kq      int                // -1 until the first watch; then for the life of the process
	pending map[int]*reapEntry // by descriptor: watched, note not yet handled
}

// reapEntry is one process descriptor in the reaper.
type reapEntry struct {
	fd       int
	ended    chan struct{} // closed once the note fired or unwatch ran
	closed   bool          // ended is closed; under reaper.mu
	released bool          // unwatch ran: the reaper closes fd when the note comes
}

func init() { reaper.kq = -1 }

// watch has the reaper wait for the process behind the process descriptor
// fd. The descriptor stays the caller's until it calls unwatch, which
// closes it.
func (r *kqueueReaper) watch(fd int) (*reapEntry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.kq < 0 {
		kq, err := unix.Kqueue()
		if err != nil {
			return nil, os.NewSyscallError("kqueue", err)
		}
		// A kqueue is not inherited across fork; close-on-exec keeps it
		// from any other path into a child.
		unix.CloseOnExec(kq)
		r.kq = kq
		r.pending = make(map[int]*reapEntry)
		go r.run()
	}
	e := &reapEntry{fd: fd, ended: make(chan struct{})}
	// Into pending first: the reaper handles events under r.mu, so it
	// cannot meet this note's event before the entry is there.
	r.pending[fd] = e
	change := make([]unix.Kevent_t, 1)
	unix.SetKevent(&change[0], fd, unix.EVFILT_PROCDESC, unix.EV_ADD)
	change[0].Fflags = unix.NOTE_EXIT
	for {
		_, err := unix.Kevent(r.kq, change, nil, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			delete(r.pending, fd)
			return nil, os.NewSyscallError("kevent", err)
		}
		return e, nil
	}
}

// unwatch takes e out of the reaper and closes its descriptor, now if its
// note has been handled, else once it is (see above). Either way e.ended is
// closed when it returns.
func (r *kqueueReaper) unwatch(e *reapEntry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.released = true
	e.endLocked()
	if _, noted := r.pending[e.fd]; noted {
		return nil
	}
	if err := unix.Close(e.fd); err != nil {
		return os.NewSyscallError("close", err)
	}
	return nil
}

func (e *reapEntry) endLocked() {
	if !e.closed {
		e.closed = true
		close(e.ended)
	}
}

// run is the reaper's goroutine: kevent blocks it, and its thread, until
// a note fires.
func (r *kqueueReaper) run() {
	events := make([]unix.Kevent_t, reapEvents)
	for {
		n, err := unix.Kevent(r.kq, nil, events, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			// Nothing should fail a wait on a kqueue that is never
			// closed; do not spin if something does.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		r.mu.Lock()
		for _, ev := range events[:n] {
			fd := int(ev.Ident)
			e := r.pending[fd]
			if e == nil || ev.Filter != unix.EVFILT_PROCDESC {
				continue
			}
			delete(r.pending, fd)
			e.endLocked()
			if e.released {
				unix.Close(fd)
			}
		}
		r.mu.Unlock()
	}
}
