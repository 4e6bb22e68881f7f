package main

import (
	"context"
	"errors"
	"os"
	"syscall"

	"github.com/procfd/procfd"
)

// errnoOf turns an error from the procfd package into the errno that
// procfd.h documents for it.
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
