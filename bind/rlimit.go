package main

/*
#include <sys/resource.h>

// csrc/nofile_posix.c, in the procfd package.
int pfd_raised_nofile(struct rlimit *startup);
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
	if C.pfd_raised_nofile(&start) == 0 {
		return
	}
	orig := syscall.Rlimit{Cur: uint64(start.rlim_cur), Max: uint64(start.rlim_max)}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		fmt.Fprintf(os.Stderr, "libprocfd: cannot restore RLIMIT_NOFILE to %d: %v\n", orig.Cur, err)
	}
}
