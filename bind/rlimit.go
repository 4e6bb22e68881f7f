//go:build unix

package main

/*
#include "bind.h"
*/
import "C"

import (
	"fmt"
	"os"
	"syscall"

	"github.com/procfd/procfd/csrc"
)

// The Go runtime raises the process's soft RLIMIT_NOFILE when it starts,
// and in a library that process is the host's: a C host that uses select(2)
// would then be handed descriptors beyond FD_SETSIZE. Loading libprocfd must
// not change the host's limits, so the limit it had is put back, before the
// load returns (loadwait.c): a limit the host sets after that is the host's,
// and its children inherit whatever limit it has.
func init() {
	defer C.pfd_nofile_restored()
	orig := csrc.TakeRaisedNofile()
	if orig == nil {
		return
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, orig); err != nil {
		fmt.Fprintf(os.Stderr, "libprocfd: cannot restore RLIMIT_NOFILE to %d: %v\n", orig.Cur, err)
	}
}
