//go:build unix && !linux

package procfd

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// pollReadable reports whether fd is readable now, without waiting.
func pollReadable(fd int) bool {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 0)
		if err == syscall.EINTR {
			continue
		}
		return err == nil && n > 0 && fds[0].Revents&(unix.POLLIN|unix.POLLHUP) != 0
	}
}
