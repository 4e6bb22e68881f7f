//go:build !procfd_posixpipe

package procfd

// The death watch makes the pipe backend's descriptor exact. For each
// child it holds the death pipe's read end in an epoll set of its own, and
// once the child is known to have ended, a zombie or reaped by someone
// else, it tells the handle and writes the handle's eventfd (if the handle
// made one), which stays readable from then on.
// "Known" always means waitid(P_PID, WNOWAIT) said so: that reaps nothing,
// and the PID is ours to ask about until procfd reaps it.
//
// Where the handle has a pidfd for the child (pidfd_open works), the watch
// waits on the pidfd rather than on the pipe, and asks waitid through it.
//
// What makes it look at a child:
//   - its pidfd turning readable, or its death pipe reaching EOF;
//   - SIGCHLD, if procfd may catch it: every live child without a pidfd is
//     looked at, which covers a grandchild that holds the pipe past the
//     child's end;
//   - a back-off, 1 ms doubling to pipeRecheckAfterEOF, for a child whose
//     pipe is at EOF but which runs on (it closed its descriptors, or EOF
//     came a moment before the exit);
//   - every pipeRecheckMax, every live child without a pidfd, while SIGCHLD
//     is not procfd's to catch (see sigchldFree).
//
// One goroutine serves every handle: it parks on the epoll descriptor,
// itself registered with the runtime poller, so it holds no thread.

import (
	"encoding/binary"
	"errors"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

var deaths deathWatch

type deathWatch struct {
	mu      sync.Mutex
	started bool
	epoll   polledFD
	// sigchld: procfd catches SIGCHLD, and each one is a look at every
	// child of pipeLive. Decided (sigchldDecided) when the first child
	// without a pidfd is watched: children with one never need it, and a
	// signal caught per child's end would only cost every spawn wakeups.
	sigchld        bool
	sigchldDecided bool

	// pipeLive: not known to have ended, and without a pidfd, so that
	// only a look can say so: SIGCHLD and the periodic look visit these.
	// A child with a pidfd is exact through the epoll set alone, and
	// costs a SIGCHLD pass nothing.
	pipeLive map[*deathEntry]struct{}
	byFd     map[int]*deathEntry      // by watched descriptor, while it is in the epoll set
	afterEOF map[*deathEntry]struct{} // live, but soon to end: its pipe is at EOF, its pidfd readable, or it was killed

	eofDelay time.Duration // the back-off for afterEOF
	eofNext  time.Time     // the next look at afterEOF
	allNext  time.Time     // without SIGCHLD: the next look at pipeLive
	armed    time.Time     // the epoll descriptor's read deadline
}

type deathEntry struct {
	pid     int
	watched int           // in the epoll set: the pipe's read end, or the pidfd; -1 once done
	pidfd   int           // the child's pidfd (its handle's), or -1: then the pipe is watched
	notify  int           // the handle's eventfd, if it made one, until released; -1 otherwise
	ended   bool          // the child has ended, or the handle was released
	endedCh chan struct{} // closed when ended is set
}

// watch starts watching child pid. It takes ownership of readEnd, closing
// it on failure. Where the handle has a pidfd for the child, the watch
// waits on that instead, which is exact, and closes the pipe at once: one
// descriptor per running child, and no PID to confuse once another reaper
// took the child. The pidfd stays the handle's, closed only after unwatch.
func (w *deathWatch) watch(pid, readEnd, pidfd int) (*deathEntry, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.started {
		// Not marked started on failure: the next spawn tries again.
		if err := w.startLocked(); err != nil {
			unix.Close(readEnd)
			return nil, err
		}
	}
	watched := readEnd
	if pidfd >= 0 {
		unix.Close(readEnd)
		watched = pidfd
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(watched)}
	if err := unix.EpollCtl(w.epoll.rawfd, unix.EPOLL_CTL_ADD, watched, &ev); err != nil {
		if pidfd < 0 {
			unix.Close(readEnd)
		}
		return nil, os.NewSyscallError("epoll_ctl", err)
	}
	e := &deathEntry{pid: pid, watched: watched, pidfd: pidfd, notify: -1, endedCh: make(chan struct{})}
	w.byFd[watched] = e
	// A SIGCHLD before now found nobody to look (or was not caught at
	// all): look once. A pidfd needs no look: one already readable is
	// reported by the epoll set.
	if pidfd < 0 {
		if !w.sigchldDecided {
			w.catchSigchldLocked()
		}
		w.pipeLive[e] = struct{}{}
		w.lookLocked(e)
	}
	w.armLocked()
	return e, nil
}

func (w *deathWatch) startLocked() error {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return os.NewSyscallError("epoll_create1", err)
	}
	if err := unix.SetNonblock(epfd, true); err != nil {
		unix.Close(epfd)
		return os.NewSyscallError("fcntl", err)
	}
	if err = w.epoll.open(epfd, "procfd-deathwatch"); err != nil {
		return err
	}
	w.pipeLive = make(map[*deathEntry]struct{})
	w.byFd = make(map[int]*deathEntry)
	w.afterEOF = make(map[*deathEntry]struct{})
	w.started = true
	go w.run()
	return nil
}

