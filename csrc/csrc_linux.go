package csrc

// The Linux half of the bridge: spawning, waitid and the pidfd calls.

/*
#include <stdlib.h>
#include <sys/wait.h>
#include "pfd_internal.h"

// A look at a running process must not allocate: Go's malloc path is deep
// enough to grow the stack of a goroutine parked in Wait from 2 KiB to 4.
// These functions keep no pointer they are given and never call into Go,
// so their arguments may stay on the caller's stack.
#cgo noescape pfd_waitid
#cgo nocallback pfd_waitid
#cgo noescape pfd_pidfd_exit_status
#cgo nocallback pfd_pidfd_exit_status
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

// SpawnRequest is a Start call in the C layer's terms.
type SpawnRequest struct {
	Path      string
	Argv, Env []string
	Dir       string // "": the caller's
	Fds       []int  // nil: inherit; -1: closed in the child
	Setsid    bool
	Setpgid   bool
	WantPidfd bool // true: the handle is a pidfd; false: a death pipe's read end
	// PipePidfd: for a death pipe, ask clone for the child's pidfd too
	// (Spawned.Pidfd; -1 where clone refuses or ignores CLONE_PIDFD).
	PipePidfd bool
	Nofile    *syscall.Rlimit // nil: the child keeps the caller's RLIMIT_NOFILE
	// SigDefault: signals reset to SIG_DFL in the child, ignored ones
	// included. SigMask: the child's signal mask, exactly (nil: empty).
	// Signals are 1 to 64: the caller checks (see sigBits).
	SigDefault, SigMask []syscall.Signal
	// InCgroup: the child starts in the cgroup whose directory is open
	// as CgroupFd. Pgid > 0: the child joins that process group.
	InCgroup bool
	CgroupFd int
	Pgid     int
}

// SpawnFailure is a failed spawn: the errno, and the child's setup step
// that failed (StepNone when the parent's clone failed).
type SpawnFailure struct {
	Errno syscall.Errno
	Step  int
}

// Spawned is a started child and the descriptors that come with it, all
// close-on-exec: Fd is the handle's (the pidfd, or the death pipe's read
// end, non-blocking); Pidfd is a death-pipe child's pidfd from clone, or -1.
type Spawned struct {
	Pid, Fd, Pidfd int
}

// Spawn runs pfd_spawn. All the strings and arrays go to C in one block
// of C memory, since C may not keep Go pointers inside Go memory.
func Spawn(r *SpawnRequest) (Spawned, *SpawnFailure) {
	sigdefault, sigmask := sigBits(r.SigDefault), sigBits(r.SigMask)
	block := newCBlock(r)
	defer C.free(block.base)

	req := C.struct_pfd_spawn_req{
		path:       block.path,
		argv:       block.argv,
		envp:       block.envp,
		dir:        block.dir,
		fds:        block.fds,
		nfds:       C.int(len(r.Fds)),
		want_pidfd: boolInt(r.WantPidfd),
		pipe_pidfd: boolInt(r.PipePidfd),
		sigdefault: C.uint64_t(sigdefault),
		sigmask:    C.uint64_t(sigmask),
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
	req.cgroup_fd = -1
	if r.InCgroup {
		req.cgroup_fd = C.int(r.CgroupFd)
	}
	req.pgid = C.int(r.Pgid)
	var res C.struct_pfd_spawn_res
	if rc := C.pfd_spawn(&req, &res); rc < 0 {
		return Spawned{-1, -1, -1}, &SpawnFailure{Errno: syscall.Errno(-rc), Step: int(res.failed_step)}
	}
	return Spawned{int(res.pid), int(res.fd), int(res.pidfd)}, nil
}

// SpawnAnchor starts a process group's anchor (pfd_spawn_anchor): a child
// that leads a new process group and has exited, left unreaped so that its
// zombie holds the group's id. The caller reaps it when the group is done.
func SpawnAnchor() (pid int, err error) {
	rc := C.pfd_spawn_anchor()
	if rc < 0 {
		return 0, syscall.Errno(-rc)
	}
	return int(rc), nil
}

// Waitid waits for a child with waitid(2): idtype is IdPid or IdPidfd. pid
// is 0 if WNOHANG was given and the child still runs. The child's resource
// usage goes to *ru unless ru is nil. EINTR is retried.
func Waitid(idtype, id, options int, ru *syscall.Rusage) (pid int, ws syscall.WaitStatus, err error) {
	var cpid, cws C.int
	rc := C.pfd_waitid(C.int(idtype), C.int(id), C.int(options), &cpid, &cws,
		(*C.struct_rusage)(unsafe.Pointer(ru)))
	if rc < 0 {
		return 0, 0, syscall.Errno(-rc)
	}
	return int(cpid), syscall.WaitStatus(cws), nil
}

// PidfdExitStatus returns the status the kernel kept for a reaped process
// (PIDFD_INFO_EXIT), and false if it has none.
func PidfdExitStatus(pidfd int) (syscall.WaitStatus, bool, error) {
	var cws C.int
	rc := C.pfd_pidfd_exit_status(C.int(pidfd), &cws)
	if rc < 0 {
		return 0, false, os.NewSyscallError("ioctl PIDFD_GET_INFO", syscall.Errno(-rc))
	}
	return syscall.WaitStatus(cws), rc == 1, nil
}

// PidfdSendSignal sends sig through pidfd_send_signal(2).
func PidfdSendSignal(pidfd int, sig syscall.Signal) error {
	if rc := C.pfd_pidfd_send_signal(C.int(pidfd), C.int(sig)); rc < 0 {
		return syscall.Errno(-rc)
	}
	return nil
}

// PidfdOpen returns a close-on-exec pidfd for pid (pidfd_open(2)).
func PidfdOpen(pid int) (int, error) {
	fd := C.pfd_pidfd_open(C.int(pid), 0)
	if fd < 0 {
		return -1, syscall.Errno(-fd)
	}
	return int(fd), nil
}

// ProbePidfd runs the pidfd probe; the error names the call that failed.
func ProbePidfd() error {
	var failedCall *C.char
	if rc := C.pfd_probe_pidfd(&failedCall); rc < 0 {
		return os.NewSyscallError(C.GoString(failedCall), syscall.Errno(-rc))
	}
	return nil
}

// The C side's values of waitid's idtypes (ids_linux.go).
var _ = [1]struct{}{}[IdPid-C.PFD_P_PID]
var _ = [1]struct{}{}[IdPidfd-C.PFD_P_PIDFD]

// The child's setup steps, as pfd_spawn reports them in SpawnFailure.Step.
const (
	StepNone  = C.PFD_STEP_NONE // the parent's clone failed
	StepChdir = C.PFD_STEP_CHDIR
	StepExec  = C.PFD_STEP_EXEC
)

// StepCall names the system call behind each other setup step, and the
// parent's own call for StepNone.
var StepCall = map[int]string{
	C.PFD_STEP_NONE:    "clone",
	C.PFD_STEP_SIGNALS: "sigaction",
	C.PFD_STEP_SETSID:  "setsid",
	C.PFD_STEP_SETPGID: "setpgid",
	C.PFD_STEP_FILES:   "dup2",
	C.PFD_STEP_RLIMIT:  "setrlimit",
	C.PFD_STEP_PIPE:    "pipe2",
	C.PFD_STEP_CGROUP:  "write cgroup.procs",
}
