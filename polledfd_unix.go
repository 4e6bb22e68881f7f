//go:build unix

package procfd

import (
	"os"
	"sync"
	"syscall"
)

// polledFD is a non-blocking descriptor registered with the Go runtime
// poller: waiting for it to become readable parks a goroutine, not a thread.
// The pidfd backend keeps its pidfd in one, the death watch its epoll set.
//
// Uses of the descriptor other than the wait go through control, which
// holds mu rather than the poller's own reference (RawConn.Control): an
// interface call whose callback escapes costs an allocation per look, and
// the malloc path is what would grow a parked Wait's goroutine past Go's
// smallest stack (see handle.collector).
type polledFD struct {
	rawfd int
	file  *os.File
	conn  syscall.RawConn

	mu       sync.Mutex
	released bool // release has begun: rawfd may be closed at any moment
}

// open takes ownership of fd, which must be non-blocking (os.NewFile
// registers only non-blocking descriptors with the poller), and closes it
// on failure.
func (p *polledFD) open(fd int, name string) error {
	file := os.NewFile(uintptr(fd), name)
	conn, err := file.SyscallConn()
	if err != nil {
		file.Close()
		return err
	}
	p.rawfd, p.file, p.conn = fd, file, conn
	return nil
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

// control runs f on the descriptor, unless release has begun (ErrClosed).
// release waits for f to return before it closes the descriptor.
func (p *polledFD) control(f func(fd int)) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.released {
		return ErrClosed
	}
	f(p.rawfd)
	return nil
}

// release closes the descriptor once no control call is using it, and
// wakes awaitReadable. Not under mu: the poller's Close waits for the
// parked reader to leave.
func (p *polledFD) release() error {
	p.mu.Lock()
	p.released = true
	p.mu.Unlock()
	return p.file.Close()
}
