//go:build unix

package conformance

import (
	"time"

	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"
)

// sessionOf returns the session id of pid (0: this process).
func sessionOf(pid int) int {
	sid, err := unix.Getsid(pid)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return sid
}

// groupOf returns the process group id of pid (0: this process).
func groupOf(pid int) int {
	pgid, err := unix.Getpgid(pid)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return pgid
}

// pollReadable reports whether fd polls readable right now.
func pollReadable(fd int) bool { return pollFor(fd, 0) }

// awaitReadable polls fd until it is readable, or timeout has passed.
func awaitReadable(fd int, timeout time.Duration) bool {
	return pollFor(fd, int(timeout.Milliseconds()))
}

func pollFor(fd, timeoutMs int) bool {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, timeoutMs)
		if err == unix.EINTR {
			continue // a retry restarts the timeout: good enough for a bound
		}
		ExpectWithOffset(2, err).NotTo(HaveOccurred())
		return n > 0 && fds[0].Revents&(unix.POLLIN|unix.POLLHUP) != 0
	}
}
