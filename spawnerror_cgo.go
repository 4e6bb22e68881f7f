//go:build cgo && (linux || freebsd) && !procfd_posixpipe

package procfd

import (
	"os"

	"github.com/procfd/procfd/csrc"
)

// spawnError describes a failed spawn: the child's errno, with the setup
// step it failed in where that helps.
func spawnError(f *csrc.SpawnFailure, dir string) error {
	switch f.Step {
	case csrc.StepExec:
		return f.Errno
	case csrc.StepChdir:
		return &os.PathError{Op: "chdir", Path: dir, Err: f.Errno}
	}
	return os.NewSyscallError(csrc.StepCall[f.Step], f.Errno)
}
