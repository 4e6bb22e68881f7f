//go:build !procfd_posixpipe

package procfd

// The cgroup mechanism: a group is a cgroup v2 directory of its own, made
// under the caller's cgroup.
//
// Kernel versions it relies on:
//
//	4.5   cgroup v2, cgroup.events (populated)
//	5.7   clone3 with CLONE_INTO_CGROUP (before it, or without clone3, the
//	      C spawn has the child move itself, before it runs anything)
//	5.14  cgroup.kill: the probe, since without it no kill is exact
//
// The hierarchy is found through /proc/self/mountinfo, never at a fixed
// path: systemd's hybrid mode mounts it beside the v1 controllers (at
// /sys/fs/cgroup/unified), containers elsewhere.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

type cgroupGroup struct {
	dir    string   // the directory, as this process reaches it
	path   string   // the cgroup's path as /proc/PID/cgroup names it
	dirFd  int      // the directory, for CLONE_INTO_CGROUP
	events *os.File // inotify on cgroup.events, on the runtime poller
}

// cgroupSeq numbers the groups of this process, for their directory names.
var cgroupSeq atomic.Uint64

func newCgroupGroup() (*cgroupGroup, error) {
	mount, root, err := cgroup2Mount()
	if err != nil {
		return nil, err
	}
	own, err := cgroupV2Path("self")
	if err != nil {
		return nil, err
	}
	rel, ok := strings.CutPrefix(own, strings.TrimSuffix(root, "/"))
	if !ok || (rel != "" && rel[0] != '/') {
		return nil, fmt.Errorf("cgroup %s is outside the cgroup2 mount at %s (root %s): %w", own, mount, root, syscall.ENOENT)
	}
	parent := filepath.Join(mount, rel)

	var dir, name string
	for {
		name = fmt.Sprintf("procfd-%d-%d", os.Getpid(), cgroupSeq.Add(1))
		dir = filepath.Join(parent, name)
		err := unix.Mkdir(dir, 0o755)
		if err == nil {
			break
		}
		if err != syscall.EEXIST { // EEXIST: left by an earlier process with our PID
			return nil, &os.PathError{Op: "mkdir", Path: dir, Err: err}
		}
	}
	g := &cgroupGroup{dir: dir, path: strings.TrimSuffix(own, "/") + "/" + name, dirFd: -1}
	if err := g.open(); err != nil {
		g.close()
		unix.Rmdir(dir)
		return nil, err
	}
	return g, nil
}

// open checks that the directory has what a group needs and opens its
// descriptors.
func (g *cgroupGroup) open() error {
	kill := filepath.Join(g.dir, "cgroup.kill")
	if err := unix.Access(kill, unix.W_OK); err != nil {
		return &os.PathError{Op: "access", Path: kill, Err: err}
	}
	fd, err := unix.Open(g.dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: g.dir, Err: err}
	}
	g.dirFd = fd
	ifd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return os.NewSyscallError("inotify_init1", err)
	}
	g.events = os.NewFile(uintptr(ifd), "inotify")
	events := filepath.Join(g.dir, "cgroup.events")
	if _, err := unix.InotifyAddWatch(ifd, events, unix.IN_MODIFY); err != nil {
		return &os.PathError{Op: "inotify_add_watch", Path: events, Err: err}
	}
	return nil
}

func (g *cgroupGroup) close() {
	if g.events != nil {
		g.events.Close()
	}
	if g.dirFd >= 0 {
		unix.Close(g.dirFd)
	}
}

func (g *cgroupGroup) populated() (bool, error) {
	var buf [256]byte
	events, err := readSmallFile(filepath.Join(g.dir, "cgroup.events"), buf[:])
	if err != nil {
		return false, err
	}
	for _, line := range bytes.Split(events, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("populated ")); ok {
			return string(v) != "0", nil
		}
	}
	return false, fmt.Errorf("%s/cgroup.events: no populated line: %w", g.dir, syscall.EINVAL)
}

// awaitChange parks until the kernel changes cgroup.events, which it does
// when populated (or frozen) changes.
func (g *cgroupGroup) awaitChange() error {
	var buf [4096]byte
	for {
		n, err := g.events.Read(buf[:])
		if errors.Is(err, os.ErrClosed) {
			return ErrClosed
		}
		if n > 0 || err != nil {
			// A read error other than a close would repeat forever:
			// treat it as a change, and the look will tell.
			return nil
		}
	}
}

// pids lists the processes of the cgroup and of any cgroup a member made
// below it.
func (g *cgroupGroup) pids() ([]int, error) {
	var pids []int
	err := filepath.WalkDir(g.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) && path != g.dir {
				return nil // a sub-cgroup removed meanwhile
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		procs, err := os.ReadFile(filepath.Join(path, "cgroup.procs"))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) && path != g.dir {
				return nil
			}
			return err
		}
		for _, field := range strings.Fields(string(procs)) {
			if pid, err := strconv.Atoi(field); err == nil {
				pids = append(pids, pid)
			}
		}
		return nil
	})
	return pids, err
}

