//go:build !procfd_posixpipe

package procfd

// Groups on Linux: a cgroup v2 directory (group_cgroup_linux.go) where one
// can be made, else a process group (group_pgroup_linux.go).

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

func newGroup(attr *GroupAttr) (*Group, error) {
	fail := func(err error) (*Group, error) {
		return nil, fmt.Errorf("procfd: new group: %w", err)
	}
	flag, err := newEventfdFlag()
	if err != nil {
		return fail(err)
	}
	var sys groupSys
	mechanism := attr.Mechanism
	switch mechanism {
	case "":
		// The cgroup if one can be made here; any failure to make it
		// (no cgroup2 mount, no permission, a read-only hierarchy, a
		// kernel without cgroup.kill) falls back to a process group.
		if sys, err = newCgroupGroup(); err == nil {
			mechanism = MechanismCgroup
		} else if sys, err = newPgroupGroup(attr.Subreaper); err == nil {
			mechanism = MechanismProcessGroup
		}
	case MechanismCgroup:
		sys, err = newCgroupGroup()
	case MechanismProcessGroup:
		sys, err = newPgroupGroup(attr.Subreaper)
	case MechanismJob, MechanismReaper:
		err = &unsupportedError{"mechanism " + string(mechanism) + " on linux", nil}
	default:
		err = fmt.Errorf("unknown mechanism %q: %w", mechanism, syscall.EINVAL)
	}
	if err != nil {
		flag.close()
		return fail(err)
	}
	return newGroupOf(mechanism, attr.KillOnClose, sys, flag), nil
}

// placement is where a spawn puts its child: in a cgroup (cgroupFd, the
// directory's descriptor) or a process group (pgid), or neither.
type placement struct {
	cgroupFd int // -1: none
	pgid     int // 0: none
}

var noPlacement = placement{cgroupFd: -1}

// spawnPlaced runs spawn with the placement attr.Group asks for, within
// the group's lock (group.spawnIn), or at once without a group.
func spawnPlaced(attr *Attr, spawn func(placement) (spawned, error)) (spawned, error) {
	g := attr.Group
	if g == nil {
		return spawn(noPlacement)
	}
	var child spawned
	err := g.spawnIn(func() error {
		var err error
		switch sys := g.sys.(type) {
		case *cgroupGroup:
			child, err = spawn(placement{cgroupFd: sys.dirFd})
		case *pgroupGroup:
			if attr.Setsid || attr.Setpgid {
				return fmt.Errorf("Setsid or Setpgid would leave the process group: %w", syscall.EINVAL)
			}
			// Recorded before the subreaper's sweep can look at it.
			sys.mu.Lock()
			child, err = spawn(placement{cgroupFd: -1, pgid: sys.pgid})
			if err == nil {
				sys.started(child.pid)
			}
			sys.mu.Unlock()
		default:
			err = &unsupportedError{"a group of mechanism " + string(g.mechanism) + " on linux", nil}
		}
		return err
	})
	return child, err
}

// eventfdFlag is a group's emptyFlag: an eventfd holding 1 while the group
// is empty, 0 while it is not.
type eventfdFlag struct{ efd int }

func newEventfdFlag() (*eventfdFlag, error) {
	efd, err := newEventfd()
	if err != nil {
		return nil, err
	}
	return &eventfdFlag{efd}, nil
}

func (f *eventfdFlag) set() { writeEventfd(f.efd) }

func (f *eventfdFlag) clear() {
	var count [8]byte
	for {
		// Never fails but for EINTR, or EAGAIN when already 0.
		if _, err := unix.Read(f.efd, count[:]); err != syscall.EINTR {
			return
		}
	}
}

func (f *eventfdFlag) fd() uintptr { return uintptr(f.efd) }

func (f *eventfdFlag) close() error { return unix.Close(f.efd) }

// readSmallFile reads a small kernel file (cgroup.events, /proc/PID/stat) with
// one read into buf, as the kernel writes it in one piece.
func readSmallFile(path string, buf []byte) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	for {
		n, err := unix.Read(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		return buf[:n], nil
	}
}

// isGone reports whether err says a process no longer exists.
func isGone(err error) bool {
	return errors.Is(err, syscall.ESRCH) || errors.Is(err, syscall.ENOENT)
}
