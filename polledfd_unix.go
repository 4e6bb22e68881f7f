//go:build unix

package procfd

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// polledFD is a non-blocking descriptor registered with the Go runtime
// poller: waiting for it to become readable parks a goroutine, not a thread.
// The pidfd backend keeps its pidfd in one, the death watch its epoll set.
type polledFD struct {
	rawfd int
	file  *os.File
	conn  syscall.RawConn
}

// newPolledFD takes ownership of fd, which must be non-blocking (os.NewFile
// registers only non-blocking descriptors with the poller).
func newPolledFD(fd int, name string) (polledFD, error) {
	file := os.NewFile(uintptr(fd), name)
	conn, err := file.SyscallConn()
	if err != nil {
		file.Close()
		return polledFD{}, err
	}
	return polledFD{rawfd: fd, file: file, conn: conn}, nil
}

// fd returns the descriptor without file.Fd, which would switch it to
// blocking mode and take it off the poller.
func (p *polledFD) fd() (uintptr, error) { return uintptr(p.rawfd), nil }

// awaitReadable parks until the descriptor is readable, without reading
// from it. ErrClosed: release has run.
func (p *polledFD) awaitReadable() error {
	if p.conn.Read(func(fd uintptr) bool { return pollReadable(int(fd)) }) != nil {
		return ErrClosed
	}
	return nil
}

// control runs f on the descriptor, unless release has run (ErrClosed).
func (p *polledFD) control(f func(fd int)) error {
	if p.conn.Control(func(fd uintptr) { f(int(fd)) }) != nil {
		return ErrClosed
	}
	return nil
}

func (p *polledFD) release() error { return p.file.Close() }

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
