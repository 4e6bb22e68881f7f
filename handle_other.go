//go:build !linux && !windows && !darwin && !netbsd && !openbsd && !freebsd

package procfd

import (
	"fmt"
	"os"
	"runtime"
)

// The systems without a backend: the package builds there and says so.
// Linux, Windows, FreeBSD, macOS, NetBSD and OpenBSD have theirs.

func defaultBackend() Backend { return "" }

func checkBackend(b Backend) error {
	return &unsupportedError{"backend " + string(b) + " on " + runtime.GOOS, nil}
}

func start(path string, argv []string, attr *Attr) (*Handle, error) {
	return nil, &os.PathError{Op: "procfd: start", Path: path, Err: ErrUnsupported}
}

func open(pid int) (*Handle, error) {
	return nil, fmt.Errorf("procfd: open pid %d: %w", pid, ErrUnsupported)
}
