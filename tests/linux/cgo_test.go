//go:build linux && cgo

package linux_test

// builtWithCgo: procfd spawns through its C layer (see spawn_cgo_linux.go).
const builtWithCgo = true
