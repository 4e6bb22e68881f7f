//go:build linux

// Package seccomp hides the pidfd system calls from this process and every
// process it starts, as an old kernel, a locked-down container or an
// emulator does. Mode is one of
//
//	enosys  pidfd_open, pidfd_send_signal, clone with CLONE_PIDFD and
//	        waitid(P_PIDFD) fail with ENOSYS (a kernel older than 5.2)
//	eperm   the same calls fail with EPERM (a container's seccomp profile)
//	qemu    only clone with CLONE_PIDFD (EINVAL) and clone3 fail: the rest
//	        of the pidfd calls work, as under qemu-user
//
// and clone3 fails with ENOSYS in every mode, as Docker's default profile
// makes it: glibc then falls back to clone for its threads and forks.
//
// The filter is installed on every thread of the process
// (SECCOMP_FILTER_FLAG_TSYNC: a Go program has threads before main runs),
// with no_new_privs set. A seccomp filter survives execve, and is inherited
// by every child. The filter is raw BPF: no libseccomp.
package seccomp

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Install puts the filter for mode on every thread of this process.
func Install(mode string) error {
	a, ok := abis[runtime.GOARCH]
	if !ok {
		return fmt.Errorf("no filter for %s", runtime.GOARCH)
	}
	rs, err := rules(mode)
	if err != nil {
		return err
	}
	return install(program(a, rs))
}

// The native system call ABI the filter is written for. The filter checks
// the architecture of each call: any other (x32, a compat ABI) is refused
// with ENOSYS, so that no call slips past it under another number.
type abi struct {
	auditArch uint32
	// syscalls at or above x32Bit are the x32 ABI (amd64 only; 0: none)
	x32Bit uint32
}

var abis = map[string]abi{
	"amd64": {auditArch: unix.AUDIT_ARCH_X86_64, x32Bit: 0x40000000},
	"arm64": {auditArch: unix.AUDIT_ARCH_AARCH64},
}

// Offsets in struct seccomp_data (linux/seccomp.h): int nr; __u32 arch;
// __u64 instruction_pointer; __u64 args[6]. The low word of an argument
// comes first on the little-endian CPUs above.
const (
	offNr   = 0
	offArch = 4
	offArg0 = 16
)

// pPidfd is waitid's idtype P_PIDFD (Linux 5.4).
const pPidfd = 3

// cond says which calls of a system call a rule matches.
type cond int

const (
	always     cond = iota
	arg0HasBit      // the low word of argument 0 has bit k set
	arg0Equals      // the low word of argument 0 is k
)

type rule struct {
	nr    uintptr
	cond  cond
	k     uint32
	errno unix.Errno
}

// rules returns the calls to refuse in mode. On every Linux architecture
// that the map above names, clone's flags are its first argument (the
// order of its other arguments differs; s390 alone swaps the first two),
// and waitid's idtype is its first argument. clone3's flags are in memory,
// out of BPF's reach: it is refused whole.
func rules(mode string) ([]rule, error) {
	clone3 := rule{nr: unix.SYS_CLONE3, cond: always, errno: unix.ENOSYS}
	var errno unix.Errno
	switch mode {
	case "enosys":
		errno = unix.ENOSYS
	case "eperm":
		errno = unix.EPERM
	case "qemu":
		return []rule{
			{nr: unix.SYS_CLONE, cond: arg0HasBit, k: unix.CLONE_PIDFD, errno: unix.EINVAL},
			clone3,
		}, nil
	default:
		return nil, fmt.Errorf("unknown mode %q (enosys, eperm or qemu)", mode)
	}
	return []rule{
		{nr: unix.SYS_PIDFD_OPEN, cond: always, errno: errno},
		{nr: unix.SYS_PIDFD_SEND_SIGNAL, cond: always, errno: errno},
		{nr: unix.SYS_CLONE, cond: arg0HasBit, k: unix.CLONE_PIDFD, errno: errno},
		{nr: unix.SYS_WAITID, cond: arg0Equals, k: pPidfd, errno: errno},
		clone3,
	}, nil
}

func stmt(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }

func jump(code uint16, k uint32, jt, jf uint8) unix.SockFilter {
	return unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k}
}

func retErrno(e unix.Errno) unix.SockFilter {
	return stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ERRNO|uint32(e)&unix.SECCOMP_RET_DATA)
}

// program compiles the rules: one block per rule, each reloading the call
// number, that returns the rule's errno when it matches and otherwise
// jumps past its own end; after the last block, the call is allowed.
func program(a abi, rs []rule) []unix.SockFilter {
	const (
		ldw  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq  = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge  = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		jset = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
	)
	p := []unix.SockFilter{
		stmt(ldw, offArch),
		jump(jeq, a.auditArch, 1, 0),
		retErrno(unix.ENOSYS),
	}
	if a.x32Bit != 0 {
		p = append(p,
			stmt(ldw, offNr),
			jump(jge, a.x32Bit, 0, 1),
			retErrno(unix.ENOSYS))
	}
	for _, r := range rs {
		switch r.cond {
		case always:
			p = append(p,
				stmt(ldw, offNr),
				jump(jeq, uint32(r.nr), 0, 1),
				retErrno(r.errno))
		case arg0HasBit, arg0Equals:
			test := uint16(jset)
			if r.cond == arg0Equals {
				test = jeq
			}
			p = append(p,
				stmt(ldw, offNr),
				jump(jeq, uint32(r.nr), 0, 3),
				stmt(ldw, offArg0),
				jump(test, r.k, 0, 1),
				retErrno(r.errno))
		}
	}
	return append(p, stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ALLOW))
}

// install puts the filter on every thread of the process.
func install(p []unix.SockFilter) error {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	prog := unix.SockFprog{Len: uint16(len(p)), Filter: &p[0]}
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER,
		unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(p)
	if errno != 0 {
		return fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER, TSYNC): %w", errno)
	}
	if r != 0 {
		// TSYNC: the id of a thread that could not take the filter.
		return fmt.Errorf("seccomp: thread %d could not be synchronized", r)
	}
	return nil
}
