//go:build cgo

package main

const (
	// nsig is one more than the highest signal procfd_signal takes: the
	// header's 1 to 64 on every system, though Windows can send only
	// SIGKILL (the others are -ENOTSUP).
	nsig = 65
	// maxFiles is the most entries procfd_attr_t.fds may have: a Windows
	// child has standard input, output and error, and no other numbered
	// descriptors to be given.
	maxFiles = 3
)
