//go:build cgo && !procfd_posixpipe && !darwin && !netbsd && !openbsd

package conformance

// How the procfd under test spawns, and so which of procfd.go's promises
// about the child hold as made (spawn_*.go, one per kind of build): here
// the C layer's spawn, which keeps them all.
const (
	closesUngivenFds  = true // the child gets no descriptor it was not given
	honoursSigDefault = true
	// reapsAtExit: the backend reaps a process as soon as it ends,
	// rather than leave a zombie until a Wait or Done collects it.
	reapsAtExit    = false
	honoursSigMask = true
)
