package main

/*
#include "bind.h"
*/
import "C"

import (
	"sync"
	"unsafe"

	pointer "github.com/mattn/go-pointer"
	"github.com/procfd/procfd"
)

// A procfd_t * is a key made by go-pointer (one byte of C memory, never
// read): C holds no Go pointer. What C passes back is taken as a number, a
// handleKey, and only compared: a value that is not a key, however it was
// made, is a failed map lookup. It is never held in a Go pointer, since
// the runtime aborts the process on a pointer-typed value below 4096 (a
// garbage handle such as (procfd_t *)1) when it copies a stack.
type handleKey uintptr

// entries maps each live key to its entry, from newEntry (or newGroupEntry)
// until the key leaves the quarantine: an *entry for a procfd_t *, a
// *groupEntry for a procfd_group_t * (groups.go). Each lookup asks for one
// kind, so a key of the other kind is not found: -EBADF.
var entries sync.Map

// entry is what a procfd_t * stands for.
type entry struct {
	key         unsafe.Pointer // the go-pointer key, a valid C address
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

// newEntry makes the key for h, to hand to C as its procfd_t *.
func newEntry(h *procfd.Handle, killOnClose bool) *C.procfd_t {
	e := &entry{h: h, killOnClose: killOnClose}
	e.key = register(e)
	return (*C.procfd_t)(e.key)
}

// register makes the go-pointer key for a table entry (a handle's or a
// group's) and files the entry under it.
func register(e any) unsafe.Pointer {
	key := pointer.Save(e)
	entries.Store(handleKey(uintptr(key)), e)
	return key
}

// lookupAs returns the entry of type T behind k, or nil if k is not one of
// ours or holds another kind (a group's key asked for as a handle's).
func lookupAs[T any](k handleKey) *T {
	e, _ := entries.Load(k)
	entry, _ := e.(*T)
	return entry
}

// lookup returns the handle entry behind k, or nil.
func lookup(k handleKey) *entry { return lookupAs[entry](k) }

// retire drops the entry's Handle and queues its key for release.
func (e *entry) retire() {
	e.mu.Lock()
	e.h = nil
	e.mu.Unlock()
	quarantine.add(e.key)
}

// quarantine holds the keys of closed handles for a while before
// go-pointer frees them: malloc would otherwise hand the same address to
// the next handle, and a stale pointer (a second procfd_close, say) would
// act on it. procfd.h promises the window's size. Groups have a ring of
// their own, so that closing groups never shortens the window of handles,
// nor the other way round.
var (
	quarantine      = &keyRing{}
	groupQuarantine = &keyRing{}
)

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
		// Out of the map first: malloc may give the address to the
		// next key as soon as go-pointer frees it.
		entries.Delete(handleKey(uintptr(old)))
		pointer.Unref(old)
	}
}
