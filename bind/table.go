package main

import (
	"sync"
	"unsafe"

	pointer "github.com/mattn/go-pointer"
	"github.com/procfd/procfd"
)

// A procfd_t * is a key made by go-pointer (one byte of C memory, never
// read): C holds no Go pointer, and a pointer that is not a key, however
// it was made, is only a failed map lookup.

// entry is what a procfd_t * stands for.
type entry struct {
	killOnClose bool

	mu     sync.Mutex
	h      *procfd.Handle // nil once the entry is retired
	closed bool           // procfd_close was called: C sees -EBADF from now on
	// pending counts the procfd_on_exit callbacks that have not returned
	// yet. They need h's status, which a closed Handle no longer gives,
	// so while there are any, procfd_close leaves h open and the last
	// callback closes it.
	pending int
}

func newEntry(h *procfd.Handle, killOnClose bool) unsafe.Pointer {
	return pointer.Save(&entry{h: h, killOnClose: killOnClose})
}

// lookup returns the entry behind p, or nil if p is not one of ours.
func lookup(p unsafe.Pointer) *entry {
	e, _ := pointer.Restore(p).(*entry)
	return e
}

// retire drops the entry's Handle and queues its key for release.
func (e *entry) retire(p unsafe.Pointer) {
	e.mu.Lock()
	e.h = nil
	e.mu.Unlock()
	quarantine.add(p)
}

// quarantine holds the keys of closed handles for a while before
// go-pointer frees them: malloc would otherwise hand the same address to
// the next handle, and a stale pointer (a second procfd_close, say) would
// act on it. procfd.h promises the window's size.
var quarantine = &keyRing{}

const quarantineSize = 4096

type keyRing struct {
	mu   sync.Mutex
	keys [quarantineSize]unsafe.Pointer
	next int
}

func (r *keyRing) add(p unsafe.Pointer) {
	r.mu.Lock()
	old := r.keys[r.next]
	r.keys[r.next] = p
	r.next = (r.next + 1) % len(r.keys)
	r.mu.Unlock()
	if old != nil {
		pointer.Unref(old)
	}
}
