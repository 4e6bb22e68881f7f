package main

/*
#include <sys/resource.h>

// csrc/nofile_posix.c, in the procfd package: the limit at load time.
int pfd_startup_nofile(struct rlimit *lim);
*/
import "C"

import (
	"fmt"
	"os"
	"syscall"
)

// The Go runtime raises the process's soft RLIMIT_NOFILE when it starts,
// and in a library that process is the host's: a C host that uses select(2)
// would then be handed descriptors beyond FD_SETSIZE. Loading libprocfd must
// not change the host's limits, so the limit it had is put back.
func init() {
	var start C.struct_rlimit
	if C.pfd_startup_nofile(&start) == 0 {
		return
	}
	var now syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &now); err != nil {
		return
	}
	orig := syscall.Rlimit{Cur: uint64(start.rlim_cur), Max: uint64(start.rlim_max)}
	if orig.Cur >= now.Cur || orig.Max != now.Max {
		return // not raised since load (or the host changed it meanwhile)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		fmt.Fprintf(os.Stderr, "libprocfd: cannot restore RLIMIT_NOFILE to %d: %v\n", orig.Cur, err)
	}
}
