package procfd

// The death-pipe backend (the forkfd idea): the child alone holds the write
// end of a pipe, and the parent polls the read end, which reaches EOF when
// every process holding the write end has ended. EOF is only a hint: it is
// confirmed with waitid on the PID, which is safe because the PID stays ours
// until we reap it.
//
// EOF can mislead in two ways, and SIGCHLD covers both:
//   - a child that closes all its descriptors and runs on gives EOF early:
//     waitid says it still runs, so we keep waiting;
//   - a grandchild that inherited the write end and outlives the child
//     delays EOF: the child's SIGCHLD makes us look anyway.
// One goroutine watches SIGCHLD for all pipe handles (see sigchldWatch).

import (
	"errors"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

// The longest pause between two waitid calls after EOF, while waiting for
// a child that closed its pipe but still runs. SIGCHLD ends the wait at
// once; this poll is what remains if SIGCHLD is ignored or lost.
const pipeRecheckMax = 100 * time.Millisecond

type pipeHandle struct {
	polledFD
	pid int
}

func newPipeHandle(readEnd, pid int) (*pipeHandle, error) {
	p, err := newPolledFD(readEnd, "deathpipe:"+strconv.Itoa(pid))
	return &pipeHandle{polledFD: p, pid: pid}, err
}

// reap looks once, without blocking, for the child's exit and reaps it.
// Called through h.tryFinish, so with h.mu held.
func (p *pipeHandle) reap() (*Status, error, bool) {
	pid, ws, ru, err := csrc.Waitid(csrc.IdPid, p.pid, unix.WEXITED|unix.WNOHANG)
	switch {
	case err == syscall.ECHILD:
		return nil, ErrStatusLost, true
	case err != nil:
		return nil, waitError(p.pid, "waitid", err), true
	case pid == 0:
		return nil, nil, false
	}
	return statusFromWait(pid, ws, ru), nil, true
}

func (p *pipeHandle) reapNow(h *handle) bool {
	if !h.tryFinish(p.reap) {
		return false
	}
	// Wake the collector, which may sit on a pipe a grandchild holds.
	p.file.SetReadDeadline(time.Now())
	return true
}

func (p *pipeHandle) await(h *handle) {
	watched := sigchldWatch.add(h, p)
	defer sigchldWatch.remove(h)
	// A SIGCHLD that came before add found nobody to look: look once now.
	if h.tryFinish(p.reap) {
		return
	}
	var buf [64]byte
	delay := time.Millisecond
	for !h.isFinished() {
		if !watched {
			// No SIGCHLD to wake us if a grandchild holds the pipe:
			// look again after a back-off instead.
			p.file.SetReadDeadline(time.Now().Add(delay))
			delay = min(2*delay, pipeRecheckMax)
		}
		eof := false
		err := p.conn.Read(func(fd uintptr) bool {
			for {
				n, err := unix.Read(int(fd), buf[:])
				switch {
				case n > 0: // someone wrote to it: not our protocol, drop it
					continue
				case err == syscall.EINTR:
					continue
				case err == syscall.EAGAIN:
					return false
				}
				eof = true // EOF, or an error that no wait will cure
				return true
			}
		})
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			// sigchldWatch finished h and woke us, or the back-off
			// ran out: look, and the loop checks.
			p.file.SetReadDeadline(time.Time{})
			h.tryFinish(p.reap)
		case err != nil:
			h.finish(nil, ErrClosed)
			return
		case eof:
			p.recheckUntilReaped(h)
			return
		}
	}
}

// recheckUntilReaped runs after EOF: the child is gone or going, or it closed
// its end and runs on. SIGCHLD usually finishes h first.
func (p *pipeHandle) recheckUntilReaped(h *handle) {
	for delay := time.Millisecond; !h.tryFinish(p.reap); delay = min(2*delay, pipeRecheckMax) {
		t := time.NewTimer(delay)
		select {
		case <-h.done:
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func (p *pipeHandle) signal(h *handle, sig syscall.Signal) error {
	// procfd has not reaped the PID (h is not finished, and reaping takes
	// h.mu), but other code may have, and then the PID may already name
	// another process: ask the kernel whether it is still our child.
	pid, _, _, err := csrc.Waitid(csrc.IdPid, p.pid, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT)
	switch {
	case err == syscall.ECHILD:
		h.finishLocked(nil, ErrStatusLost)
		p.file.SetReadDeadline(time.Now()) // wake the collector, if any
		return os.ErrProcessDone
	case err != nil:
		return os.NewSyscallError("waitid", err)
	case pid != 0: // a zombie: exited, not yet reaped
		return os.ErrProcessDone
	}
	if err := unix.Kill(p.pid, sig); err != nil {
		if err == syscall.ESRCH {
			return os.ErrProcessDone
		}
		return os.NewSyscallError("kill", err)
	}
	return nil
}

// sigchldWatch reaps, on every SIGCHLD, the pipe handles that are being
// waited for.
var sigchldWatch = &childWatch{waiting: make(map[*handle]*pipeHandle)}

// childWatch is one goroutine, started on first use, that receives SIGCHLD
// and tries to reap every waiting pipe handle. Each SIGCHLD costs one
// waitid(WNOHANG) per waiting handle; SIGCHLD coalesces while a pass runs,
// so passes never pile up. It only ever waits for its own handles' PIDs, so
// children that other code owns are left alone.
type childWatch struct {
	mu      sync.Mutex
	started bool
	waiting map[*handle]*pipeHandle
}

// add registers h and reports whether SIGCHLD is being watched. It is
// watched only if that takes the signal from nobody, since the Go runtime
// does not pass a signal that os/signal catches on to the handler it
// replaced. So it is not while the process ignores SIGCHLD (the kernel then
// reaps children itself and sends no signal, and the code beside procfd
// relies on that), nor while other code in the process has a handler for it
// (a C host of libprocfd.so, or C code in a Go program), whose handler must
// go on running. The handles then fall back on polling waitid.
func (w *childWatch) add(h *handle, p *pipeHandle) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.started && !signal.Ignored(syscall.SIGCHLD) && sigchldFree() {
		w.started = true
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGCHLD)
		go w.run(sigs)
	}
	w.waiting[h] = p
	return w.started
}

// sigchldFree reports whether catching SIGCHLD takes it from nobody: no
// handler is installed, or only the Go runtime's.
func sigchldFree() bool {
	switch csrc.SigchldOwnerNow() {
	case csrc.SigchldNobody, csrc.SigchldRuntime:
		return true
	}
	return false
}

func (w *childWatch) remove(h *handle) {
	w.mu.Lock()
	delete(w.waiting, h)
	w.mu.Unlock()
}

func (w *childWatch) run(sigs <-chan os.Signal) {
	type entry struct {
		h *handle
		p *pipeHandle
	}
	var pass []entry
	for range sigs {
		w.mu.Lock()
		pass = pass[:0]
		for h, p := range w.waiting {
			pass = append(pass, entry{h, p})
		}
		w.mu.Unlock()
		for _, e := range pass {
			if e.h.tryFinish(e.p.reap) {
				// Wake its collector, which may sit on a pipe
				// that a grandchild holds open.
				e.p.file.SetReadDeadline(time.Now())
			}
		}
	}
}
