//go:build unix

package csrc

// The POSIX half of the bridge: who owns SIGCHLD, and the RLIMIT_NOFILE the
// process was loaded with.

/*
#cgo CFLAGS: -D_GNU_SOURCE -Wall -Wextra -fvisibility=hidden
#include <signal.h>
#include "pfd_internal.h"
*/
import "C"

import "syscall"

// NSig is one more than the highest signal number: signals are 1 to NSig-1.
const NSig = C.NSIG

// The C side's values of the names in owner_unix.go.
var _ = [1]struct{}{}[MaxFiles-C.PFD_MAX_FILES]
var _ = [1]struct{}{}[SigchldNobody-C.PFD_SIGCHLD_NOBODY]
var _ = [1]struct{}{}[SigchldKernel-C.PFD_SIGCHLD_KERNEL]
var _ = [1]struct{}{}[SigchldRuntime-C.PFD_SIGCHLD_RUNTIME]
var _ = [1]struct{}{}[SigchldHost-C.PFD_SIGCHLD_HOST]

// SigchldOwnerNow asks the kernel who takes SIGCHLD now. If it cannot tell,
// it says a host does, the answer under which procfd touches nothing.
func SigchldOwnerNow() SigchldOwner {
	owner := C.pfd_sigchld_owner()
	if owner < 0 {
		return SigchldHost
	}
	return SigchldOwner(owner)
}

// RaisedNofile returns the RLIMIT_NOFILE the process was loaded with if the
// soft limit is still the Go runtime's raise (one below the hard limit, which
// is unchanged); else nil. A limit the program set itself is not the raise,
// unless it set exactly that value.
func RaisedNofile() *syscall.Rlimit {
	var start C.struct_rlimit
	return goRlimit(C.pfd_raised_nofile(&start), &start)
}

// TakeRaisedNofile is RaisedNofile, once: after it, RaisedNofile returns
// nil. A library that has put the host's limit back has no raise left to
// undo, and its children get whatever limit the host sets.
func TakeRaisedNofile() *syscall.Rlimit {
	var start C.struct_rlimit
	return goRlimit(C.pfd_take_raised_nofile(&start), &start)
}

// goRlimit is the limit a pfd_*raised_nofile call filled in, or nil if it
// returned 0.
func goRlimit(raised C.int, lim *C.struct_rlimit) *syscall.Rlimit {
	if raised == 0 {
		return nil
	}
	var r syscall.Rlimit
	setRlimit(&r.Cur, &r.Max, lim)
	return &r
}

// setRlimit stores lim in syscall.Rlimit's fields, which are uint64 on
// Linux and int64 on FreeBSD (its rlim_t is signed).
func setRlimit[T int64 | uint64](cur, max *T, lim *C.struct_rlimit) {
	*cur, *max = T(lim.rlim_cur), T(lim.rlim_max)
}
