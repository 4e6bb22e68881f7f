//go:build unix

package procfd

// What the spawns share: the descriptors of Attr.Files, and for the spawns
// that are Go's own syscall.StartProcess (Linux without cgo, the death pipe
// of macOS and the BSDs), Attr in its terms and its errors in procfd's.

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// filesFds returns the descriptors of attr.Files, -1 for a nil entry, and
// nil for a nil slice.
func filesFds(files []*os.File) ([]int, error) {
	if files == nil {
		return nil, nil
	}
	fds := make([]int, len(files))
	for i, f := range files {
		fds[i] = -1
		if f != nil {
			// A closed *os.File has no descriptor (Fd returns
			// ^uintptr(0)): os.StartProcess would leave descriptor
			// i closed in the child, a mistake that goes unseen.
			// Refuse it.
			if fds[i] = int(f.Fd()); fds[i] < 0 {
				return nil, fmt.Errorf("Files[%d] (%s) is closed: %w", i, f.Name(), syscall.EBADF)
			}
		}
	}
	return fds, nil
}

// goProcAttr is attr as syscall.StartProcess takes it: the child's
// descriptors are attr.Files (a nil Files: the caller's 0, 1 and 2), a
// nil entry closed (-1).
func goProcAttr(attr *Attr) (*syscall.ProcAttr, error) {
	fds, err := filesFds(attr.Files)
	if err != nil {
		return nil, err
	}
	files := []uintptr{0, 1, 2}
	if fds != nil {
		files = files[:0]
		for _, fd := range fds {
			files = append(files, uintptr(fd))
		}
	}
	env := attr.Env
	if env == nil {
		env = os.Environ()
	}
	// Setpgid after setsid fails (EPERM: a session leader), and the
	// leader leads its own group already.
	sys := &syscall.SysProcAttr{Setsid: attr.Setsid, Setpgid: attr.Setpgid && !attr.Setsid}
	return &syscall.ProcAttr{Dir: attr.Dir, Env: env, Files: files, Sys: sys}, nil
}

// startError describes a failed StartProcess: the child's errno, wrapped in
// a PathError naming Dir when changing into Dir fails the same way now.
// StartProcess says only the errno; the cgo spawn says which step failed.
func startError(err error, dir string) error {
	var errno syscall.Errno
	if !errors.As(err, &errno) || dir == "" {
		return err
	}
	if dirErr := chdirError(dir); dirErr == errno {
		return &os.PathError{Op: "chdir", Path: dir, Err: errno}
	}
	return err
}

// chdirError is the error chdir(dir) would give, found without changing
// this process's directory.
func chdirError(dir string) error {
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return syscall.ENOTDIR
	}
	return unix.Access(dir, unix.X_OK)
}
