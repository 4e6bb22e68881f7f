//go:build unix

package main

import "C"

import "syscall"

// cErrno: on POSIX systems Go's errnos are the C library's.
func cErrno(e syscall.Errno) C.int { return C.int(e) }
