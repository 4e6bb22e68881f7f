package main

/*
#include <stdlib.h>
#include "procfd.h"

// Go copied the environment when the library was loaded; the caller's
// setenv since then is only in environ.
extern char **environ;
static char **pfd_environ(void) { return environ; }
static const char *pfd_getenv_path(void) { return getenv("PATH"); }
*/
import "C"

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/csrc"
)

// procfd_spawn: the C arguments made into a procfd.Start call.

const knownFlags = C.PROCFD_SETSID | C.PROCFD_SETPGID | C.PROCFD_KILL_ON_CLOSE | C.PROCFD_SEARCH_PATH |
	C.PROCFD_SIGDEFAULT | C.PROCFD_SIGMASK

func neg(e syscall.Errno) C.int { return -C.int(e) }

func spawn(out **C.procfd_t, path *C.char, argv, envp **C.char, a *C.procfd_attr_t) C.int {
	if out == nil || path == nil || argv == nil || *argv == nil {
		return neg(syscall.EINVAL)
	}
	if envp == nil {
		envp = C.pfd_environ()
	}
	// Non-nil even when empty: {NULL} is no variables at all.
	attr := &procfd.Attr{Env: append([]string{}, goStrings(envp)...)}
	var flags C.uint
	if a != nil {
		flags = a.flags
		// The core checks the count too (procfd.h promises its limit),
		// but a huge nfds is refused here before any descriptor is
		// duplicated.
		if flags&^knownFlags != 0 || a.nfds < 0 || a.nfds > csrc.MaxFiles || (a.nfds > 0 && a.fds == nil) {
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
		if a.nfds > 0 {
			files, err := dupFiles(unsafe.Slice(a.fds, a.nfds))
			defer closeFiles(files)
			if err != nil {
				return neg(errnoOf(err))
			}
			attr.Files = files
		}
	}
	attr.Setsid = flags&C.PROCFD_SETSID != 0
	attr.Setpgid = flags&C.PROCFD_SETPGID != 0
	attr.KillOnClose = flags&C.PROCFD_KILL_ON_CLOSE != 0

	prog := C.GoString(path)
	if flags&C.PROCFD_SEARCH_PATH != 0 && prog != "" && !strings.Contains(prog, "/") {
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

// searchPath finds prog as execvp(3) does: in each directory of the caller's
// PATH ("" is the current directory; no PATH is "/bin:/usr/bin"), the first
// executable file; ENOENT if none, or EACCES if one was there but not
// executable. A relative result is made absolute, since the child may start
// in another directory.
func searchPath(prog string) (string, syscall.Errno) {
	path := "/bin:/usr/bin"
	if p := C.pfd_getenv_path(); p != nil {
		path = C.GoString(p)
	}
	errno := syscall.ENOENT
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		cand := filepath.Join(dir, prog)
		var st unix.Stat_t
		if unix.Stat(cand, &st) != nil || st.Mode&unix.S_IFMT == unix.S_IFDIR {
			continue
		}
		if unix.Faccessat(unix.AT_FDCWD, cand, unix.X_OK, unix.AT_EACCESS) != nil {
			errno = syscall.EACCES
			continue
		}
		abs, err := filepath.Abs(cand)
		if err != nil {
			return "", errnoOf(err)
		}
		return abs, 0
	}
	return "", errno
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

// dupFiles makes the *os.File that procfd.Attr.Files wants for each of the
// caller's descriptors. An *os.File closes its descriptor when it is
// collected, and nothing can detach it from it, so each one is given a
// close-on-exec duplicate instead, closed once the child has its copies:
// the caller's descriptors stay open, with their flags (O_NONBLOCK is not
// touched: NewFile keeps a descriptor's mode, and Fd changes only a mode
// that the File itself set).
func dupFiles(fds []C.int) ([]*os.File, error) {
	files := make([]*os.File, len(fds))
	for i, fd := range fds {
		if fd == -1 {
			continue
		}
		dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return files, err
		}
		files[i] = os.NewFile(uintptr(dup), "")
	}
	return files, nil
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}
