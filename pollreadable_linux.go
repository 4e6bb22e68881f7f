package procfd

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// pollReadable reports whether fd is readable now, without waiting. It
// makes the system call itself: x/sys's Poll adds three frames, and this
// runs on the goroutine a Wait parks (see handle.collector).
func pollReadable(fd int) bool {
	pfd := unix.PollFd{Fd: int32(fd), Events: unix.POLLIN}
	var now unix.Timespec // a zero timeout: look, do not wait
	for {
		n, _, errno := unix.Syscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1,
			uintptr(unsafe.Pointer(&now)), 0, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		return errno == 0 && n > 0 && pfd.Revents&(unix.POLLIN|unix.POLLHUP) != 0
	}
}