// signal sends sig to each member through a pidfd, looking again until a
// look finds no member it has not signalled, so that a child a member
// forked meanwhile is not missed. A PID from cgroup.procs may be reused by
// another process before pidfd_open: the pidfd then refers to that
// process, whose own cgroup is what the check reads, so it is signalled
// only if it is a member too. (If the member that held the pidfd ends
// between the check and the signal, the kernel refuses the signal.)
func (g *cgroupGroup) signal(sig syscall.Signal) error {
	seen := make(map[int]bool)
	sent := 0
	for pass := 0; pass < 64; pass++ {
		pids, err := g.pids()
		if err != nil {
			return err
		}
		fresh := 0
		for _, pid := range pids {
			if seen[pid] {
				continue
			}
			seen[pid] = true
			fresh++
			ok, err := g.signalMember(pid, sig)
			if err != nil {
				return err
			}
			if ok {
				sent++
			}
		}
		if fresh == 0 {
			break
		}
	}
	if sent == 0 {
		return os.ErrProcessDone
	}
	return nil
}

// signalMember signals pid if it is still a member. ok: it was signalled.
func (g *cgroupGroup) signalMember(pid int, sig syscall.Signal) (ok bool, err error) {
	pidfd, err := csrc.PidfdOpen(pid)
	if isGone(err) {
		return false, nil
	}
	if err != nil {
		return false, os.NewSyscallError("pidfd_open", err)
	}
	defer unix.Close(pidfd)
	if member, err := g.isMember(pid); err != nil || !member {
		if isGone(err) {
			err = nil
		}
		return false, err
	}
	switch err := signalPidfd(pidfd, sig); err {
	case nil:
		return true, nil
	case os.ErrProcessDone:
		return false, nil
	default:
		return false, err
	}
}

// isMember reads pid's cgroup v2 path (the "0::" line of
// /proc/PID/cgroup) and tells whether it is the group's or below it.
func (g *cgroupGroup) isMember(pid int) (bool, error) {
	path, err := cgroupV2Path(strconv.Itoa(pid))
	if err != nil {
		return false, err
	}
	return path == g.path || strings.HasPrefix(path, g.path+"/"), nil
}

// kill writes cgroup.kill: the kernel kills every process of the cgroup
// and of those below it, and a fork in progress cannot escape it.
func (g *cgroupGroup) kill() error {
	populated, err := g.populated()
	if err != nil {
		return err
	}
	if !populated {
		return os.ErrProcessDone
	}
	path := filepath.Join(g.dir, "cgroup.kill")
	if err := os.WriteFile(path, []byte("1"), 0); err != nil {
		return err
	}
	return nil
}

// release removes the directory. The group calls it once the cgroup is
// empty; a process that has ended is out of it even while it is a zombie.
// A sub-cgroup a member made is removed first, deepest first.
func (g *cgroupGroup) release() error {
	g.close()
	var dirs []string
	filepath.WalkDir(g.dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, path)
		}
		return nil
	})
	if len(dirs) == 0 {
		dirs = []string{g.dir}
	}
	var err error
	for i := len(dirs) - 1; i >= 0; i-- {
		err = rmdirCgroup(dirs[i])
	}
	return err
}

// rmdirCgroup removes an empty cgroup directory. The kernel may answer
// EBUSY for a moment after the last process left (it finishes the exit of
// a killed process asynchronously), so it tries for up to a second.
func rmdirCgroup(dir string) error {
	delay := time.Millisecond
	for deadline := time.Now().Add(time.Second); ; {
		err := unix.Rmdir(dir)
		if err == nil || err == syscall.ENOENT {
			return nil
		}
		if err != syscall.EBUSY || time.Now().After(deadline) {
			return &os.PathError{Op: "rmdir", Path: dir, Err: err}
		}
		time.Sleep(delay)
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// cgroup2Mount finds the cgroup v2 hierarchy in /proc/self/mountinfo: its
// mount point, and the cgroup path its root shows (not "/" where a
// container bind-mounts a sub-cgroup).
func cgroup2Mount() (mount, root string, err error) {
	info, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", "", err
	}
	for _, line := range strings.Split(string(info), "\n") {
		// ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS
		mine, theirs, ok := strings.Cut(line, " - ")
		if !ok || !strings.HasPrefix(theirs, "cgroup2 ") {
			continue
		}
		fields := strings.Fields(mine)
		if len(fields) < 5 {
			continue
		}
		return unescapeMountinfo(fields[4]), unescapeMountinfo(fields[3]), nil
	}
	return "", "", fmt.Errorf("no cgroup2 mount in /proc/self/mountinfo: %w", syscall.ENOENT)
}

// unescapeMountinfo undoes mountinfo's octal escapes (\040 for a space).
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// cgroupV2Path returns the cgroup v2 path of a process ("self" or a PID),
// the "0::" line of /proc/PROC/cgroup.
func cgroupV2Path(proc string) (string, error) {
	var buf [4096]byte
	file := "/proc/" + proc + "/cgroup"
	content, err := readSmallFile(file, buf[:])
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(content), "\n") {
		if path, ok := strings.CutPrefix(line, "0::"); ok {
			return path, nil
		}
	}
	return "", fmt.Errorf("no cgroup v2 line in %s: %w", file, syscall.ENOENT)
}
