package main

/*
#include <stdint.h>
#include "procfd.h"

// attr->group as a number: Go never holds a token that C passes in a
// pointer-typed variable (see table.go), and a garbage one such as
// (procfd_group_t *)1 is only compared.
static uintptr_t pfd_attr_group(const procfd_attr_t *a) { return (uintptr_t)a->group; }
*/
import "C"

import (
	"os"
	"syscall"
	"unsafe"

	"github.com/procfd/procfd"
)

// procfd_spawn: the C arguments made into a procfd.Start call.

const knownFlags = C.PROCFD_SETSID | C.PROCFD_SETPGID | C.PROCFD_KILL_ON_CLOSE | C.PROCFD_SEARCH_PATH |
	C.PROCFD_SIGDEFAULT | C.PROCFD_SIGMASK | C.PROCFD_GROUP

func spawn(out **C.procfd_t, path *C.char, argv, envp **C.char, a *C.procfd_attr_t) C.int {
	if out == nil || path == nil || argv == nil || *argv == nil {
		return neg(syscall.EINVAL)
	}
	env := callerEnviron()
	if envp != nil {
		env = goStrings(envp)
	}
	// Non-nil even when empty: {NULL} is no variables at all.
	attr := &procfd.Attr{Env: append([]string{}, env...)}
	var flags C.uint
	if a != nil {
		flags = a.flags
		// The core checks the count too (procfd.h promises its limit),
		// but a huge nfds is refused here before any descriptor is
		// duplicated.
		if flags&^knownFlags != 0 || a.nfds < 0 || a.nfds > maxFiles || (a.nfds > 0 && a.fds == nil) {
			return neg(syscall.EINVAL)
		}
		if a.dir != nil {
			attr.Dir = C.GoString(a.dir)
		}
		if a.backend != nil {
			attr.Backend = procfd.Backend(C.GoString(a.backend))
		}
		// Read only under their flags: a 0.1 caller's struct ends before.
		if flags&C.PROCFD_SIGDEFAULT != 0 {
			attr.SigDefault = signalSet(uint64(a.sigdefault))
		}
		if flags&C.PROCFD_SIGMASK != 0 {
			attr.SigMask = signalSet(uint64(a.sigmask))
		}
		if flags&C.PROCFD_GROUP != 0 {
			// NULL: -EINVAL; not an open group: -EBADF. One closed
			// from here on makes Start fail with ErrClosed: -EBADF.
			g, rc := openGroup(handleKey(C.pfd_attr_group(a)))
			if g == nil {
				return rc
			}
			attr.Group = g
		}
		if a.nfds > 0 {
			files, err := dupFiles(unsafe.Slice(a.fds, a.nfds))
			defer closeFiles(files)
			if err != nil {
				return neg(errnoOf(err))
			}
			attr.Files = files
		}
	}
	if attr.Files == nil {
		files, err := defaultFiles()
		defer closeFiles(files)
		if err != nil {
			return neg(errnoOf(err))
		}
		attr.Files = files
	}
	attr.Setsid = flags&C.PROCFD_SETSID != 0
	attr.Setpgid = flags&C.PROCFD_SETPGID != 0
	attr.KillOnClose = flags&C.PROCFD_KILL_ON_CLOSE != 0

	prog := C.GoString(path)
	if flags&C.PROCFD_SEARCH_PATH != 0 && prog != "" && isBareName(prog) {
		found, errno := searchPath(prog)
		if errno != 0 {
			return neg(errno)
		}
		prog = found
	}

	h, err := procfd.Start(prog, goStrings(argv), attr)
	if err != nil {
		return neg(errnoOf(err))
	}
	*out = newEntry(h, attr.KillOnClose)
	return 0
}

// signalSet lists the signals of a PROCFD_SIGBIT set.
func signalSet(bits uint64) []syscall.Signal {
	var sigs []syscall.Signal
	for sig := 1; sig <= 64; sig++ {
		if bits&(1<<(sig-1)) != 0 {
			sigs = append(sigs, syscall.Signal(sig))
		}
	}
	return sigs
}

// goStrings copies a NULL-terminated array of C strings; NULL is an empty
// one (environ is NULL after clearenv).
func goStrings(p **C.char) []string {
	var list []string
	for ; p != nil && *p != nil; p = (**C.char)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(*p))) {
		list = append(list, C.GoString(*p))
	}
	return list
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}
