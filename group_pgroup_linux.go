//go:build !procfd_posixpipe

package procfd

// The process-group mechanism, where no cgroup can be made: a group is a
// POSIX process group whose id is pinned by an anchor, a child of ours
// that leads the group and has exited, kept unreaped (csrc/anchor_linux.c).
// While its zombie stands, the kernel gives the id to no other process, so
// kill(-pgid) reaches members only, and a Start can always join.
//
// Emptiness is a look at /proc: a group is populated while a process whose
// process group is the group's has not ended. One scanner serves every
// group: it looks at SIGCHLD (where catching it takes it from nobody, as
// for the death watch) and every pgroupLookEvery while a group is
// populated, and wakes the groups whose answer changed.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

// pgroupLookEvery bounds how late a process group's end is seen when no
// SIGCHLD tells of it: the last member was not our child (a grandchild,
// reparented to init) or SIGCHLD is not procfd's to catch.
const pgroupLookEvery = 100 * time.Millisecond

type pgroupGroup struct {
	pgid      int // the anchor's pid
	subreaper bool
	changed   chan struct{} // one pending wake-up from the scanner
	gone      chan struct{} // closed by release

	mu sync.Mutex // held across a Start's spawn and its record, and across a reap
	// children: with subreaper, the children a Start put in the group,
	// until reaped: their handles, not the sweep, reap them.
	children map[int]bool
	// populatedSeen: what the group last learnt from populated; the
	// scanner wakes it when a look says otherwise.
	populatedSeen bool
}

func newPgroupGroup(subreaper bool) (*pgroupGroup, error) {
	if subreaper {
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			return nil, os.NewSyscallError("prctl PR_SET_CHILD_SUBREAPER", err)
		}
	}
	pgid, err := csrc.SpawnAnchor()
	if errors.Is(err, errors.ErrUnsupported) {
		return nil, &unsupportedError{"mechanism pgroup in a program built without cgo", nil}
	}
	if err != nil {
		if errors.Is(err, syscall.ECHILD) {
			return nil, fmt.Errorf("process group anchor: reaped by another reaper at once (SIGCHLD ignored?): %w", err)
		}
		return nil, os.NewSyscallError("process group anchor", err)
	}
	g := &pgroupGroup{
		pgid:      pgid,
		subreaper: subreaper,
		changed:   make(chan struct{}, 1),
		gone:      make(chan struct{}),
		children:  make(map[int]bool),
	}
	pgroups.add(g)
	return g, nil
}

// started records a child that a Start put in the group: its handle, not
// the subreaper's sweep, reaps it. Only the sweep asks, so only a
// subreaper group keeps the record. The caller holds g.mu since the spawn.
func (g *pgroupGroup) started(pid int) {
	if g.subreaper {
		g.children[pid] = true
	}
}

// populated looks, and records the answer as what the group now holds
// true: the group calls it only to learn its state, so the scanner wakes
// the group exactly when a look disagrees with what the group believes.
// Other looks (signal's) use scanPopulated, which records nothing.
func (g *pgroupGroup) populated() (bool, error) {
	populated, err := g.scanPopulated()
	if err != nil {
		return false, err
	}
	g.mu.Lock()
	wasEmpty := !g.populatedSeen
	g.populatedSeen = populated
	g.mu.Unlock()
	if populated && wasEmpty {
		pgroups.poke()
	}
	return populated, nil
}

// scanPopulated tells whether a member of the group has not ended.
func (g *pgroupGroup) scanPopulated() (bool, error) {
	populated := false
	err := scanProcs(func(p procStat) bool {
		if p.pgrp == g.pgid && p.state != 'Z' {
			populated = true
			return false
		}
		return true
	})
	return populated, err
}

func (g *pgroupGroup) awaitChange() error {
	select {
	case <-g.changed:
		return nil
	case <-g.gone:
		return ErrClosed
	}
}

func (g *pgroupGroup) pids() ([]int, error) {
	var pids []int
	err := scanProcs(func(p procStat) bool {
		if p.pgrp == g.pgid && p.state != 'Z' {
			pids = append(pids, p.pid)
		}
		return true
	})
	return pids, err
}

