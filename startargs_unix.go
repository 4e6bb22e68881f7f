//go:build unix

package procfd

import (
	"fmt"
	"syscall"

	"github.com/procfd/procfd/csrc"
)

// checkStartArgs rejects what execve would reject or mangle, before any
// process exists.
func checkStartArgs(path string, argv []string, attr *Attr) error {
	if err := checkArgsAnyOS(path, argv, attr); err != nil {
		return err
	}
	if len(attr.Files) > csrc.MaxFiles {
		return fmt.Errorf("%d files, at most %d: %w", len(attr.Files), csrc.MaxFiles, syscall.EINVAL)
	}
	for _, list := range [][]syscall.Signal{attr.SigDefault, attr.SigMask} {
		for _, sig := range list {
			if sig < 1 || sig > 64 {
				return fmt.Errorf("signal %d: not 1 to 64: %w", int(sig), syscall.EINVAL)
			}
		}
	}
	return nil
}
