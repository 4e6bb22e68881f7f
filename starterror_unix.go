//go:build unix

package procfd

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

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
