//go:build cgo && unix

package main

import "github.com/procfd/procfd/csrc"

const (
	// nsig is one more than the highest signal procfd_signal takes.
	nsig = csrc.NSig
	// maxFiles is the most entries procfd_attr_t.fds may have.
	maxFiles = csrc.MaxFiles
)
