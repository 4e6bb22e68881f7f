package procfd

// The handle backend (Windows): the process HANDLE is the handle. It is
// signalled once the process has ended and stays so; the exit code stays
// readable through it whoever started the process, so every handle, Open's
// too, gets the true status, and no status is ever lost.
//
// Waiting holds no thread per process: the wait pool (waitpool_windows.go)
// waits for 63 at a time.

import (
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/windows"
)

// terminatedExitCode is the exit code Kill gives a process, as
// os.Process.Kill does on Windows.
const terminatedExitCode = 1

type handleProcess struct {
	pid  int
	proc windows.Handle
	job  windows.Handle // KillOnClose's job object, or 0
	wait *poolEntry

	mu       sync.Mutex
	released bool // release has begun: proc may be closed at any moment
}

// newHandleProcess takes ownership of proc and job (0: none). On failure
// it terminates the process if it is our child, which nothing could
// await, and closes both.
func newHandleProcess(proc, job windows.Handle, pid int, child bool) (*handleProcess, error) {
	p := &handleProcess{pid: pid, proc: proc, job: job}
	var err error
	if p.wait, err = poolAdd(proc); err != nil {
		if child {
			windows.TerminateProcess(proc, terminatedExitCode)
		}
		p.closeHandles()
		return nil, err
	}
	return p, nil
}

// awaitExit parks on one channel, which the pool closes when the process
// ends or release takes it out of the pool.
func (p *handleProcess) awaitExit() error {
	<-p.wait.ended
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.released {
		return ErrClosed
	}
	return nil
}

func (p *handleProcess) reap() (exitState, *Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.released {
		return running, nil, ErrClosed
	}
	if ended, err := signalled(p.proc); err != nil || !ended {
		return running, nil, err
	}
	var code uint32
	if err := windows.GetExitCodeProcess(p.proc, &code); err != nil {
		return running, nil, os.NewSyscallError("GetExitCodeProcess", err)
	}
	st := &Status{Pid: p.pid, ExitCode: int(code)}
	var ru syscall.Rusage
	var created, exitTime, kernel, user windows.Filetime
	if windows.GetProcessTimes(p.proc, &created, &exitTime, &kernel, &user) == nil {
		ru.CreationTime = syscall.Filetime(created)
		ru.ExitTime = syscall.Filetime(exitTime)
		ru.KernelTime = syscall.Filetime(kernel)
		ru.UserTime = syscall.Filetime(user)
		st.Rusage = &ru
	}
	return exited, st, nil
}

// signal terminates the process for SIGKILL (exit code 1), and tells
// whether it runs for 0. Windows has no other signals to send a process.
func (p *handleProcess) signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.released {
		return ErrClosed
	}
	ended, err := signalled(p.proc)
	switch {
	case err != nil:
		return err
	case ended:
		return os.ErrProcessDone
	case sig == 0:
		return nil
	case sig != syscall.SIGKILL:
		return &unsupportedError{"signal " + sig.String() + " on windows (only os.Kill, which terminates)", nil}
	}
	if err := windows.TerminateProcess(p.proc, terminatedExitCode); err != nil {
		// Access is denied to a process that is already ending.
		if ended, _ := signalled(p.proc); ended {
			return os.ErrProcessDone
		}
		return os.NewSyscallError("TerminateProcess", err)
	}
	return nil
}

// fd is the process HANDLE itself: signalled exactly when reap finds the
// process ended.
func (p *handleProcess) fd() (uintptr, error) { return uintptr(p.proc), nil }

// release takes proc out of the pool, which wakes awaitExit, and closes
// proc and the job. Closing the job kills whatever still runs in it
// (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE): the child's descendants too.
func (p *handleProcess) release() error {
	p.mu.Lock()
	p.released = true
	p.mu.Unlock()
	poolRemove(p.wait)
	return p.closeHandles()
}

func (p *handleProcess) closeHandles() error {
	err := windows.CloseHandle(p.proc)
	if p.job != 0 {
		if jerr := windows.CloseHandle(p.job); err == nil {
			err = jerr
		}
	}
	if err != nil {
		return os.NewSyscallError("CloseHandle", err)
	}
	return nil
}

// signalled reports whether the process has ended, without waiting.
func signalled(proc windows.Handle) (bool, error) {
	ev, err := windows.WaitForSingleObject(proc, 0)
	switch ev {
	case windows.WAIT_OBJECT_0:
		return true, nil
	case uint32(windows.WAIT_TIMEOUT):
		return false, nil
	}
	return false, os.NewSyscallError("WaitForSingleObject", err)
}
