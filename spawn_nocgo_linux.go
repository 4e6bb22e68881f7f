//go:build !cgo && !procfd_posixpipe

package procfd

// Without cgo, children are spawned by Go's own syscall.StartProcess, the
// spawn under os/exec: a vfork-style clone, with CLONE_PIDFD for the
// handle's pidfd, and for the pipe backend the death pipe's write end
// passed as the child's one extra descriptor. What it cannot do, and how
// the promises differ for it, procfd.go says at each promise: SigDefault
// is refused; descriptors are not closed in the child but left to
// close-on-exec; a failed setup step is not named, but for the directory.

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// errNoCgoSigDefault: Go's spawn keeps the dispositions that exec keeps
// (SIG_IGN), and nothing else runs in the child between clone and exec to
// reset them; resetting them in this process for the while would change
// them for its other goroutines.
var errNoCgoSigDefault = &unsupportedError{"SigDefault in a program built without cgo", nil}

func spawn(backend Backend, path string, argv []string, attr *Attr, place placement) (spawned, error) {
	if len(attr.SigDefault) > 0 {
		return spawned{}, errNoCgoSigDefault
	}
	procAttr, err := goProcAttr(attr)
	if err != nil {
		return spawned{}, err
	}
	sys := procAttr.Sys
	if place.cgroupFd >= 0 {
		// Go's spawn places the child with clone3's
		// CLONE_INTO_CGROUP, and fails where clone3 cannot.
		sys.UseCgroupFD, sys.CgroupFD = true, place.cgroupFd
	}
	if place.pgid > 0 {
		sys.Setpgid, sys.Pgid = true, place.pgid
	}
	pidfd := -1
	if backend == BackendPidfd || clonePidfds.Load() >= 0 {
		sys.PidFD = &pidfd
	}

	deathRead := -1
	if backend == BackendPipe {
		// Both ends close-on-exec: the write end reaches the child only
		// as its descriptor len(Files), which StartProcess dups without
		// the flag; no other child, os/exec's included, inherits it.
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			return spawned{}, os.NewSyscallError("pipe2", err)
		}
		deathRead = p[0]
		procAttr.Files = append(procAttr.Files, uintptr(p[1]))
		defer unix.Close(p[1])
	}
	var pid int
	maskErr := withThreadMask(attr.SigMask, func() {
		pid, _, err = syscall.StartProcess(path, argv, procAttr)
		if backend != BackendPipe || sys.PidFD == nil {
			return
		}
		switch err {
		case nil:
			learnClonePidfds(pidfd >= 0)
		case syscall.EINVAL, syscall.ENOSYS, syscall.EPERM:
			// clone may refuse CLONE_PIDFD (EINVAL under
			// qemu-user, ENOSYS or EPERM from a seccomp
			// policy); StartProcess does not say whether
			// clone or exec failed. Spawn without the flag:
			// if that works, clone refused it, and the pidfd
			// is opened after.
			sys.PidFD = nil
			if pid, _, err = syscall.StartProcess(path, argv, procAttr); err == nil {
				learnClonePidfds(false)
			}
		}
	})
	if maskErr != nil {
		err = maskErr
	}
	runtime.KeepAlive(attr.Files)
	if err != nil {
		if deathRead >= 0 {
			unix.Close(deathRead)
		}
		return spawned{}, startError(err, attr.Dir)
	}

	child := spawned{pid: pid, fd: deathRead, pidfd: pidfd}
	switch {
	case backend == BackendPidfd && pidfd < 0:
		// The probe found CLONE_PIDFD working; a kernel that ignores
		// the flag would have failed it.
		killUnwatched(pid)
		return spawned{}, os.NewSyscallError("clone", fmt.Errorf("no pidfd for CLONE_PIDFD: %w", syscall.EINVAL))
	case backend == BackendPidfd:
		child.fd, child.pidfd = pidfd, -1
	case pidfd < 0:
		// Unlike the cgo spawn, this one cannot hold ForkLock until
		// the pidfd is open (StartProcess takes it itself): other
		// code that reaps children it does not own could reap this
		// one and fork another onto its PID first. openChildPidfd
		// refuses a pidfd for a process that is not our child, but
		// cannot tell our new child of another spawn from this one.
		child.pidfd, child.gone, err = openChildPidfd(pid)
		if err != nil {
			unix.Close(deathRead)
			killUnwatched(pid)
			return spawned{}, err
		}
	}
	if err := unix.SetNonblock(child.fd, true); err != nil {
		unix.Close(child.fd)
		if child.pidfd >= 0 {
			unix.Close(child.pidfd)
		}
		killUnwatched(pid)
		return spawned{}, os.NewSyscallError("fcntl", err)
	}
	return child, nil
}

// withThreadMask runs spawn on one thread whose signal mask is, meanwhile,
// exactly sigs: Go's spawn gives the child the mask of the thread that
// forks it. The thread's own mask is back before it runs anything else.
// Signals 32 and 33 are left out, as glibc leaves them out of the cgo
// spawn's mask: the C library's threads need them.
func withThreadMask(sigs []syscall.Signal, spawn func()) error {
	var mask, old unix.Sigset_t
	for _, sig := range sigs {
		if sig == 32 || sig == 33 {
			continue
		}
		const bits = uint(unsafe.Sizeof(mask.Val[0]) * 8)
		n := uint(sig - 1) // checkStartArgs: 1 to 64
		mask.Val[n/bits] |= 1 << (n % bits)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &mask, &old); err != nil {
		return os.NewSyscallError("rt_sigprocmask", err)
	}
	spawn()
	// Cannot fail: the same call just succeeded with a set as valid.
	unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	return nil
}
