//go:build freebsd && cgo

package procfd

// Groups on FreeBSD (mechanism reaper): procctl(2)'s reaper facility
// (csrc/reaper_freebsd.c). Written against FreeBSD's manual page and
// sources (sys/kern/kern_procctl.c, kern_exit.c, kern_proc.c); this
// project's CI neither builds nor runs it on FreeBSD.
//
// At the first NewGroup this process becomes a reaper, for good: every
// process forked since by a descendant of ours belongs to the subtree of the
// child of ours it descends from, named by that child's pid, and stays in
// it whatever it does (setsid, setpgid, a double fork: an orphan is
// reparented to us, not to init). A group is the set of subtrees rooted at
// the children Start put in it.
//
// Why a subtree's id can be trusted. The kernel reserves a subtree's id, as
// it does a process group's, until the last process of the subtree is
// reaped (kern_exit.c: reaper_clear; fork_findpid skips reserved ids), so
// while any process of it is left, zombies included, no new process takes
// that pid. That last reap is always procfd's: the root is reaped by its
// handle, and a process whose parent died was reparented to us and is
// reaped by the look below (a live process with a live parent is not the
// last). So each root leaves its group, under the watcher's lock, before
// the reap that frees its id: the look drops a subtree in which nothing
// lives before it reaps the zombies left, and a handle asks first
// (rootEnding) before it reaps a root.
//
// Emptiness. A group is populated while one of its subtrees holds a
// process that has not exited. The last live process of a subtree always
// ends as a child of ours: the root, on which the watcher holds an
// EVFILT_PROC/NOTE_EXIT note (it is our unreaped child, so its pid is
// stable), or an orphan, which sends us SIGCHLD (seen through EVFILT_SIGNAL,
// which takes the signal from nobody). So one goroutine, blocked in kevent
// on one kqueue for every group, looks (PROC_REAP_GETPIDS) at each of
// those, and every reaperLookEvery while a group is populated besides,
// should a note be missed (a note that cannot be registered, SIGCHLD set to
// SIG_IGN, which the kqueue then does not record).

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

// reaperLookEvery bounds how late a group's end is seen when no note or
// SIGCHLD tells of it.
const reaperLookEvery = 100 * time.Millisecond

func newGroup(attr *GroupAttr) (*Group, error) {
	fail := func(err error) (*Group, error) {
		return nil, fmt.Errorf("procfd: new group: %w", err)
	}
	switch attr.Mechanism {
	case "", MechanismReaper:
	case MechanismCgroup, MechanismProcessGroup, MechanismJob:
		return fail(&unsupportedError{"mechanism " + string(attr.Mechanism) + " on freebsd", nil})
	default:
		return fail(fmt.Errorf("unknown mechanism %q: %w", attr.Mechanism, syscall.EINVAL))
	}
	// Subreaper is moot: this mechanism makes the process a reaper anyway.
	if err := acquireReaper(); err != nil {
		return fail(os.NewSyscallError("procctl PROC_REAP_ACQUIRE", err))
	}
	flag, err := newPipeFlag()
	if err != nil {
		return fail(err)
	}
	sys, err := reapWatch.add()
	if err != nil {
		flag.close()
		return fail(err)
	}
	return newGroupOf(MechanismReaper, attr.KillOnClose, sys, flag), nil
}

// acquireReaper makes this process a reaper once; it stays one.
var acquireReaper = sync.OnceValue(csrc.ReapAcquire)

// fromProcess refuses: an os.Process holds no process descriptor on
// FreeBSD, and procdesc cannot make one for a process that exists.
func fromProcess(p *os.Process) (*Handle, error) {
	return nil, fmt.Errorf("procfd: from process: %w",
		&unsupportedError{"FromProcess on backend procdesc (FreeBSD makes a process descriptor only with its process)", nil})
}

// reaperGroup is one group's subtrees. Its fields but the channels are
// reapWatch.mu's.
type reaperGroup struct {
	roots         map[int]bool  // children started in the group whose subtree still lives
	populatedSeen bool          // as the last look found it
	changed       chan struct{} // one pending wake-up from the watcher
	gone          chan struct{} // closed by release
}

// started records pid, a child that a Start put in the group, as the root
// of one of its subtrees, and has the watcher note its exit. The group is
// locked (group.spawnIn) and the child is unreaped: its handle is not out
// yet.
func (g *reaperGroup) started(pid int) {
	w := &reapWatch
	w.mu.Lock()
	defer w.mu.Unlock()
	g.roots[pid] = true
	w.owner[pid] = g
	// A note that cannot be registered leaves the exit to the periodic
	// look. Two calls: kevent stops at the first change that fails.
	note := make([]unix.Kevent_t, 1)
	unix.SetKevent(&note[0], pid, unix.EVFILT_PROC, unix.EV_ADD|unix.EV_ONESHOT)
	note[0].Fflags = unix.NOTE_EXIT
	w.kevent(note)
	w.wake()
}

