package main

/*
#include <io.h>
#include <stdint.h>

// The HANDLE behind a descriptor of the C runtime (msvcrt's, the one
// mingw-w64 links by default), or -1 if fd is not open.
static intptr_t pfd_osfhandle(int fd) { return _get_osfhandle(fd); }
*/
import "C"

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/windows"
)

// The Windows halves of procfd_spawn: the caller's environment and PATH,
// and its C runtime descriptors made into the child's standard handles.

// callerEnviron is the environment a NULL envp stands for: the process's,
// which Go reads afresh on each call (the C runtime's putenv updates it).
func callerEnviron() []string { return os.Environ() }

// isBareName: a name without a slash, backslash or drive ("C:x") is
// searched for in PATH.
func isBareName(prog string) bool { return !strings.ContainsAny(prog, `/\:`) }

// defaultFiles is what a child is given without attr->fds: the C runtime's
// descriptors 0, 1 and 2, as the caller has them now (none for one that
// is not open). Go's os.Stdin and the like are the standard handles of the
// moment the library was loaded.
func defaultFiles() ([]*os.File, error) {
	files := make([]*os.File, 3)
	for fd := range files {
		h, ok := osfHandle(C.int(fd))
		if !ok {
			continue
		}
		f, err := dupHandle(h)
		if err != nil {
			closeFiles(files)
			return nil, err
		}
		files[fd] = f
	}
	return files, nil
}

// searchPath finds prog in the directories of the caller's PATH (separated
// by ";"; empty entries are skipped, as Windows does): the first regular
// file named prog, or prog with ".exe" appended. ENOENT if none. A relative
// result is made absolute, since the child may start in another directory.
func searchPath(prog string) (string, syscall.Errno) {
	names := []string{prog}
	if !strings.EqualFold(filepath.Ext(prog), ".exe") {
		names = append(names, prog+".exe")
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			continue
		}
		for _, name := range names {
			cand := filepath.Join(dir, name)
			if st, err := os.Stat(cand); err != nil || !st.Mode().IsRegular() {
				continue
			}
			abs, err := filepath.Abs(cand)
			if err != nil {
				return "", errnoOf(err)
			}
			return abs, 0
		}
	}
	return "", syscall.ENOENT
}

// dupFiles makes the *os.File that procfd.Attr.Files wants for each of the
// caller's C runtime descriptors: a duplicate of its HANDLE, closed once
// the child has its copies, so that the caller's descriptor and HANDLE
// stay open and unchanged.
func dupFiles(fds []C.int) ([]*os.File, error) {
	files := make([]*os.File, len(fds))
	for i, fd := range fds {
		if fd == -1 {
			continue
		}
		h, ok := osfHandle(fd)
		if !ok {
			return files, syscall.EBADF
		}
		f, err := dupHandle(h)
		if err != nil {
			return files, err
		}
		files[i] = f
	}
	return files, nil
}

// osfHandle is the HANDLE behind the C runtime's descriptor fd, if fd is
// open and has one (a GUI program's 0, 1 and 2 may be open without one:
// -2).
func osfHandle(fd C.int) (windows.Handle, bool) {
	if fd < 0 {
		return 0, false
	}
	h := C.pfd_osfhandle(fd)
	if h == -1 || h == -2 || h == 0 {
		return 0, false
	}
	return windows.Handle(h), true
}

func dupHandle(h windows.Handle) (*os.File, error) {
	self := windows.CurrentProcess()
	var dup windows.Handle
	if err := windows.DuplicateHandle(self, h, self, &dup, 0, false, windows.DUPLICATE_SAME_ACCESS); err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(dup), ""), nil
}