// signal signals the process group. Only members can have its id while
// the anchor stands; the anchor's zombie itself ignores the signal.
func (g *pgroupGroup) signal(sig syscall.Signal) error {
	populated, err := g.scanPopulated()
	if err != nil {
		return err
	}
	if !populated {
		return os.ErrProcessDone
	}
	if !g.anchorStands() {
		return fmt.Errorf("process group anchor: reaped by another reaper, so the group id may be reused: %w", syscall.ECHILD)
	}
	if err := unix.Kill(-g.pgid, sig); err != nil {
		if err == syscall.ESRCH {
			return os.ErrProcessDone
		}
		return os.NewSyscallError("kill", err)
	}
	// Members may be about to end: look soon rather than at the next
	// tick, since the ends of members that are not our children send us
	// no SIGCHLD.
	pgroups.hurry()
	return nil
}

// anchorStands reports whether the anchor's zombie is still unreaped.
func (g *pgroupGroup) anchorStands() bool {
	pid, _, err := csrc.Waitid(csrc.IdPid, g.pgid, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	return err == nil && pid == g.pgid
}

func (g *pgroupGroup) kill() error { return g.signal(syscall.SIGKILL) }

// release reaps the anchor, which frees the group's id.
func (g *pgroupGroup) release() error {
	pgroups.remove(g)
	close(g.gone)
	_, _, err := csrc.Waitid(csrc.IdPid, g.pgid, unix.WEXITED, nil)
	if err != nil && err != syscall.ECHILD {
		return os.NewSyscallError("waitid", err)
	}
	return nil
}

// pgroups is the scanner of every process-group group.
var pgroups pgroupScanner

type pgroupScanner struct {
	mu      sync.Mutex
	groups  map[*pgroupGroup]bool
	started bool
	wake    chan struct{} // cap 1: a group became populated, or SIGCHLD
	hurried chan struct{} // cap 1: a group was signalled
}

func (s *pgroupScanner) add(g *pgroupGroup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups == nil {
		s.groups = make(map[*pgroupGroup]bool)
		s.wake = make(chan struct{}, 1)
		s.hurried = make(chan struct{}, 1)
	}
	s.groups[g] = true
	if !s.started {
		s.started = true
		go s.run()
	}
}

func (s *pgroupScanner) remove(g *pgroupGroup) {
	s.mu.Lock()
	delete(s.groups, g)
	s.mu.Unlock()
}

func (s *pgroupScanner) poke() { notify(s.wake) }

// hurry makes the scanner look after 1 ms, then after a delay doubling up
// to pgroupLookEvery: a signalled group is likely to empty soon.
func (s *pgroupScanner) hurry() { notify(s.hurried) }

// run looks at the groups at each SIGCHLD, and every pgroupLookEvery while
// one is populated, for as long as the process runs; it is parked on a
// channel, not a thread, while none is.
func (s *pgroupScanner) run() {
	sigchld := make(chan os.Signal, 1)
	if !signal.Ignored(syscall.SIGCHLD) && sigchldFree() {
		signal.Notify(sigchld, syscall.SIGCHLD)
	}
	timer := time.NewTimer(pgroupLookEvery)
	defer timer.Stop()
	delay := pgroupLookEvery
	for {
		var tick <-chan time.Time
		if s.anyPopulated() {
			timer.Reset(delay)
			tick = timer.C
		}
		select {
		case <-tick:
			delay = min(2*delay, pgroupLookEvery)
		case <-s.hurried:
			delay = time.Millisecond
			continue
		case <-sigchld:
		case <-s.wake:
		}
		s.look()
	}
}

func (s *pgroupScanner) anyPopulated() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for g := range s.groups {
		g.mu.Lock()
		populated := g.populatedSeen
		g.mu.Unlock()
		if populated {
			return true
		}
	}
	return false
}

