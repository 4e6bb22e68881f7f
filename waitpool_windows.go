package procfd

// The wait pool: goroutines that each wait, in one WaitForMultipleObjects
// call, for up to 63 process HANDLEs and an event of their own that says
// the list changed. So waiting processes cost one thread per 63, not one
// each as os/exec's Wait does on Windows.
//
// Why not the system thread pool (RegisterWaitForSingleObject), which does
// the same: its callback comes from a thread the Go runtime does not know
// is waiting for anything, so a program whose goroutines all wait for
// processes is declared deadlocked ("all goroutines are asleep"). A
// goroutine in a system call is one the runtime knows will wake.

import (
	"os"
	"sync"
	"time"

	"golang.org/x/sys/windows"
)

// objectsPerWaiter: WaitForMultipleObjects takes MAXIMUM_WAIT_OBJECTS
// (64) handles, one of which is the waiter's own event.
const objectsPerWaiter = 64 - 1

// poolEntry is one process in the pool.
type poolEntry struct {
	proc  windows.Handle
	ended chan struct{} // closed once proc is signalled, or by poolRemove; under w.mu
	w     *waiter
}

type waiter struct {
	changed windows.Handle // auto-reset event: members changed

	mu      sync.Mutex
	members map[*poolEntry]struct{}
	dead    bool          // its goroutine has ended: add nothing more
	synced  chan struct{} // closed when the goroutine next takes the list
}

var waitPool struct {
	mu      sync.Mutex
	waiters map[*waiter]struct{}
}

// poolAdd has the pool wait for proc, which the caller keeps open until
// poolRemove has returned.
func poolAdd(proc windows.Handle) (*poolEntry, error) {
	e := &poolEntry{proc: proc, ended: make(chan struct{})}
	waitPool.mu.Lock()
	defer waitPool.mu.Unlock()
	for w := range waitPool.waiters {
		w.mu.Lock()
		if !w.dead && len(w.members) < objectsPerWaiter {
			e.w = w
			w.members[e] = struct{}{}
			err := w.wake()
			if err != nil {
				delete(w.members, e)
				e = nil
			}
			w.mu.Unlock()
			return e, err
		}
		w.mu.Unlock()
	}
	changed, err := windows.CreateEvent(nil, 0, 0, nil)
	if err != nil {
		return nil, os.NewSyscallError("CreateEvent", err)
	}
	w := &waiter{changed: changed, members: map[*poolEntry]struct{}{e: {}}, synced: make(chan struct{})}
	e.w = w
	if waitPool.waiters == nil {
		waitPool.waiters = make(map[*waiter]struct{})
	}
	waitPool.waiters[w] = struct{}{}
	go w.run()
	return e, nil
}

// poolRemove takes e out of the pool, and returns once its waiter no
// longer waits on e.proc, which the caller may then close. e.ended is
// closed by then, whoever took e out.
func poolRemove(e *poolEntry) {
	w := e.w
	w.mu.Lock()
	if _, ok := w.members[e]; !ok {
		// Already taken out by the waiter, which saw proc signalled.
		w.mu.Unlock()
		return
	}
	delete(w.members, e)
	close(e.ended)
	synced := w.synced
	w.wake() // cannot fail: w.changed is open while w has members
	w.mu.Unlock()
	<-synced
}

// wake tells w's goroutine that the members changed. Called under w.mu,
// which keeps the goroutine from ending and closing the event meanwhile.
func (w *waiter) wake() error {
	if err := windows.SetEvent(w.changed); err != nil {
		return os.NewSyscallError("SetEvent", err)
	}
	return nil
}

func (w *waiter) run() {
	handles := make([]windows.Handle, 0, objectsPerWaiter+1)
	entries := make([]*poolEntry, 0, objectsPerWaiter)
	for {
		entries, handles = w.take(entries[:0], handles[:0])
		if entries == nil {
			return
		}
		ev, err := windows.WaitForMultipleObjects(handles, false, windows.INFINITE)
		switch {
		case err != nil:
			// Only a handle closed under us fails the wait, and
			// poolRemove keeps that from happening; do not spin.
			time.Sleep(10 * time.Millisecond)
		case ev == windows.WAIT_OBJECT_0:
			// The list changed: take it again.
		case ev > windows.WAIT_OBJECT_0 && ev < windows.WAIT_OBJECT_0+uint32(len(handles)):
			e := entries[ev-windows.WAIT_OBJECT_0-1]
			w.mu.Lock()
			if _, member := w.members[e]; member {
				delete(w.members, e)
				close(e.ended)
			}
			w.mu.Unlock()
		}
	}
}

// take returns what to wait on: the event, then each member's process. It
// returns nil entries once there are none, having ended the waiter.
func (w *waiter) take(entries []*poolEntry, handles []windows.Handle) ([]*poolEntry, []windows.Handle) {
	w.mu.Lock()
	if len(w.members) == 0 {
		// End, unless poolAdd gives us a member meanwhile: it holds
		// waitPool.mu, which comes first.
		w.mu.Unlock()
		waitPool.mu.Lock()
		w.mu.Lock()
		if len(w.members) == 0 {
			w.dead = true
			delete(waitPool.waiters, w)
			close(w.synced)
			w.mu.Unlock()
			waitPool.mu.Unlock()
			windows.CloseHandle(w.changed)
			return nil, nil
		}
		waitPool.mu.Unlock()
	}
	handles = append(handles, w.changed)
	for e := range w.members {
		entries = append(entries, e)
		handles = append(handles, e.proc)
	}
	close(w.synced)
	w.synced = make(chan struct{})
	w.mu.Unlock()
	return entries, handles
}
