//go:build linux || freebsd

package csrc

// The spawn request in C memory, laid out alike for the Linux and the
// FreeBSD spawn.

/*
#include <stdlib.h>
*/
import "C"

import (
	"syscall"
	"unsafe"
)

// cBlock lays out a SpawnRequest in one C allocation: the argv and envp
// pointer arrays, the fds array, then the NUL-terminated strings.
type cBlock struct {
	base       unsafe.Pointer
	path, dir  *C.char
	argv, envp **C.char
	fds        *C.int
}

func newCBlock(r *SpawnRequest) *cBlock {
	ptrSize := unsafe.Sizeof((*C.char)(nil))
	intSize := unsafe.Sizeof(C.int(0))
	strBytes := len(r.Path) + 1 + len(r.Dir) + 1
	for _, s := range r.Argv {
		strBytes += len(s) + 1
	}
	for _, s := range r.Env {
		strBytes += len(s) + 1
	}
	ptrBytes := uintptr(len(r.Argv)+1+len(r.Env)+1) * ptrSize
	fdBytes := uintptr(len(r.Fds)) * intSize
	total := ptrBytes + fdBytes + uintptr(strBytes)
	base := C.malloc(C.size_t(total)) // cgo's malloc never returns nil
	mem := unsafe.Slice((*byte)(base), total)
	ptrs := unsafe.Slice((**C.char)(base), len(r.Argv)+1+len(r.Env)+1)
	fds := unsafe.Slice((*C.int)(unsafe.Add(base, ptrBytes)), len(r.Fds))
	next := ptrBytes + fdBytes
	put := func(s string) *C.char {
		p := (*C.char)(unsafe.Pointer(&mem[next]))
		copy(mem[next:], s)
		mem[next+uintptr(len(s))] = 0
		next += uintptr(len(s)) + 1
		return p
	}

	b := &cBlock{base: base, argv: &ptrs[0], envp: &ptrs[len(r.Argv)+1]}
	for i, s := range r.Argv {
		ptrs[i] = put(s)
	}
	ptrs[len(r.Argv)] = nil
	for i, s := range r.Env {
		ptrs[len(r.Argv)+1+i] = put(s)
	}
	ptrs[len(ptrs)-1] = nil
	for i, fd := range r.Fds {
		fds[i] = C.int(fd)
	}
	if len(fds) > 0 {
		b.fds = &fds[0]
	}
	b.path = put(r.Path)
	if r.Dir != "" {
		b.dir = put(r.Dir)
	}
	return b
}

// sigBits makes a signal list into pfd_spawn_req's bit (sig - 1) form.
// The caller has checked that every signal is 1 to 64 (procfd's
// checkStartArgs says which one is not); no other could be set anyway.
func sigBits(sigs []syscall.Signal) uint64 {
	var bits uint64
	for _, s := range sigs {
		if s >= 1 && s <= 64 {
			bits |= 1 << (s - 1)
		}
	}
	return bits
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
