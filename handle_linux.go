//go:build !procfd_posixpipe

package procfd

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

// Kernel versions behind the Linux backends:
//
//	5.2   clone with CLONE_PIDFD
//	5.3   pidfd_open, clone3, pidfd polling
//	5.4   waitid(P_PIDFD): from here on the pidfd backend works
//	5.10  PIDFD_NONBLOCK
//	6.15  PIDFD_GET_INFO with PIDFD_INFO_EXIT: statuses survive other reapers
//
// The probe tests the calls themselves rather than the version, since
// seccomp policies and emulators (qemu-user) hide calls newer kernels have.

// pidfdProbe holds the pidfd probe's answer once it is definite.
var pidfdProbe struct {
	mu   sync.Mutex  // held while probing: concurrent first uses probe once
	done atomic.Bool // set after err: a reader that sees it sees err
	err  error
}

// pidfdUnavailable is nil if the pidfd backend works here, and otherwise
// the error of the first call that failed. A definite answer is probed once
// and cached; a transient failure (see transientProbeError) is returned but
// not cached, so that the next call probes again: a full descriptor table
// at the first use must not decide the backend for the life of the process.
func pidfdUnavailable() error {
	if pidfdProbe.done.Load() {
		return pidfdProbe.err
	}
	pidfdProbe.mu.Lock()
	defer pidfdProbe.mu.Unlock()
	if pidfdProbe.done.Load() {
		return pidfdProbe.err
	}
	err := csrc.ProbePidfd()
	if transientProbeError(err) {
		return err
	}
	pidfdProbe.err = err
	pidfdProbe.done.Store(true)
	return err
}

// transientProbeError reports whether the probe failed for want of a
// resource that may be there next time (descriptors, memory, processes)
// rather than for want of the calls themselves (ENOSYS, EPERM, EINVAL).
func transientProbeError(err error) bool {
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOMEM, syscall.EAGAIN} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// clonePidfds is what pipe-backend spawns have learned of clone here: 1, it
// returns a pidfd with the child; -1, it refuses or ignores CLONE_PIDFD (a
// kernel before 5.2, qemu-user, a seccomp policy), so later spawns stop
// asking; 0, no such spawn has run yet. Racing spawns learn the same.
var clonePidfds atomic.Int32

// learnClonePidfds records what a pipe-backend spawn that asked clone for a
// pidfd got.
func learnClonePidfds(gotPidfd bool) {
	if gotPidfd {
		clonePidfds.Store(1)
	} else {
		clonePidfds.Store(-1)
	}
}

func defaultBackend() Backend {
	if b := Backend(os.Getenv(backendEnv)); b != "" && checkBackend(b) == nil {
		return b
	}
	if pidfdUnavailable() == nil {
		return BackendPidfd
	}
	return BackendPipe
}

func checkBackend(b Backend) error {
	switch b {
	case BackendPipe:
		return nil
	case BackendPidfd:
		if err := pidfdUnavailable(); transientProbeError(err) {
			// Not "unsupported": the probe could not tell, and
			// will probe again at the next call.
			return fmt.Errorf("backend %s: probe: %w", b, err)
		} else if err != nil {
			return &unsupportedError{"backend " + string(b), err}
		}
		return nil
	case BackendProcdesc, BackendHandle:
		return &unsupportedError{"backend " + string(b) + " on " + runtime.GOOS, nil}
	}
	return fmt.Errorf("unknown backend %q: %w", b, syscall.EINVAL)
}

func start(path string, argv []string, attr *Attr) (*Handle, error) {
	fail := func(err error) (*Handle, error) {
		return nil, &os.PathError{Op: "procfd: start", Path: path, Err: err}
	}
	backend, err := resolveBackend(attr.Backend)
	if err != nil {
		return fail(err)
	}
	if err := checkStartArgs(path, argv, attr); err != nil {
		return fail(err)
	}
	child, err := spawnPlaced(attr, func(place placement) (spawned, error) {
		return spawn(backend, path, argv, attr, place)
	})
	if err != nil {
		return fail(err)
	}
	var sys process
	if backend == BackendPidfd {
		sys, err = newPidfdProcess(child.fd, child.pid)
	} else {
		sys, err = newPipeProcess(child.fd, child.pid, child.pidfd, child.gone)
	}
	if err != nil {
		// The child runs but cannot be awaited (the descriptor is
		// already closed): stop it rather than lose it.
		killUnwatched(child.pid)
		return fail(err)
	}
	return newHandle(child.pid, backend, true, attr.KillOnClose, sys), nil
}

// spawned is a child that spawn started: the handle's descriptor (the
// pidfd, or the death pipe's read end), non-blocking and close-on-exec; for
// a death pipe, the child's pidfd (-1 where there is none), and gone if
// other code reaped the child before one could be opened.
type spawned struct {
	pid, fd, pidfd int
	gone           bool
}

// killUnwatched kills and reaps pid, a child of ours that nothing watches
// or will reap: it must not be left behind as a process or a zombie.
func killUnwatched(pid int) {
	unix.Kill(pid, syscall.SIGKILL)
	csrc.Waitid(csrc.IdPid, pid, unix.WEXITED, nil)
}

// maxPid is the largest pid Open takes: a pid_t, a C int, as the C ABI
// takes it. The kernel's PIDs stay far below (PID_MAX_LIMIT, 2^22); a pid
// above it that fits a pid_t gets ESRCH from pidfd_open, and a larger one
// EINVAL here rather than be truncated to another process's pid.
const maxPid = math.MaxInt32

func open(pid int) (*Handle, error) {
	fail := func(err error) (*Handle, error) {
		return nil, fmt.Errorf("procfd: open pid %d: %w", pid, err)
	}
	if pid <= 0 || pid > maxPid {
		return fail(syscall.EINVAL)
	}
	backend, err := resolveBackend("")
	if err != nil {
		return fail(err)
	}
	if backend != BackendPidfd {
		return fail(&unsupportedError{"Open on backend " + string(backend), nil})
	}
	fd, err := csrc.PidfdOpen(pid)
	if err != nil {
		return fail(os.NewSyscallError("pidfd_open", err))
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return fail(os.NewSyscallError("fcntl", err))
	}
	sys, err := newPidfdProcess(fd, pid)
	if err != nil {
		return fail(err)
	}
	return newHandle(pid, backend, false, false, sys), nil
}

func fromProcess(p *os.Process) (*Handle, error) {
	return adoptProcess(p, BackendPidfd, "pidfd", adoptPidfd)
}

// adoptPidfd makes the pidfd backend's process from a duplicate of the
// pidfd that os.Process lends.
func adoptPidfd(pidfd uintptr, pid int) (process, error) {
	fd, err := unix.FcntlInt(pidfd, unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("fcntl F_DUPFD_CLOEXEC", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, os.NewSyscallError("fcntl", err)
	}
	return newPidfdProcess(fd, pid)
}
