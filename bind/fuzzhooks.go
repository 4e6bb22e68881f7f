package main

/*
#include <stdlib.h>
#include <string.h>
#include "bind.h"

// The procfd_on_exit callback of the fuzz test: it only has to be C.
static void pfd_fuzz_on_exit(procfd_t *h, const procfd_status_t *st, void *arg) { (void)h; (void)st; (void)arg; }
static pfd_exit_cb pfd_fuzz_cb(void) { return pfd_fuzz_on_exit; }
// A group as C passes it: any pointer, a group's or not.
static void pfd_fuzz_set_group(procfd_attr_t *a, uintptr_t g) { a->group = (procfd_group_t *)g; }
*/
import "C"

import (
	"unsafe"
)

// The hooks of fuzz_test.go (a _test.go file cannot use cgo): they build
// the C arguments of the library's functions in C memory from a fuzz input
// and call the functions behind the exports, without the exports' recover,
// so that a panic is a crash the fuzzer sees. Nothing calls them from the
// library, so the linker leaves them out of it.

// fuzzMem is C memory made for one call; free releases it.
type fuzzMem struct{ blocks []unsafe.Pointer }

func (m *fuzzMem) alloc(n int) unsafe.Pointer {
	p := C.calloc(C.size_t(n), 1)
	if p == nil {
		panic("calloc failed")
	}
	m.blocks = append(m.blocks, p)
	return p
}

// str is b as a C string; C reads it up to its first NUL byte.
func (m *fuzzMem) str(b []byte) *C.char {
	p := m.alloc(len(b) + 1)
	if len(b) > 0 {
		C.memcpy(p, unsafe.Pointer(&b[0]), C.size_t(len(b)))
	}
	return (*C.char)(p)
}

// strv is list as a NULL-terminated array of C strings.
func (m *fuzzMem) strv(list [][]byte) **C.char {
	size := unsafe.Sizeof((*C.char)(nil))
	p := m.alloc(int(size) * (len(list) + 1))
	for i, b := range list {
		*(**C.char)(unsafe.Add(p, uintptr(i)*size)) = m.str(b)
	}
	return (**C.char)(p)
}

func (m *fuzzMem) free() {
	for _, p := range m.blocks {
		C.free(p)
	}
	m.blocks = nil
}

// fuzzAttr is a procfd_attr_t. Nil Dir and Backend are NULL. Nfds is
// len(Fds), unless NfdsOverride is out of the range procfd.h allows
// (negative, or above the limit, which the library refuses before it reads
// the array); FdsNull passes fds as NULL whatever nfds says.
type fuzzAttr struct {
	Flags        uint32
	Dir, Backend []byte
	Fds          []int32
	NfdsOverride int32
	FdsNull      bool
	Group        uintptr // the procfd_group_t * of PROCFD_GROUP
}

// fuzzSpawnArgs is what procfd_spawn gets; a nil list is a NULL array.
type fuzzSpawnArgs struct {
	OutNull    bool
	Path       []byte
	PathNull   bool
	Argv, Envp [][]byte
	Attr       *fuzzAttr
}

func fuzzSpawn(a fuzzSpawnArgs) (uintptr, int) {
	var m fuzzMem
	defer m.free()
	var out *C.procfd_t
	outp := &out
	if a.OutNull {
		outp = nil
	}
	var path *C.char
	if !a.PathNull {
		path = m.str(a.Path)
	}
	var argv, envp **C.char
	if a.Argv != nil {
		argv = m.strv(a.Argv)
	}
	if a.Envp != nil {
		envp = m.strv(a.Envp)
	}
	var attr *C.procfd_attr_t
	if a.Attr != nil {
		attr = (*C.procfd_attr_t)(m.alloc(int(unsafe.Sizeof(C.procfd_attr_t{}))))
		attr.flags = C.uint(a.Attr.Flags)
		if a.Attr.Dir != nil {
			attr.dir = m.str(a.Attr.Dir)
		}
		if a.Attr.Backend != nil {
			attr.backend = m.str(a.Attr.Backend)
		}
		attr.nfds = C.int(len(a.Attr.Fds))
		if n := a.Attr.NfdsOverride; n < 0 || n > maxFiles {
			attr.nfds = C.int(n)
		}
		if !a.Attr.FdsNull && len(a.Attr.Fds) > 0 {
			fds := (*C.int)(m.alloc(len(a.Attr.Fds) * int(unsafe.Sizeof(C.int(0)))))
			for i, fd := range a.Attr.Fds {
				unsafe.Slice(fds, len(a.Attr.Fds))[i] = C.int(fd)
			}
			attr.fds = fds
		}
		C.pfd_fuzz_set_group(attr, C.uintptr_t(a.Attr.Group))
	}
	rc := spawn(outp, path, argv, envp, attr)
	return uintptr(unsafe.Pointer(out)), int(rc)
}