// wake has the watcher look, and so arm its timeout if it was parked
// without one.
func (w *reapWatcher) wake() {
	trigger := make([]unix.Kevent_t, 1)
	unix.SetKevent(&trigger[0], 0, unix.EVFILT_USER, 0)
	trigger[0].Fflags = unix.NOTE_TRIGGER
	w.kevent(trigger)
}

// rootEnding is called by the handle of pid, a root that has exited,
// before it reaps it: if nothing of its subtree lives on, the root leaves
// its group now, while its pid still cannot be reused.
func (g *reaperGroup) rootEnding(pid int) {
	w := &reapWatch
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.owner[pid] == g {
		w.lookLocked(pid)
	}
}

func (g *reaperGroup) populated() (bool, error) {
	w := &reapWatch
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.lookLocked(0); err != nil {
		return false, err
	}
	return len(g.roots) > 0, nil
}

func (g *reaperGroup) awaitChange() error {
	select {
	case <-g.changed:
		return nil
	case <-g.gone:
		return ErrClosed
	}
}

func (g *reaperGroup) pids() ([]int, error) {
	w := &reapWatch
	w.mu.Lock()
	defer w.mu.Unlock()
	live, err := w.lookLocked(0)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, p := range live {
		if w.owner[p.Subtree] == g {
			pids = append(pids, p.Pid)
		}
	}
	return pids, nil
}

// signal sends sig to each subtree of the group through PROC_REAP_KILL,
// which names no process by its pid. Signal 0, which procctl refuses,
// looks whether a process of the group lives.
func (g *reaperGroup) signal(sig syscall.Signal) error {
	w := &reapWatch
	w.mu.Lock()
	defer w.mu.Unlock()
	if sig == 0 {
		if _, err := w.lookLocked(0); err != nil {
			return err
		}
		if len(g.roots) == 0 {
			return os.ErrProcessDone
		}
		return nil
	}
	var signalled bool
	var firstErr error
	// Each root is reserved (see the top of the file) while it is here,
	// since w.mu keeps the look from dropping it meanwhile.
	for root := range g.roots {
		_, err := csrc.ReapKill(root, sig)
		switch {
		case err == nil:
			signalled = true
		case err == syscall.ESRCH: // zombies only, or gone
		case firstErr == nil:
			firstErr = os.NewSyscallError("procctl PROC_REAP_KILL", err)
		}
	}
	if signalled {
		return nil
	}
	if firstErr != nil {
		return firstErr
	}
	return os.ErrProcessDone
}

func (g *reaperGroup) kill() error { return g.signal(syscall.SIGKILL) }

// release forgets the group. The group calls it once it is empty, so no
// orphan of its subtrees is left for the look to reap.
func (g *reaperGroup) release() error {
	w := &reapWatch
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.groups, g)
	for root := range g.roots {
		delete(w.owner, root)
	}
	close(g.gone)
	return nil
}

// reapWatch is the watcher of every group.
var reapWatch reapWatcher

type reapWatcher struct {
	mu     sync.Mutex
	kq     int // -1 until the first group; then for the life of the process
	groups map[*reaperGroup]bool
	owner  map[int]*reaperGroup // subtree root -> its group
}

func init() { reapWatch.kq = -1 }

func (w *reapWatcher) add() (*reaperGroup, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.kq < 0 {
		kq, err := unix.Kqueue()
		if err != nil {
			return nil, os.NewSyscallError("kqueue", err)
		}
		unix.CloseOnExec(kq)
		change := make([]unix.Kevent_t, 2)
		unix.SetKevent(&change[0], int(syscall.SIGCHLD), unix.EVFILT_SIGNAL, unix.EV_ADD)
		unix.SetKevent(&change[1], 0, unix.EVFILT_USER, unix.EV_ADD|unix.EV_CLEAR)
		w.kq = kq
		if err := w.kevent(change); err != nil {
			unix.Close(kq)
			w.kq = -1
			return nil, os.NewSyscallError("kevent", err)
		}
		w.groups = make(map[*reaperGroup]bool)
		w.owner = make(map[int]*reaperGroup)
		go w.run()
	}
	g := &reaperGroup{
		roots:   make(map[int]bool),
		changed: make(chan struct{}, 1),
		gone:    make(chan struct{}),
	}
	w.groups[g] = true
	return g, nil
}

// kevent applies changes to the kqueue, EINTR retried.
func (w *reapWatcher) kevent(change []unix.Kevent_t) error {
	for {
		_, err := unix.Kevent(w.kq, change, nil, nil)
		if err != syscall.EINTR {
			return err
		}
	}
}

