package main

/*
#include "bind.h"

// Go cannot call through a C function pointer. The status travels by value
// so that cb gets C memory (this frame) rather than a Go pointer.
static void pfd_call_exit_cb(pfd_exit_cb cb, procfd_t *h, procfd_status_t st, int have_status, void *arg) { cb(h, have_status ? &st : NULL, arg); }
*/
import "C"

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"

	"github.com/procfd/procfd"
)

// The calls on a handle once it exists: procfd_open, the queries, signal,
// wait, on_exit and close.

func open(out **C.procfd_t, pid C.int) C.int {
	if out == nil || pid <= 0 {
		return neg(syscall.EINVAL)
	}
	h, err := procfd.Open(int(pid))
	if err != nil {
		return neg(errnoOf(err))
	}
	*out = newEntry(h, false)
	return 0
}

// openHandle returns the Handle behind k if k is an open handle.
func openHandle(k handleKey) (*procfd.Handle, C.int) {
	e, rc := lockOpen(k)
	if e == nil {
		return nil, rc
	}
	defer e.mu.Unlock()
	return e.h, 0
}

func pid(k handleKey) C.int {
	h, rc := openHandle(k)
	if h == nil {
		return rc
	}
	return C.int(h.Pid())
}

func nativeFd(k handleKey) C.intptr_t {
	h, rc := openHandle(k)
	if h == nil {
		return C.intptr_t(rc)
	}
	fd := h.Fd()
	if fd == ^uintptr(0) {
		// Closed meanwhile, or the pipe backend could not make its
		// eventfd: the process is out of descriptors.
		if _, rc := openHandle(k); rc != 0 {
			return C.intptr_t(rc)
		}
		return C.intptr_t(neg(syscall.EMFILE))
	}
	return C.intptr_t(fd)
}

func backend(k handleKey) *C.char {
	h, _ := openHandle(k)
	if h == nil {
		return nil
	}
	return staticString(string(h.Backend()))
}

func defaultBackend() *C.char { return staticString(string(procfd.DefaultBackend())) }

func signal(k handleKey, sig C.int) C.int {
	h, rc := openHandle(k)
	if h == nil {
		return rc
	}
	if sig < 0 || sig >= nsig { // 0 is a probe
		return neg(syscall.EINVAL)
	}
	return neg(errnoOf(h.Signal(syscall.Signal(sig))))
}

// timeoutContext is the C ABI's timeout_ms as a context: negative waits
// for as long as it takes, 0 is a deadline passed already (Wait looks once
// and returns).
func timeoutContext(timeoutMs C.int) (context.Context, context.CancelFunc) {
	if timeoutMs < 0 {
		return context.Background(), func() {}
	}
	return context.WithTimeout(context.Background(), time.Duration(timeoutMs)*time.Millisecond)
}

func wait(k handleKey, timeoutMs C.int, stp *C.procfd_status_t) C.int {
	h, rc := openHandle(k)
	if h == nil {
		return rc
	}
	ctx, cancel := timeoutContext(timeoutMs)
	defer cancel()
	st, err := h.Wait(ctx)
	if err != nil {
		return neg(errnoOf(err))
	}
	if stp != nil {
		*stp = cStatus(st)
	}
	return 0
}

func cStatus(s *procfd.Status) C.procfd_status_t {
	st := C.procfd_status_t{pid: C.int(s.Pid), code: C.int(s.ExitCode), signal: C.int(s.Signal)}
	if s.Exited() {
		st.exited = 1
	}
	if s.CoreDumped {
		st.core_dumped = 1
	}
	return st
}

func onExit(k handleKey, cb C.pfd_exit_cb, arg unsafe.Pointer) C.int {
	if cb == nil {
		return neg(syscall.EINVAL)
	}
	e, rc := lockOpen(k)
	if e == nil {
		return rc
	}
	e.pending++
	h := e.h
	e.mu.Unlock()
	go e.callExit(h, cb, arg)
	return 0
}

// callExit waits for h's status, parked on the poller like any Wait, then
// calls cb on this goroutine's thread: one the Go runtime owns.
func (e *entry) callExit(h *procfd.Handle, cb C.pfd_exit_cb, arg unsafe.Pointer) {
	defer func() {
		if r := recover(); r != nil {
			reportPanic("the procfd_on_exit caller", r)
		}
		e.mu.Lock()
		e.pending--
		last := e.closed && e.pending == 0
		e.mu.Unlock()
		if last { // procfd_close ran meanwhile and left h to us
			h.Close()
			e.retire()
		}
	}()
	st, err := h.Wait(context.Background())
	var cst C.procfd_status_t
	var have C.int
	if err == nil {
		cst, have = cStatus(st), 1
	}
	C.pfd_call_exit_cb(cb, (*C.procfd_t)(e.key), cst, have, arg)
}

// lockOpen returns the entry behind k, locked, if k is an open handle.
func lockOpen(k handleKey) (*entry, C.int) {
	if k == 0 {
		return nil, neg(syscall.EINVAL)
	}
	e := lookup(k)
	if e == nil {
		return nil, neg(syscall.EBADF)
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, neg(syscall.EBADF)
	}
	return e, 0
}

func closeHandle(k handleKey) C.int {
	e, rc := lockOpen(k)
	if e == nil {
		return rc
	}
	e.closed = true
	h, callbacks := e.h, e.pending > 0
	e.mu.Unlock()
	if callbacks {
		// The last callback closes h; kill-on-close cannot wait for it.
		if !e.killOnClose {
			return 0
		}
		if err := h.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return neg(errnoOf(err))
		}
		<-h.Done()
		return 0
	}
	err := h.Close()
	e.retire()
	return neg(errnoOf(err))
}
