//go:build linux

// Package procstat reads from /proc what the suites check about processes:
// their state, parent, session and group, their descriptors, and this test
// process's own threads and memory.
package procstat

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Stat is the part of /proc/<pid>/stat the suites use.
type Stat struct {
	Pid     int
	Comm    string
	State   byte // R, S, D, Z, T, ...
	PPid    int
	Pgrp    int
	Session int
}

// ReadStat reads /proc/<pid>/stat. The error matches fs.ErrNotExist once
// the process has been reaped.
func ReadStat(pid int) (Stat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Stat{}, err
	}
	return parseStat(b)
}

// parseStat splits "pid (comm) state ppid pgrp session ...". comm may hold
// spaces and parentheses, so the fields after it are found from its last ')'.
func parseStat(b []byte) (Stat, error) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return Stat{}, fmt.Errorf("malformed stat %q", b)
	}
	var st Stat
	var err error
	if st.Pid, err = strconv.Atoi(strings.TrimSpace(string(b[:open]))); err != nil {
		return Stat{}, err
	}
	st.Comm = string(b[open+1 : end])
	f := strings.Fields(string(b[end+1:]))
	if len(f) < 4 || len(f[0]) != 1 {
		return Stat{}, fmt.Errorf("malformed stat %q", b)
	}
	st.State = f[0][0]
	for i, p := range []*int{&st.PPid, &st.Pgrp, &st.Session} {
		if *p, err = strconv.Atoi(f[i+1]); err != nil {
			return Stat{}, err
		}
	}
	return st, nil
}

// IsChild reports whether pid is a child of this process, a zombie
// included. It is false once the child is reaped, even when its number has
// gone to a thread of this process at once: /proc/<tid> exists for every
// thread, and the runtime may start one at any moment.
func IsChild(pid int) bool {
	st, err := ReadStat(pid)
	return err == nil && st.PPid == os.Getpid()
}

// IsZombie reports whether pid has exited and waits to be reaped.
func IsZombie(pid int) bool {
	st, err := ReadStat(pid)
	return err == nil && st.State == 'Z'
}

// Children returns the pids of the processes whose parent is ppid, in
// every state, zombies included, in increasing order.
func Children(ppid int) []int {
	return scan(func(st Stat) bool { return st.PPid == ppid })
}

// ZombieChildren returns the pids of ppid's children that have exited and
// wait to be reaped.
func ZombieChildren(ppid int) []int {
	return scan(func(st Stat) bool { return st.PPid == ppid && st.State == 'Z' })
}

func scan(keep func(Stat) bool) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		panic(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := ReadStat(pid)
		if err != nil {
			continue // gone while we looked
		}
		if keep(st) {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids
}

// FDs returns the descriptors pid holds, in increasing order, each with
// what it refers to ("pipe:[123]", "/dev/null", "anon_inode:[pidfd]").
func FDs(pid int) (map[int]string, error) {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fds := make(map[int]string, len(entries))
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // closed while we looked
		}
		fds[fd] = target
	}
	return fds, nil
}

// OpenFDs returns how many descriptors this process holds. Reading the
// directory takes one descriptor itself, the same on every call.
func OpenFDs() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		panic(err)
	}
	return len(entries)
}

// SelfStatus returns the value of one "Name:\tvalue" line of
// /proc/self/status.
func SelfStatus(name string) string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == name {
			return strings.TrimSpace(v)
		}
	}
	panic("no " + name + " in /proc/self/status")
}

// Threads returns the number of OS threads of this process.
func Threads() int {
	n, err := strconv.Atoi(SelfStatus("Threads"))
	if err != nil {
		panic(err)
	}
	return n
}

// RSSKiB returns this process's resident memory (VmRSS) in KiB.
func RSSKiB() int {
	n, err := strconv.Atoi(strings.TrimSuffix(SelfStatus("VmRSS"), " kB"))
	if err != nil {
		panic(err)
	}
	return n
}

// Ignored reports whether this process's disposition of sig is SIG_IGN,
// as the kernel sees it (the SigIgn mask), whatever Go's signal package
// believes.
func Ignored(sig syscall.Signal) bool {
	mask, err := strconv.ParseUint(SelfStatus("SigIgn"), 16, 64)
	if err != nil {
		panic(err)
	}
	return mask&(1<<(uint(sig)-1)) != 0
}
