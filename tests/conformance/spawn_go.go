//go:build !cgo && !procfd_posixpipe && !darwin && !netbsd && !openbsd && !freebsd

package conformance

// Built without cgo on Linux: Go's own spawn, which closes nothing but
// what is close-on-exec and cannot reset a disposition, while the forking
// thread carries SigMask (see spawn_c.go).
const (
	closesUngivenFds  = false
	honoursSigDefault = false
	reapsAtExit       = false
	honoursSigMask    = true
)
