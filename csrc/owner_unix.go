//go:build unix

package csrc

// Names that mean the same with and without cgo. The C side has its own
// copies (pfd_internal.h); csrc_unix.go checks at compile time that they
// agree.

// MaxFiles is the most descriptors a child may be given (SpawnRequest.Fds):
// it bounds the child's stack.
const MaxFiles = 1024

// SigchldOwner is who takes SIGCHLD now.
type SigchldOwner int

const (
	SigchldNobody  SigchldOwner = iota // SIG_DFL: discarded
	SigchldKernel                      // SIG_IGN or SA_NOCLDWAIT: the kernel reaps
	SigchldRuntime                     // the Go runtime's handler
	SigchldHost                        // other code's handler
)
