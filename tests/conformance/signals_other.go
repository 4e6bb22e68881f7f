//go:build !linux

package conformance

import "syscall"

// signalState: no /proc here; the specs that need it are skipped.
func signalState(pid int) (blocked, ignored uint64, ok bool) { return 0, 0, false }

func withThreadBlocking(sigs []syscall.Signal, f func()) { f() }
