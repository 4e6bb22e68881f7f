//go:build linux && !cgo

package linux_test

// builtWithCgo: procfd spawns through Go's own syscall.StartProcess (see
// spawn_nocgo_linux.go).
const builtWithCgo = false
