package main

/*
#include "bind.h"
*/
import "C"

import (
	"math"
	"sync"
	"syscall"
	"unsafe"

	"github.com/procfd/procfd"
)

// The calls on a group: procfd_group_new and the calls on a
// procfd_group_t *, whose keys live in the handle table (table.go) beside
// the handles' and follow their rules.

const knownGroupFlags = C.PROCFD_GROUP_KILL_ON_CLOSE | C.PROCFD_GROUP_SUBREAPER

// groupEntry is what a procfd_group_t * stands for.
type groupEntry struct {
	key unsafe.Pointer // the go-pointer key, a valid C address

	mu     sync.Mutex
	g      *procfd.Group // nil once the entry is retired
	closed bool          // procfd_group_close was called: C sees -EBADF from now on
}

func newGroupEntry(g *procfd.Group) *C.procfd_group_t {
	e := &groupEntry{g: g}
	e.key = register(e)
	return (*C.procfd_group_t)(e.key)
}

// lookupGroup returns the group entry behind k, or nil.
func lookupGroup(k handleKey) *groupEntry { return lookupAs[groupEntry](k) }

// openGroup returns the Group behind k if k is an open group. The Group
// stays usable after a concurrent close: its methods then say ErrClosed,
// which is -EBADF too.
func openGroup(k handleKey) (*procfd.Group, C.int) {
	if k == 0 {
		return nil, neg(syscall.EINVAL)
	}
	e := lookupGroup(k)
	if e == nil {
		return nil, neg(syscall.EBADF)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, neg(syscall.EBADF)
	}
	return e.g, 0
}

// The mechanisms' names, on every system: a name that is none of them is
// -EINVAL here, one of another system -ENOTSUP (from procfd.NewGroup).
var mechanisms = map[string]procfd.Mechanism{
	"":       "",
	"cgroup": procfd.MechanismCgroup,
	"pgroup": procfd.MechanismProcessGroup,
	"job":    procfd.MechanismJob,
	"reaper": procfd.MechanismReaper,
}

func groupNew(out **C.procfd_group_t, a *C.procfd_group_attr_t) C.int {
	if out == nil {
		return neg(syscall.EINVAL)
	}
	attr := &procfd.GroupAttr{}
	if a != nil {
		if a.flags&^knownGroupFlags != 0 {
			return neg(syscall.EINVAL)
		}
		attr.KillOnClose = a.flags&C.PROCFD_GROUP_KILL_ON_CLOSE != 0
		attr.Subreaper = a.flags&C.PROCFD_GROUP_SUBREAPER != 0
		if a.mechanism != nil {
			m, ok := mechanisms[C.GoString(a.mechanism)]
			if !ok {
				return neg(syscall.EINVAL)
			}
			attr.Mechanism = m
		}
	}
	g, err := procfd.NewGroup(attr)
	if err != nil {
		return neg(errnoOf(err))
	}
	*out = newGroupEntry(g)
	return 0
}

func groupMechanism(k handleKey) *C.char {
	g, _ := openGroup(k)
	if g == nil {
		return nil
	}
	return staticString(string(g.Mechanism()))
}

func groupSignal(k handleKey, sig C.int) C.int {
	g, rc := openGroup(k)
	if g == nil {
		return rc
	}
	if sig < 0 || sig >= nsig { // 0 is a probe
		return neg(syscall.EINVAL)
	}
	return neg(errnoOf(g.Signal(syscall.Signal(sig))))
}

func groupWait(k handleKey, timeoutMs C.int) C.int {
	g, rc := openGroup(k)
	if g == nil {
		return rc
	}
	ctx, cancel := timeoutContext(timeoutMs)
	defer cancel()
	return neg(errnoOf(g.Wait(ctx)))
}

func groupFd(k handleKey) C.intptr_t {
	g, rc := openGroup(k)
	if g == nil {
		return C.intptr_t(rc)
	}
	fd := g.Fd()
	if fd == ^uintptr(0) { // closed meanwhile
		return C.intptr_t(neg(syscall.EBADF))
	}
	return C.intptr_t(fd)
}

func groupPids(k handleKey, out *C.int, n C.int) C.int {
	g, rc := openGroup(k)
	if g == nil {
		return rc
	}
	if n < 0 || (out == nil && n > 0) {
		return neg(syscall.EINVAL)
	}
	pids, err := g.Pids()
	if err != nil {
		return neg(errnoOf(err))
	}
	if n > 0 {
		dst := unsafe.Slice(out, n)
		for i := range min(int(n), len(pids)) {
			dst[i] = C.int(pids[i]) // a PID fits a C int
		}
	}
	return C.int(min(len(pids), math.MaxInt32))
}

func groupClose(k handleKey) C.int {
	if k == 0 {
		return neg(syscall.EINVAL)
	}
	e := lookupGroup(k)
	if e == nil {
		return neg(syscall.EBADF)
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return neg(syscall.EBADF)
	}
	e.closed = true
	g := e.g
	e.mu.Unlock()
	err := g.Close()
	e.mu.Lock()
	e.g = nil
	e.mu.Unlock()
	groupQuarantine.add(e.key)
	return neg(errnoOf(err))
}