// catchSigchldLocked decides, once, whether SIGCHLD is procfd's to catch,
// and starts catching it if so; otherwise the periodic look stands in.
func (w *deathWatch) catchSigchldLocked() {
	w.sigchldDecided = true
	w.sigchld = !signal.Ignored(syscall.SIGCHLD) && sigchldFree()
	if w.sigchld {
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGCHLD)
		go w.onSigchld(sigs)
	}
}

// sigchldFree reports whether catching SIGCHLD takes it from nobody: no
// handler is installed, or only the Go runtime's. The runtime does not pass
// a signal that os/signal catches on to the handler it replaced, so procfd
// leaves SIGCHLD alone while the process ignores it (the kernel then reaps
// children itself and sends nothing, and the code beside procfd relies on
// that), and while other code has a handler for it (a C host of
// libprocfd.so, or C code in a Go program), whose handler must go on
// running.
func sigchldFree() bool {
	switch csrc.SigchldOwnerNow() {
	case csrc.SigchldNobody, csrc.SigchldRuntime:
		return true
	}
	return false
}

// ended marks e's child as ended, if the watch has not yet: its handle has
// reaped it, or found it reaped by someone else.
func (w *deathWatch) ended(e *deathEntry) {
	w.mu.Lock()
	if !e.ended {
		w.endLocked(e)
	}
	w.mu.Unlock()
}

// notifyOn has eventfd written once e's child has ended: at once if it has.
// The caller keeps the eventfd, and closes it only after unwatch.
func (w *deathWatch) notifyOn(e *deathEntry, eventfd int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if e.ended {
		writeEventfd(eventfd)
		return
	}
	e.notify = eventfd
}

// killed has the watch look at e's child on its short back-off: the child
// was sent SIGKILL, so its end is near, and KillOnClose's Close waits for
// it. Without it, a child whose pipe a grandchild holds would be seen only
// at SIGCHLD, or at the once-a-second look when SIGCHLD is not procfd's.
func (w *deathWatch) killed(e *deathEntry) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !e.ended {
		w.lookSoonLocked(e)
		w.armLocked()
	}
}

// lookSoonLocked puts e on the short back-off, restarted at 1 ms.
func (w *deathWatch) lookSoonLocked(e *deathEntry) {
	w.afterEOF[e] = struct{}{}
	w.eofDelay = time.Millisecond
	w.eofNext = time.Now().Add(w.eofDelay)
}

// unwatch forgets e; after it the watch never touches e's eventfd.
func (w *deathWatch) unwatch(e *deathEntry) {
	w.mu.Lock()
	e.notify = -1
	w.endLocked(e)
	w.mu.Unlock()
}

func (w *deathWatch) run() {
	events := make([]unix.EpollEvent, 64)
	for {
		n := 0
		err := w.epoll.conn.Read(func(fd uintptr) bool {
			var err error
			for {
				n, err = unix.EpollWait(int(fd), events, 0)
				if err != syscall.EINTR {
					break
				}
			}
			// EpollWait on our own epoll set fails with nothing
			// but EINTR; anything else waits for the next event.
			if err != nil {
				n = 0
			}
			return n > 0
		})
		w.mu.Lock()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			// A deadline in the past fails every Read: clear it,
			// and armLocked sets the next.
			w.epoll.file.SetReadDeadline(time.Time{})
			w.armed = time.Time{}
		}
		for _, ev := range events[:n] {
			if e := w.byFd[int(ev.Fd)]; e != nil {
				w.lookLocked(e)
			}
		}
		w.lookDueLocked(time.Now())
		w.armLocked()
		w.mu.Unlock()
	}
}

