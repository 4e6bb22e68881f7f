//go:build !(linux && !procfd_posixpipe) && !windows

package procfd

import (
	"fmt"
	"os"
	"runtime"
)

// The systems without a group mechanism yet: FreeBSD (procctl
// PROC_REAP_* would be its), macOS, NetBSD, OpenBSD, and Linux built
// with the portable death pipe (procfd_posixpipe).
// No Group can be made, so no Start here is given one (a zero Group is
// refused by checkArgsAnyOS).

func newGroup(attr *GroupAttr) (*Group, error) {
	return nil, fmt.Errorf("procfd: new group: %w", &unsupportedError{"a group on " + runtime.GOOS, nil})
}

func fromProcess(p *os.Process) (*Handle, error) {
	return nil, fmt.Errorf("procfd: from process: %w", &unsupportedError{"FromProcess on " + runtime.GOOS, nil})
}