func fuzzOpen(pid int32, outNull bool) (uintptr, int) {
	var out *C.procfd_t
	outp := &out
	if outNull {
		outp = nil
	}
	rc := open(outp, C.int(pid))
	return uintptr(unsafe.Pointer(out)), int(rc)
}

func fuzzPid(h uintptr) int { return int(pid(handleKey(h))) }

func fuzzFd(h uintptr) int { return int(nativeFd(handleKey(h))) }

// fuzzBackend returns procfd_backend's text, and whether it was NULL.
func fuzzBackend(h uintptr) (string, bool) { return goStringOrNull(backend(handleKey(h))) }

// goStringOrNull is c as a Go string, and whether c was NULL.
func goStringOrNull(c *C.char) (string, bool) {
	if c == nil {
		return "", true
	}
	return C.GoString(c), false
}

func fuzzDefaultBackend() string { return C.GoString(defaultBackend()) }

func fuzzSignal(h uintptr, sig int32) int { return int(signal(handleKey(h), C.int(sig))) }

// fuzzStatus is a procfd_status_t.
type fuzzStatus struct{ Pid, Code, Signal, Exited, CoreDumped int }

func fuzzWait(h uintptr, timeoutMs int32, stNull bool) (int, fuzzStatus) {
	var st C.procfd_status_t
	stp := &st
	if stNull {
		stp = nil
	}
	rc := wait(handleKey(h), C.int(timeoutMs), stp)
	return int(rc), fuzzStatus{int(st.pid), int(st.code), int(st.signal), int(st.exited), int(st.core_dumped)}
}

func fuzzOnExit(h uintptr, cbNull bool) int {
	cb := C.pfd_fuzz_cb()
	if cbNull {
		cb = nil
	}
	return int(onExit(handleKey(h), cb, nil))
}

func fuzzClose(h uintptr) int { return int(closeHandle(handleKey(h))) }

// fuzzGroupNew calls procfd_group_new; mechanism nil is NULL, and attrNull
// passes no attr at all.
func fuzzGroupNew(outNull, attrNull bool, flags uint32, mechanism []byte) (uintptr, int) {
	var m fuzzMem
	defer m.free()
	var out *C.procfd_group_t
	outp := &out
	if outNull {
		outp = nil
	}
	var attr *C.procfd_group_attr_t
	if !attrNull {
		attr = (*C.procfd_group_attr_t)(m.alloc(int(unsafe.Sizeof(C.procfd_group_attr_t{}))))
		attr.flags = C.uint(flags)
		if mechanism != nil {
			attr.mechanism = m.str(mechanism)
		}
	}
	rc := groupNew(outp, attr)
	return uintptr(unsafe.Pointer(out)), int(rc)
}

// fuzzGroupMechanism returns procfd_group_mechanism's text, and whether it
// was NULL.
func fuzzGroupMechanism(g uintptr) (string, bool) {
	return goStringOrNull(groupMechanism(handleKey(g)))
}

func fuzzGroupSignal(g uintptr, sig int32) int { return int(groupSignal(handleKey(g), C.int(sig))) }

func fuzzGroupWait(g uintptr, timeoutMs int32) int {
	return int(groupWait(handleKey(g), C.int(timeoutMs)))
}

func fuzzGroupFd(g uintptr) int { return int(groupFd(handleKey(g))) }

// fuzzGroupPids calls procfd_group_pids with a buffer of n entries, or
// NULL (with n as given, which may be negative), and returns its result
// and the entries it may have stored.
func fuzzGroupPids(g uintptr, n int32, null bool) (int, []int32) {
	var m fuzzMem
	defer m.free()
	var buf *C.int
	if !null && n > 0 {
		buf = (*C.int)(m.alloc(int(n) * int(unsafe.Sizeof(C.int(0)))))
	}
	rc := groupPids(handleKey(g), buf, C.int(n))
	var pids []int32
	if buf != nil && rc > 0 {
		for _, pid := range unsafe.Slice(buf, min(int(rc), int(n))) {
			pids = append(pids, int32(pid))
		}
	}
	return int(rc), pids
}

func fuzzGroupClose(g uintptr) int { return int(groupClose(handleKey(g))) }

func fuzzStrerror(code int32) string { return C.GoString(strerror(C.int(code))) }

// fuzzCMem is n bytes of C memory, for pointers into memory that is not a
// handle; free it with fuzzFree.
func fuzzCMem(n int) unsafe.Pointer { return C.calloc(C.size_t(n), 1) }

func fuzzFree(p unsafe.Pointer) { C.free(p) }

// The flags of procfd.h that the fuzz test names.
const (
	fuzzFlagGroup      = C.PROCFD_GROUP
	fuzzGroupSubreaper = C.PROCFD_GROUP_SUBREAPER
)