func (w *deathWatch) onSigchld(sigs <-chan os.Signal) {
	// SIGCHLD coalesces while a pass runs, so passes never pile up.
	for range sigs {
		w.mu.Lock()
		for e := range w.pipeLive {
			w.lookLocked(e)
		}
		w.armLocked()
		w.mu.Unlock()
	}
}

// lookDueLocked runs the back-off looks that are due.
func (w *deathWatch) lookDueLocked(now time.Time) {
	if len(w.afterEOF) > 0 && !now.Before(w.eofNext) {
		for e := range w.afterEOF {
			w.lookLocked(e)
		}
		w.eofDelay = min(2*w.eofDelay, pipeRecheckAfterEOF)
		w.eofNext = now.Add(w.eofDelay)
	}
	if !w.sigchld && len(w.pipeLive) > 0 && !now.Before(w.allNext) {
		for e := range w.pipeLive {
			w.lookLocked(e)
		}
		w.allNext = now.Add(pipeRecheckMax)
	}
}

// armLocked sets the epoll descriptor's read deadline to the next look
// that is due, so that run wakes for it.
func (w *deathWatch) armLocked() {
	var next time.Time
	if len(w.afterEOF) > 0 {
		next = w.eofNext
	}
	if !w.sigchld && len(w.pipeLive) > 0 {
		if w.allNext.IsZero() {
			w.allNext = time.Now().Add(pipeRecheckMax)
		}
		if next.IsZero() || w.allNext.Before(next) {
			next = w.allNext
		}
	}
	if !next.Equal(w.armed) {
		w.armed = next
		w.epoll.file.SetReadDeadline(next)
	}
}

// lookLocked checks whether e's child has ended, and ends e if so.
func (w *deathWatch) lookLocked(e *deathEntry) {
	if e.ended {
		return
	}
	if e.watched >= 0 && w.watchedSaysEnded(e) {
		w.unwatchFdLocked(e)
		w.lookSoonLocked(e)
	}
	pid, _, err := waitChild(e.pid, e.pidfd, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	if err == nil && pid == 0 {
		return // runs on
	}
	// A zombie; or ECHILD, reaped by someone else; or an error that the
	// handle's own reap will meet and report. In each case the handle
	// has its answer now.
	w.endLocked(e)
}

// endLocked stops watching e, tells its handle, and, unless it was
// released, makes its eventfd readable for good.
func (w *deathWatch) endLocked(e *deathEntry) {
	if !e.ended {
		e.ended = true
		close(e.endedCh)
	}
	w.unwatchFdLocked(e)
	delete(w.pipeLive, e)
	delete(w.afterEOF, e)
	if e.notify >= 0 {
		writeEventfd(e.notify)
		e.notify = -1
	}
}

// newEventfd makes the eventfd a user polls: unreadable until written.
func newEventfd() (int, error) {
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return -1, os.NewSyscallError("eventfd", err)
	}
	return efd, nil
}

// writeEventfd makes fd readable until it is read: for a handle, for good
// (nothing reads it); a group's flag reads it when the group fills.
func writeEventfd(fd int) {
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	// Cannot fail but for EINTR: a counter written once is far below
	// its limit.
	for {
		if _, err := unix.Write(fd, one[:]); err != syscall.EINTR {
			return
		}
	}
}

// watchedSaysEnded reports whether e's watched descriptor says the child
// may have ended: the pidfd readable, or the pipe at EOF. Either is then
// taken out of the epoll set, since it stays so, and waitid decides.
func (w *deathWatch) watchedSaysEnded(e *deathEntry) bool {
	if e.pidfd >= 0 {
		return pollReadable(e.watched)
	}
	return pipeAtEOF(e.watched)
}

func (w *deathWatch) unwatchFdLocked(e *deathEntry) {
	if e.watched < 0 {
		return
	}
	// Cannot fail: the descriptor is in the set. Closing the pipe would
	// take it out too, unless a fork elsewhere holds a copy.
	unix.EpollCtl(w.epoll.rawfd, unix.EPOLL_CTL_DEL, e.watched, nil)
	delete(w.byFd, e.watched)
	if e.pidfd < 0 {
		unix.Close(e.watched)
	}
	e.watched = -1
}
