//go:build linux

package conformance

import (
	"os"

	"github.com/procfd/procfd/tests/internal/procstat"
)

// zombieChildren returns this process's children that have exited and
// wait to be reaped.
func zombieChildren() []int { return procstat.ZombieChildren(os.Getpid()) }

// childrenOf returns this process's children in every state.
func childrenOf() []int { return procstat.Children(os.Getpid()) }

// exitedUnreaped reports whether pid has exited and is waiting to be reaped.
func exitedUnreaped(pid int) bool { return procstat.IsZombie(pid) }

// openFDs returns the number of descriptors this process holds.
func openFDs() int { return procstat.OpenFDs() }
