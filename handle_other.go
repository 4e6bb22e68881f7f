//go:build !linux && !windows && !(freebsd && cgo)

package procfd

import (
	"fmt"
	"os"
	"runtime"
)

// Only Linux, Windows and FreeBSD with cgo have a backend so far; elsewhere
// the package builds and says so.

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
