package csrc

// The FreeBSD half of the bridge: spawning with pdfork. Waiting, signalling
// and polling a process descriptor are plain system calls, which procfd
// makes itself (procdesc_freebsd.go).
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
