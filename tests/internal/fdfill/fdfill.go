//go:build linux

// Package fdfill fills a process's descriptor table, for the helpers that
// play a program out of descriptors.
package fdfill

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// Lower sets the soft RLIMIT_NOFILE to soft (the Go runtime raised it to
// the hard limit at start), so that filling the table is quick.
func Lower(soft uint64) error {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if soft < lim.Cur {
		lim.Cur = soft
	}
	return unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)
}

// Table holds the descriptors that fill a process's table.
type Table struct{ fds []int }

// Fill opens /dev/null until the table is full (EMFILE), then closes the
// last free of them again, so that exactly free descriptors are left.
func Fill(free int) (*Table, error) {
	t := &Table{}
	for {
		fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == syscall.EMFILE {
			break
		}
		if err != nil {
			t.Free()
			return nil, fmt.Errorf("open /dev/null: %w", err)
		}
		t.fds = append(t.fds, fd)
	}
	if free > len(t.fds) {
		t.Free()
		return nil, fmt.Errorf("only %d descriptors could be opened, %d asked to be free", len(t.fds), free)
	}
	for range free {
		unix.Close(t.fds[len(t.fds)-1])
		t.fds = t.fds[:len(t.fds)-1]
	}
	return t, nil
}

// Free closes every descriptor the table holds.
func (t *Table) Free() {
	for _, fd := range t.fds {
		unix.Close(fd)
	}
	t.fds = nil
}
