//go:build unix

package procfd

import (
	"os"
	"syscall"
)

// polledFD is a non-blocking descriptor registered with the Go runtime
// poller: waiting for it to become readable parks a goroutine, not a thread.
// Both Linux backends keep their handle descriptor in one.
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
func (p *polledFD) fd() uintptr { return uintptr(p.rawfd) }

func (p *polledFD) release() error { return p.file.Close() }
