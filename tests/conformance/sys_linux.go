//go:build linux

package conformance

import (
	"os"
	"path/filepath"
	"strconv"

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

// holdsFileOf reports whether process pid holds a descriptor on the file
// that this process's descriptor fd is open on.
func holdsFileOf(pid, fd int) bool {
	ours, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return false
	}
	theirs, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/fd/*")
	for _, link := range theirs {
		if target, err := os.Readlink(link); err == nil && target == ours {
			return true
		}
	}
	return false
}
