//go:build unix

package main

/*
#include <stdlib.h>

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

	"golang.org/x/sys/unix"
)

// The POSIX halves of procfd_spawn: the caller's environment and PATH,
// and its descriptors.

// callerEnviron is the environment a NULL envp stands for: environ.
func callerEnviron() []string { return goStrings(C.pfd_environ()) }

// isBareName: a name without a slash is searched for in PATH.
func isBareName(prog string) bool { return !strings.Contains(prog, "/") }

// defaultFiles is what a child is given without attr->fds: nil, which
// leaves it the caller's 0, 1 and 2.
func defaultFiles() ([]*os.File, error) { return nil, nil }

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
