package csrc

// The FreeBSD half of the bridge: spawning with pdfork, and procctl's
// reaper facility for groups (reaper_freebsd.c). Waiting, signalling and
// polling a process descriptor are plain system calls, which procfd makes
// itself (procdesc_freebsd.go).
// SpawnRequest's layout in C memory, sigBits and boolInt are cblock.go's.

/*
#include <stdlib.h>
#include "pfd_internal.h"
#include "pfd_freebsd.h"
*/
import "C"

import "syscall"

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

// The child's setup steps, as pfd_pdspawn reports them in SpawnFailure.Step.
const (
	StepNone  = C.PFD_STEP_NONE // the parent's pdfork failed
	StepChdir = C.PFD_STEP_CHDIR
	StepExec  = C.PFD_STEP_EXEC
)

// StepCall names the system call behind each other setup step, and the
// parent's own call for StepNone.
var StepCall = map[int]string{
	C.PFD_STEP_NONE:    "pdfork",
	C.PFD_STEP_SIGNALS: "sigaction",
	C.PFD_STEP_SETSID:  "setsid",
	C.PFD_STEP_SETPGID: "setpgid",
	C.PFD_STEP_FILES:   "dup2",
	C.PFD_STEP_RLIMIT:  "setrlimit",
	C.PFD_STEP_PIPE:    "pipe2",
}

// ReapPid is one descendant of this process, a reaper, as
// PROC_REAP_GETPIDS reports it.
type ReapPid struct {
	Pid     int
	Subtree int // the pid of the child of this process it descends from
	Flags   uint
}

// The flags of a ReapPid. Zombie and Exiting are set only by kernels that
// report them (REAPER_PIDINFO_ZOMBIE and _EXITING are newer than the
// reaper facility).
const (
	ReapChild   = C.PFD_REAP_CHILD
	ReapReaper  = C.PFD_REAP_REAPER
	ReapZombie  = C.PFD_REAP_ZOMBIE
	ReapExiting = C.PFD_REAP_EXITING
)

// ReapAcquire makes this process a reaper, for good (PROC_REAP_ACQUIRE).
// A process that is one already gets nil.
func ReapAcquire() error {
	if rc := C.pfd_reap_acquire(); rc < 0 {
		return syscall.Errno(-rc)
	}
	return nil
}

// ReapPids lists this reaper's descendants (PROC_REAP_GETPIDS), zombies
// included, but not the descendants of a descendant that is a reaper itself.
func ReapPids() ([]ReapPid, error) {
	for size := 64; ; size *= 2 {
		// Go memory holding no Go pointer, which C may fill.
		buf := make([]C.struct_pfd_reap_pid, size)
		var n C.uint
		if rc := C.pfd_reap_pids(&buf[0], C.uint(size), &n); rc < 0 {
			return nil, syscall.Errno(-rc)
		}
		if int(n) == size {
			continue // there may be more
		}
		pids := make([]ReapPid, n)
		for i := range pids {
			pids[i] = ReapPid{int(buf[i].pid), int(buf[i].subtree), uint(buf[i].flags)}
		}
		return pids, nil
	}
}

// ReapKill sends sig to the subtree of this reaper's child subtree: every
// process that descends from that child, wherever it has been reparented
// since (PROC_REAP_KILL, REAPER_KILL_SUBTREE). syscall.ESRCH: it has no
// process a signal can reach.
func ReapKill(subtree int, sig syscall.Signal) (killed int, err error) {
	var n C.uint
	if rc := C.pfd_reap_kill(C.int(subtree), C.int(sig), &n); rc < 0 {
		return 0, syscall.Errno(-rc)
	}
	return int(n), nil
}