// run is the watcher's goroutine: kevent blocks it, and its thread, until a
// note fires, or for reaperLookEvery while a group is populated.
func (w *reapWatcher) run() {
	events := make([]unix.Kevent_t, 16)
	every := unix.NsecToTimespec(int64(reaperLookEvery))
	for {
		var timeout *unix.Timespec
		if w.anyPopulated() {
			timeout = &every
		}
		_, err := unix.Kevent(w.kq, nil, events, timeout)
		if err != nil && err != syscall.EINTR {
			// Nothing should fail a wait on a kqueue that is never
			// closed; do not spin if something does.
			time.Sleep(10 * time.Millisecond)
		}
		// Whatever woke us (a root's exit, SIGCHLD, a new root, the
		// timeout), one look answers it: events only say when.
		w.mu.Lock()
		w.lookLocked(0)
		w.mu.Unlock()
	}
}

func (w *reapWatcher) anyPopulated() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for g := range w.groups {
		if g.populatedSeen {
			return true
		}
	}
	return false
}

// lookLocked looks at every group once: it reaps the orphans of their
// subtrees that have exited, drops the subtrees in which nothing lives,
// and wakes each group whose answer changed. ending, if not 0, is a root
// that has exited, about to be reaped by its handle. It returns the live
// processes of every group's subtrees. A look that fails changes nothing.
func (w *reapWatcher) lookLocked(ending int) ([]csrc.ReapPid, error) {
	var live []csrc.ReapPid
	if len(w.owner) > 0 {
		all, err := csrc.ReapPids()
		if err != nil {
			return nil, os.NewSyscallError("procctl PROC_REAP_GETPIDS", err)
		}
		// Each process is judged from this one listing; a reap in
		// isLive that frees a subtree's id is followed by that
		// subtree's drop below, and a process that took the id since
		// is not in the listing.
		alive := make(map[int]bool) // subtree roots with a live process
		for _, p := range all {
			if w.owner[p.Subtree] == nil || !isLive(p, ending) {
				continue
			}
			alive[p.Subtree] = true
			live = append(live, p)
		}
		for root, g := range w.owner {
			if !alive[root] {
				delete(w.owner, root)
				delete(g.roots, root)
			}
		}
	}
	for g := range w.groups {
		if populated := len(g.roots) > 0; populated != g.populatedSeen {
			g.populatedSeen = populated
			notify(g.changed)
		}
	}
	return live, nil
}

// isLive tells whether p, a process of a group's subtree, has not exited;
// an orphan of ours that has is reaped here. ending is a root known to have
// exited.
func isLive(p csrc.ReapPid, ending int) bool {
	switch {
	case p.Flags&csrc.ReapZombie != 0 || p.Pid == ending:
		if p.Pid != p.Subtree && p.Flags&csrc.ReapChild != 0 {
			reapOrphan(p.Pid)
		}
		return false
	case p.Flags&csrc.ReapChild == 0:
		// Its parent is a live process of the subtree, or an exiting
		// one that has not yet handed its children to us: either way
		// the subtree lives.
		return true
	case p.Pid == p.Subtree:
		// A root: its handle's to reap, so only look.
		return !childExited(p.Pid, unix.WNOWAIT)
	default:
		// An orphan, reparented to us: ours to reap once it has exited.
		return !childExited(p.Pid, 0)
	}
}

// reapOrphan reaps pid, a child of ours that has exited and that no handle
// owns.
func reapOrphan(pid int) { childExited(pid, 0) }

// childExited looks whether pid, a child of ours, has exited, with
// wait4(WNOHANG) and extra options (WNOWAIT: look without reaping). A child
// that is gone (another reaper took it) counts as exited. The one risk is
// other code of this process reaping the orphan (a waitpid(-1) loop) and
// its pid going to a new child of ours between the listing and this wait4,
// which would then take that child's status if it has already exited.
func childExited(pid, options int) bool {
	var ws syscall.WaitStatus
	for {
		got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG|options, nil)
		switch {
		case err == syscall.EINTR:
			continue
		case errors.Is(err, syscall.ECHILD):
			return true
		case err != nil:
			return false // cannot tell: counts as live, looked at again later
		}
		return got == pid
	}
}

// pipeFlag is a group's emptyFlag: a pipe holding one byte while the group
// is empty, none while it is not. FreeBSD has eventfd only since 13.0, and
// a pipe polls the same in every event loop.
type pipeFlag struct{ r, w int }

func newPipeFlag() (*pipeFlag, error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return nil, os.NewSyscallError("pipe2", err)
	}
	return &pipeFlag{p[0], p[1]}, nil
}

// set and clear run only on a change, so the pipe never holds more than
// one byte: neither blocks, and neither fails but for EINTR.
func (f *pipeFlag) set() {
	one := []byte{1}
	for {
		if _, err := unix.Write(f.w, one); err != syscall.EINTR {
			return
		}
	}
}

func (f *pipeFlag) clear() {
	var b [1]byte
	for {
		if _, err := unix.Read(f.r, b[:]); err != syscall.EINTR {
			return
		}
	}
}

func (f *pipeFlag) fd() uintptr { return uintptr(f.r) }

func (f *pipeFlag) close() error {
	err := unix.Close(f.r)
	if werr := unix.Close(f.w); err == nil {
		err = werr
	}
	return err
}
