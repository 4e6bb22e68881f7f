//go:build cgo

package conformance

// withCgo: procfd was built with cgo, as this suite is. Without it, procfd
// spawns through Go's own syscall.StartProcess, and the promises that
// differ then say so (procfd.go).
const withCgo = true
