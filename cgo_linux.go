package procfd

// The bridge to the C layer in csrc/. The C files are compiled as part of
// this file's preamble so that `go build` needs no separate C build step;
// every C symbol is hidden, so none leaks out of libprocfd.so.

/*
#cgo CFLAGS: -D_GNU_SOURCE -Wall -Wextra -Werror -fvisibility=hidden
#include <stdlib.h>
#include <sys/wait.h>
#include "csrc/pfd_internal.h"
#include "csrc/clone_linux.c"
#include "csrc/closefds_linux.c"
#include "csrc/nofile_posix.c"
#include "csrc/pidfd_linux.c"
#include "csrc/sigchld_posix.c"
#include "csrc/spawn_linux.c"
*/
import "C"

import (
	"os"
	"syscall"
	"unsafe"
)

// struct rusage and syscall.Rusage both mirror the kernel's struct rusage.
var _ [unsafe.Sizeof(syscall.Rusage{}) - C.sizeof_struct_rusage]byte
var _ [C.sizeof_struct_rusage - unsafe.Sizeof(syscall.Rusage{})]byte

// spawnRequest is a Start call in the C layer's terms.
type spawnRequest struct {
	path      string
	argv, env []string
	dir       string // "": the caller's
	fds       []int  // nil: inherit
	setsid    bool
	setpgid   bool
	wantPidfd bool
	nofile    *syscall.Rlimit // nil: the child keeps the caller's RLIMIT_NOFILE
}

// spawnFailure is a failed spawn: the errno, and the child's setup step
// that failed (C.PFD_STEP_NONE when the parent's clone or pipe2 failed).
type spawnFailure struct {
	errno syscall.Errno
	step  int
}

// cSpawn runs pfd_spawn. All the strings and arrays go to C in one block
// of C memory, since C may not keep Go pointers inside Go memory.
func cSpawn(r *spawnRequest) (pid, fd int, fail *spawnFailure) {
	block := newCBlock(r)
	defer C.free(block.base)

	req := C.struct_pfd_spawn_req{
		path:       block.path,
		argv:       block.argv,
		envp:       block.envp,
		dir:        block.dir,
		fds:        block.fds,
		nfds:       C.int(len(r.fds)),
		want_pidfd: boolInt(r.wantPidfd),
	}
	if r.nofile != nil {
		req.restore_nofile = 1
		req.nofile.rlim_cur = C.rlim_t(r.nofile.Cur)
		req.nofile.rlim_max = C.rlim_t(r.nofile.Max)
	}
	if r.setsid {
		req.flags |= C.PFD_SETSID
	}
	if r.setpgid {
		req.flags |= C.PFD_SETPGID
	}
	var res C.struct_pfd_spawn_res
	if rc := C.pfd_spawn(&req, &res); rc < 0 {
		return -1, -1, &spawnFailure{errno: syscall.Errno(-rc), step: int(res.failed_step)}
	}
	return int(res.pid), int(res.fd), nil
}

// cBlock lays out a spawnRequest in one C allocation: the argv and envp
// pointer arrays, the fds array, then the NUL-terminated strings.
type cBlock struct {
	base       unsafe.Pointer
	path, dir  *C.char
	argv, envp **C.char
	fds        *C.int
}

