//go:build linux && !cgo

package csrc

// Without cgo there is no C layer: the same calls are made from Go, with the
// same names and answers as csrc_linux.go and csrc_unix.go, so that the
// procfd package above uses them unchanged. Spawning is the exception: it
// needs code that runs between clone and exec, which only Go's own
// syscall.StartProcess may run in a program without cgo, so procfd spawns
// through that (spawn_nocgo_linux.go in procfd) and this file has no Spawn.

import (
	"errors"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Waitid waits for a child with waitid(2): idtype is IdPid or IdPidfd. pid
// is 0 if WNOHANG was given and the child still runs. The child's resource
// usage goes to *ru unless ru is nil. EINTR is retried.
func Waitid(idtype, id, options int, ru *syscall.Rusage) (pid int, ws syscall.WaitStatus, err error) {
	var info unix.Siginfo
	for {
		err = unix.Waitid(idtype, id, &info, options, (*unix.Rusage)(unsafe.Pointer(ru)))
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return 0, 0, err
	}
	child := childInfo(&info)
	if child.pid == 0 { // WNOHANG, and the child runs
		return 0, 0, nil
	}
	return int(child.pid), waitStatus(info.Code, child.status), nil
}

// sigchldFields is the part of a siginfo_t that waitid fills in for a
// child: si_pid, si_uid and si_status, at the start of the union that
// follows the three int fields, aligned as that union's pointers are.
type sigchldFields struct {
	pid    int32
	uid    uint32
	status int32
}

func childInfo(info *unix.Siginfo) *sigchldFields {
	const word = unsafe.Sizeof(uintptr(0))
	offset := (3*unsafe.Sizeof(int32(0)) + word - 1) &^ (word - 1)
	return (*sigchldFields)(unsafe.Add(unsafe.Pointer(info), offset))
}

// waitStatus makes a wait(2) status word of waitid's si_code and
// si_status, as pfd_waitid does, so that one decoder (syscall.WaitStatus)
// serves waitid and PIDFD_INFO_EXIT.
func waitStatus(code, status int32) syscall.WaitStatus {
	const cldExited, cldDumped = 1, 3 // <signal.h>; CLD_KILLED is 2
	switch code {
	case cldExited:
		return syscall.WaitStatus((status & 0xff) << 8)
	case cldDumped:
		return syscall.WaitStatus(status&0x7f | 0x80)
	}
	return syscall.WaitStatus(status & 0x7f) // CLD_KILLED
}

// PidfdExitStatus returns the status the kernel kept for a reaped process
// (PIDFD_INFO_EXIT), and false if it has none.
func PidfdExitStatus(pidfd int) (syscall.WaitStatus, bool, error) {
	info := unix.PidfdInfo{Mask: unix.PIDFD_INFO_EXIT}
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(pidfd), unix.PIDFD_GET_INFO, uintptr(unsafe.Pointer(&info)))
	switch errno {
	case 0:
	case unix.ENOTTY, unix.EINVAL, unix.ENOSYS, unix.ESRCH: // no PIDFD_GET_INFO (ENOSYS: qemu-user); or reaped, no exit info kept
		return 0, false, nil
	default:
		return 0, false, os.NewSyscallError("ioctl PIDFD_GET_INFO", errno)
	}
	if info.Mask&unix.PIDFD_INFO_EXIT == 0 {
		return 0, false, nil
	}
	return syscall.WaitStatus(info.Exit_code), true, nil
}

// PidfdSendSignal sends sig through pidfd_send_signal(2).
func PidfdSendSignal(pidfd int, sig syscall.Signal) error {
	return unix.PidfdSendSignal(pidfd, sig, nil, 0)
}

// PidfdOpen returns a close-on-exec pidfd for pid (pidfd_open(2)).
func PidfdOpen(pid int) (int, error) {
	return unix.PidfdOpen(pid, 0)
}

// ProbePidfd runs the pidfd probe; the error names the call that failed.
// It asks what pfd_probe_pidfd asks. The clone it makes is Go's own, the
// one procfd spawns with here: it starts a child that fails to exec (a path
// under /dev/null, which is no directory), so that nothing runs, and Go
// reaps that child itself.
func ProbePidfd() error {
	self, err := unix.PidfdOpen(os.Getpid(), 0)
	if err != nil {
		return os.NewSyscallError("pidfd_open", err)
	}
	// We are not our own child: a working waitid(P_PIDFD) says ECHILD;
	// a kernel without P_PIDFD (5.3) says EINVAL.
	var info unix.Siginfo
	err = unix.Waitid(IdPidfd, self, &info, unix.WEXITED|unix.WNOHANG, nil)
	if err != syscall.ECHILD {
		unix.Close(self)
		if err == nil {
			err = syscall.EINVAL
		}
		return os.NewSyscallError("waitid", err)
	}
	err = unix.PidfdSendSignal(self, 0, nil, 0)
	unix.Close(self)
	if err != nil {
		return os.NewSyscallError("pidfd_send_signal", err)
	}
	pidfd := -1
	_, _, err = syscall.StartProcess("/dev/null/procfd-probe", []string{"procfd-probe"},
		&syscall.ProcAttr{Sys: &syscall.SysProcAttr{PidFD: &pidfd}})
	switch err {
	case syscall.ENOTDIR, syscall.ENOENT: // cloned, then failed to exec
		return nil
	case nil: // cannot happen: nothing runs at that path
		return os.NewSyscallError("clone", syscall.EINVAL)
	}
	return os.NewSyscallError("clone", err)
}

// SigchldOwnerNow asks the kernel who takes SIGCHLD now. If it cannot tell,
// it says a host does, the answer under which procfd touches nothing.
// Without cgo the only handler that can be installed is the runtime's, so
// any other one (installed by a raw system call) counts as a host's.
func SigchldOwnerNow() SigchldOwner {
	handler, flags, ok := installedHandler(syscall.SIGCHLD)
	switch {
	case !ok:
		return SigchldHost
	case handler == sigIgn || flags&saNoCldWait != 0:
		return SigchldKernel
	case handler == sigDfl:
		return SigchldNobody
	}
	// The runtime installs one handler for every signal it catches, and
	// it always catches SIGURG (goroutine preemption).
	if runtimeHandler, _, ok := installedHandler(syscall.SIGURG); ok && runtimeHandler == handler {
		return SigchldRuntime
	}
	return SigchldHost
}

const (
	sigDfl      = 0
	sigIgn      = 1
	saNoCldWait = 2 // SA_NOCLDWAIT on every Linux but mips, where the query fails
)

// installedHandler reads sig's handler and flags with rt_sigaction(2). The
// kernel's struct sigaction starts with the handler and then the flags, in
// words, on every architecture Go supports but mips; there the sigset_t is
// 16 bytes, the query below fails with EINVAL, and ok is false.
func installedHandler(sig syscall.Signal) (handler, flags uintptr, ok bool) {
	var act [8]uintptr // larger than any architecture's struct sigaction
	const sigsetSize = 8
	_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), 0,
		uintptr(unsafe.Pointer(&act)), sigsetSize, 0, 0)
	if errno != 0 {
		return 0, 0, false
	}
	return act[0], act[1], true
}

// SpawnAnchor is not available without cgo: the anchor is a child that
// runs no program, and Go's spawn cannot start one.
func SpawnAnchor() (pid int, err error) { return 0, errors.ErrUnsupported }
