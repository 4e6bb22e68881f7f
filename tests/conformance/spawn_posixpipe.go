//go:build procfd_posixpipe || darwin || netbsd || openbsd || (freebsd && !cgo)

package conformance

// The death pipe of POSIX systems without a process handle: Go's own spawn,
// with the child's signal mask and dispositions as os/exec gives them, so
// SigDefault and SigMask are refused (see spawn_c.go). wait4 is its only
// look at a child, and it reaps: the backend reaps at exit.
const (
	closesUngivenFds  = false
	honoursSigDefault = false
	reapsAtExit       = true
	honoursSigMask    = false
)