func newCBlock(r *spawnRequest) *cBlock {
	ptrSize := unsafe.Sizeof((*C.char)(nil))
	intSize := unsafe.Sizeof(C.int(0))
	strBytes := len(r.path) + 1 + len(r.dir) + 1
	for _, s := range r.argv {
		strBytes += len(s) + 1
	}
	for _, s := range r.env {
		strBytes += len(s) + 1
	}
	ptrBytes := uintptr(len(r.argv)+1+len(r.env)+1) * ptrSize
	fdBytes := uintptr(len(r.fds)) * intSize
	total := ptrBytes + fdBytes + uintptr(strBytes)
	base := C.malloc(C.size_t(total)) // cgo's malloc never returns nil
	mem := unsafe.Slice((*byte)(base), total)
	ptrs := unsafe.Slice((**C.char)(base), len(r.argv)+1+len(r.env)+1)
	fds := unsafe.Slice((*C.int)(unsafe.Add(base, ptrBytes)), len(r.fds))
	next := ptrBytes + fdBytes
	put := func(s string) *C.char {
		p := (*C.char)(unsafe.Pointer(&mem[next]))
		copy(mem[next:], s)
		mem[next+uintptr(len(s))] = 0
		next += uintptr(len(s)) + 1
		return p
	}

	b := &cBlock{base: base, argv: &ptrs[0], envp: &ptrs[len(r.argv)+1]}
	for i, s := range r.argv {
		ptrs[i] = put(s)
	}
	ptrs[len(r.argv)] = nil
	for i, s := range r.env {
		ptrs[len(r.argv)+1+i] = put(s)
	}
	ptrs[len(ptrs)-1] = nil
	for i, fd := range r.fds {
		fds[i] = C.int(fd)
	}
	if len(fds) > 0 {
		b.fds = &fds[0]
	}
	b.path = put(r.path)
	if r.dir != "" {
		b.dir = put(r.dir)
	}
	return b
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// cWaitid waits for a child with waitid(2): idtype is C.PFD_P_PID or
// C.PFD_P_PIDFD. pid is 0 if WNOHANG was given and the child still runs.
func cWaitid(idtype, id, options int) (pid int, ws syscall.WaitStatus, ru *syscall.Rusage, err error) {
	var cpid, cws C.int
	ru = new(syscall.Rusage)
	rc := C.pfd_waitid(C.int(idtype), C.int(id), C.int(options), &cpid, &cws,
		(*C.struct_rusage)(unsafe.Pointer(ru)))
	if rc < 0 {
		return 0, 0, nil, syscall.Errno(-rc)
	}
	return int(cpid), syscall.WaitStatus(cws), ru, nil
}

// cPidfdExitStatus returns the status the kernel kept for a reaped process
// (PIDFD_INFO_EXIT), and false if it has none.
func cPidfdExitStatus(pidfd int) (syscall.WaitStatus, bool, error) {
	var cws C.int
	rc := C.pfd_pidfd_exit_status(C.int(pidfd), &cws)
	if rc < 0 {
		return 0, false, os.NewSyscallError("ioctl PIDFD_GET_INFO", syscall.Errno(-rc))
	}
	return syscall.WaitStatus(cws), rc == 1, nil
}

func cPidfdSendSignal(pidfd int, sig syscall.Signal) error {
	if rc := C.pfd_pidfd_send_signal(C.int(pidfd), C.int(sig)); rc < 0 {
		return syscall.Errno(-rc)
	}
	return nil
}

func cPidfdOpen(pid int) (int, error) {
	fd := C.pfd_pidfd_open(C.int(pid), 0)
	if fd < 0 {
		return -1, syscall.Errno(-fd)
	}
	return int(fd), nil
}

// sigchldOwner is who takes SIGCHLD now (C.PFD_SIGCHLD_*).
type sigchldOwner int

const (
	sigchldNobody  sigchldOwner = C.PFD_SIGCHLD_NOBODY
	sigchldRuntime sigchldOwner = C.PFD_SIGCHLD_RUNTIME
	sigchldHost    sigchldOwner = C.PFD_SIGCHLD_HOST
)

// startupNofile returns the RLIMIT_NOFILE a child should get, nil for the
// caller's own: the limit the process started with, if the soft limit has
// been raised since (by the Go runtime) and the hard limit is unchanged.
// Unlike os/exec, which knows whether the program called Setrlimit itself,
// it also undoes a raise that the program made.
func startupNofile() *syscall.Rlimit {
	var start C.struct_rlimit
	if C.pfd_raised_nofile(&start) == 0 {
		return nil
	}
	return &syscall.Rlimit{Cur: uint64(start.rlim_cur), Max: uint64(start.rlim_max)}
}

// cSigchldOwner asks the kernel who takes SIGCHLD now. If it cannot tell,
// it says a host does, the answer under which procfd touches nothing.
func cSigchldOwner() sigchldOwner {
	owner := C.pfd_sigchld_owner()
	if owner < 0 {
		return sigchldHost
	}
	return sigchldOwner(owner)
}

// cProbePidfd runs the pidfd probe; the error names the call that failed.
func cProbePidfd() error {
	var failedCall *C.char
	if rc := C.pfd_probe_pidfd(&failedCall); rc < 0 {
		return os.NewSyscallError(C.GoString(failedCall), syscall.Errno(-rc))
	}
	return nil
}

// waitid idtypes for cWaitid.
const (
	idPid   = C.PFD_P_PID
	idPidfd = C.PFD_P_PIDFD
)

// The child's setup steps, as pfd_spawn reports them.
const (
	stepNone  = C.PFD_STEP_NONE
	stepChdir = C.PFD_STEP_CHDIR
	stepExec  = C.PFD_STEP_EXEC
	maxFiles  = C.PFD_MAX_FILES
)

// stepCall names the system call behind each other setup step.
var stepCall = map[int]string{
	C.PFD_STEP_SIGNALS: "sigaction",
	C.PFD_STEP_SETSID:  "setsid",
	C.PFD_STEP_SETPGID: "setpgid",
	C.PFD_STEP_FILES:   "dup2",
	C.PFD_STEP_RLIMIT:  "setrlimit",
}