// look scans /proc once: it reaps the orphans a subreaper group adopted,
// and wakes each group that looks empty while it was last seen populated.
func (s *pgroupScanner) look() {
	s.mu.Lock()
	byPgid := make(map[int]*pgroupGroup, len(s.groups))
	for g := range s.groups {
		byPgid[g.pgid] = g
	}
	s.mu.Unlock()
	if len(byPgid) == 0 {
		return
	}
	self := os.Getpid()
	live := make(map[int]bool)
	var orphans []procStat
	if scanProcs(func(p procStat) bool {
		g := byPgid[p.pgrp]
		if g == nil {
			return true
		}
		if p.state != 'Z' {
			live[p.pgrp] = true
		} else if g.subreaper && p.ppid == self && p.pid != g.pgid {
			orphans = append(orphans, p)
		}
		return true
	}) != nil {
		return
	}
	for _, p := range orphans {
		byPgid[p.pgrp].reapOrphan(p.pid)
	}
	for _, g := range byPgid {
		if g.subreaper {
			g.forgetReaped()
		}
	}
	for pgid, g := range byPgid {
		g.mu.Lock()
		changed := g.populatedSeen != live[pgid]
		g.mu.Unlock()
		if changed {
			notify(g.changed)
		}
	}
}

// reapOrphan reaps pid, a zombie child of ours in the group, unless a
// Start put it there: that one is its handle's to reap.
func (g *pgroupGroup) reapOrphan(pid int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.children[pid] {
		return
	}
	csrc.Waitid(csrc.IdPid, pid, unix.WEXITED|unix.WNOHANG, nil)
}

// forgetReaped drops the record of the children that their handles have
// reaped, so that a long-lived group does not keep one per Start. Under
// g.mu, which a Start holds until it has recorded its child, so a child
// is never dropped before it is recorded.
func (g *pgroupGroup) forgetReaped() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for pid := range g.children {
		// ECHILD: no longer a child of ours, reaped. WNOWAIT reaps
		// nothing.
		if _, _, err := csrc.Waitid(csrc.IdPid, pid, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil); err == syscall.ECHILD {
			delete(g.children, pid)
		}
	}
}

// procStat is what the scanner reads of /proc/PID/stat.
type procStat struct {
	pid, ppid, pgrp int
	state           byte
}

// scanLooksMax bounds the listings of one scan. Each listing after the
// first reads only the processes born since the one before, so only a
// system that starts processes faster than a few can be read at a time
// runs out of it.
const scanLooksMax = 1000

// scanProcs calls f once for each process in /proc until f returns false.
// A process that ends before it is read is skipped.
//
// One listing of /proc is not a snapshot: a member listed may fork a
// child, which the listing missed, and exit before it is read, so the
// group would look empty while the child runs. So scanProcs lists again
// until a listing shows no process it has not read. Then a process that
// runs at the end was listed, and read, while it ran: it was born by the
// last listing, and the process group of a live process changes only by
// its own setpgid or setsid.
func scanProcs(f func(procStat) bool) error {
	read := make(map[int]bool)
	var buf [512]byte
	for range scanLooksMax {
		pids, err := listProcs()
		if err != nil {
			return err
		}
		fresh := false
		for _, pid := range pids {
			if read[pid] {
				continue
			}
			read[pid] = true
			fresh = true
			path := "/proc/" + strconv.Itoa(pid) + "/stat"
			stat, err := readSmallFile(path, buf[:])
			if isGone(err) || errors.Is(err, syscall.EACCES) {
				// Ended, or hidden by hidepid: a process of
				// another user, which cannot have been started
				// in a group of ours.
				continue
			}
			if err != nil {
				return err
			}
			p, ok := parseProcStat(pid, stat)
			if ok && !f(p) {
				return nil
			}
		}
		if !fresh {
			return nil
		}
	}
	return fmt.Errorf("/proc: processes were born throughout %d listings", scanLooksMax)
}

// listProcs lists the processes in /proc.
func listProcs() ([]int, error) {
	dir, err := os.Open("/proc")
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	pids := make([]int, 0, len(names))
	for _, name := range names {
		if pid, err := strconv.Atoi(name); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// parseProcStat reads "PID (COMM) STATE PPID PGRP ..."; COMM may hold
// spaces and parentheses, so the fields start after the last ')'.
func parseProcStat(pid int, stat []byte) (procStat, bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return procStat{}, false
	}
	fields := bytes.Fields(stat[i+1:])
	if len(fields) < 3 || len(fields[0]) != 1 {
		return procStat{}, false
	}
	ppid, err1 := strconv.Atoi(string(fields[1]))
	pgrp, err2 := strconv.Atoi(string(fields[2]))
	if err1 != nil || err2 != nil {
		return procStat{}, false
	}
	return procStat{pid: pid, ppid: ppid, pgrp: pgrp, state: fields[0][0]}, true
}
