package csrc

// The FreeBSD half of the bridge: spawning with pdfork. Waiting, signalling
// and polling a process descriptor are plain system calls, which procfd
// makes itself (procdesc_freebsd.go).
//
// SpawnRequest's layout in C memory (newCBlock), sigBits and boolInt are
// those of csrc_linux.go, kept apart while that file changes for the no-cgo
// Linux build; they can move to one file for both systems.

/*
#include <stdlib.h>
#include "pfd_internal.h"
#include "pfd_freebsd.h"
*/
import "C"

import (
	"syscall"
	"unsafe"
)

// SpawnRequest is a Start call in the C layer's terms.
type SpawnRequest struct {
	Path      string
	Argv, Env []string
	Dir       string // "": the caller's
	Fds       []int  // nil: inherit; -1: closed in the child
	Setsid    bool
	Setpgid   bool
	// KillOnClose: no PD_DAEMON, so that the kernel kills the child when
	// its last process descriptor is closed.
	KillOnClose bool
	Nofile      *syscall.Rlimit // nil: the child keeps the caller's RLIMIT_NOFILE
	// SigDefault: signals reset to SIG_DFL in the child, ignored ones
	// included. SigMask: the child's signal mask, exactly (nil: empty).
	// Signals are 1 to 64: the caller checks.
	SigDefault, SigMask []syscall.Signal
}

// SpawnFailure is a failed spawn: the errno, and the child's setup step
// that failed (StepNone when the parent's pdfork failed).
type SpawnFailure struct {
	Errno syscall.Errno
	Step  int
}

// Spawned is a started child and its process descriptor (close-on-exec,
// blocking).
type Spawned struct {
	Pid, Fd int
}

// Spawn runs pfd_pdspawn. All the strings and arrays go to C in one block
// of C memory, since C may not keep Go pointers inside Go memory.
func Spawn(r *SpawnRequest) (Spawned, *SpawnFailure) {
	block := newCBlock(r)
	defer C.free(block.base)

	req := C.struct_pfd_spawn_req{
		path:       block.path,
		argv:       block.argv,
		envp:       block.envp,
		dir:        block.dir,
		fds:        block.fds,
		nfds:       C.int(len(r.Fds)),
		sigdefault: C.uint64_t(sigBits(r.SigDefault)),
		sigmask:    C.uint64_t(sigBits(r.SigMask)),
	}
	if r.Nofile != nil {
		req.restore_nofile = 1
		req.nofile.rlim_cur = C.rlim_t(r.Nofile.Cur)
		req.nofile.rlim_max = C.rlim_t(r.Nofile.Max)
	}
	if r.Setsid {
		req.flags |= C.PFD_SETSID
	}
	if r.Setpgid {
		req.flags |= C.PFD_SETPGID
	}
	var res C.struct_pfd_spawn_res
	if rc := C.pfd_pdspawn(&req, boolInt(r.KillOnClose), &res); rc < 0 {
		return Spawned{-1, -1}, &SpawnFailure{Errno: syscall.Errno(-rc), Step: int(res.failed_step)}
	}
	return Spawned{int(res.pid), int(res.fd)}, nil
}

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
// The caller has checked that every signal is 1 to 64.
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

// The child's setup steps, as pfd_pdspawn reports them in SpawnFailure.Step.
const (
	StepNone  = C.PFD_STEP_NONE // the parent's pdfork failed
	StepChdir = C.PFD_STEP_CHDIR
	StepExec  = C.PFD_STEP_EXEC
)

// StepCall names the system call behind each other setup step.
var StepCall = map[int]string{
	C.PFD_STEP_SIGNALS: "sigaction",
	C.PFD_STEP_SETSID:  "setsid",
	C.PFD_STEP_SETPGID: "setpgid",
	C.PFD_STEP_FILES:   "dup2",
	C.PFD_STEP_RLIMIT:  "setrlimit",
	C.PFD_STEP_PIPE:    "pipe2",
}
