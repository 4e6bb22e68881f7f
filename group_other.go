//go:build !(linux && !procfd_posixpipe) && !windows && !(freebsd && cgo)

package procfd

import (
	"fmt"
	"os"
	"runtime"
)

// The systems without a group mechanism yet: macOS, NetBSD, OpenBSD,
// FreeBSD built without cgo (its reaper mechanism, group_freebsd.go, needs
// the procdesc backend's spawn), and Linux built with the portable death
// pipe (procfd_posixpipe).
// No Group can be made, so no Start here is given one (a zero Group is
// refused by checkArgsAnyOS).

func newGroup(attr *GroupAttr) (*Group, error) {
	return nil, fmt.Errorf("procfd: new group: %w", &unsupportedError{"a group on " + runtime.GOOS, nil})
}

func fromProcess(p *os.Process) (*Handle, error) {
	return nil, fmt.Errorf("procfd: from process: %w", &unsupportedError{"FromProcess on " + runtime.GOOS, nil})
}
