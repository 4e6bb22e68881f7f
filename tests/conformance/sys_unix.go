//go:build unix

package conformance

import (
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
