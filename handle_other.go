//go:build !linux

package procfd

import (
	"fmt"
	"os"
)

// Only Linux has a backend so far; elsewhere the package builds and says so.

func defaultBackend() Backend { return "" }

func start(path string, argv []string, attr *Attr) (*Handle, error) {
	return nil, &os.PathError{Op: "procfd: start", Path: path, Err: ErrUnsupported}
}

func open(pid int) (*Handle, error) {
	return nil, fmt.Errorf("procfd: open pid %d: %w", pid, ErrUnsupported)
}
