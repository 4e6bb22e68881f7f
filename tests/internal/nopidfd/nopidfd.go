//go:build linux

// Package nopidfd makes pidfd_open fail with ENOSYS in this process, as on
// a kernel before 5.3 or under a seccomp policy that lacks it, so that a
// helper can run the pipe backend without a pidfd.
package nopidfd

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Install installs, on every thread, a seccomp filter that fails
// pidfd_open with ENOSYS. Call it before procfd's first use: the pidfd
// backend is then unavailable too.
func Install() error {
	const (
		ldAbsW   = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeqK     = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		retK     = unix.BPF_RET | unix.BPF_K
		retAllow = 0x7fff0000 // SECCOMP_RET_ALLOW
		retErrno = 0x00050000 // SECCOMP_RET_ERRNO
	)
	filter := []unix.SockFilter{
		{Code: ldAbsW, K: 0}, // seccomp_data.nr
		{Code: jeqK, Jt: 0, Jf: 1, K: unix.SYS_PIDFD_OPEN},
		{Code: retK, K: retErrno | uint32(syscall.ENOSYS)},
		{Code: retK, K: retAllow},
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return err
	}
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER,
		unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog)))
	if errno != 0 {
		return errno
	}
	if _, err := unix.PidfdOpen(unix.Getpid(), 0); err != syscall.ENOSYS {
		return syscall.EINVAL
	}
	return nil
}
