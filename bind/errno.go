package main

import "C"

import (
	"context"
	"errors"
	"os"
	"syscall"

	"github.com/procfd/procfd"
)

// neg is the value a C function returns for errno e: -e in the C library's
// numbering (cErrno: the same numbers on POSIX systems; on Windows, Go's
// errnos and Windows' error codes made into those of the C runtime).
func neg(e syscall.Errno) C.int { return -cErrno(e) }

// errnoOf turns an error from the procfd package into the errno that
// procfd.h documents for it, in Go's numbering: neg makes it C's.
func errnoOf(err error) syscall.Errno {
	var errno syscall.Errno
	switch {
	case err == nil:
		return 0
	// Before the errno: a forced backend that does not work here wraps
	// the errno of the probe call that failed (ENOSYS, EPERM, ...), but
	// what the caller asked for is a backend, and that is unsupported.
	case errors.Is(err, procfd.ErrUnsupported):
		return syscall.ENOTSUP
	case errors.As(err, &errno) && errno != 0:
		return errno
	case errors.Is(err, procfd.ErrClosed):
		return syscall.EBADF
	case errors.Is(err, os.ErrProcessDone):
		return syscall.ESRCH
	case errors.Is(err, procfd.ErrStatusLost):
		return syscall.ECHILD
	case errors.Is(err, procfd.ErrNoStatus):
		return syscall.ENODATA
	case errors.Is(err, context.DeadlineExceeded):
		return syscall.ETIMEDOUT
	}
	return syscall.EIO
}
