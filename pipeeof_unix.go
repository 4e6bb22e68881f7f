//go:build unix

package procfd

import (
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

const (
	// The longest pause between two looks at a child whose death pipe is
	// at EOF but which still runs.
	pipeRecheckAfterEOF = 100 * time.Millisecond
	// How often every live child is looked at while SIGCHLD cannot say
	// that one ended: the longest a grandchild holding the pipe then
	// hides the child's end.
	pipeRecheckMax = time.Second
)

// pipeAtEOF drains the death pipe and reports whether it is at EOF. An
// error that no wait will cure counts as EOF: the waitid that follows
// decides. A child that writes to it without end is read only so far per
// look, as nothing it writes means anything.
func pipeAtEOF(fd int) bool {
	var buf [512]byte
	for range 16 {
		n, err := unix.Read(fd, buf[:])
		switch {
		case n > 0, err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return false
		}
		return true
	}
	return false
}
