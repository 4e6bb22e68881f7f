//go:build !linux && !windows

package conformance

import . "github.com/onsi/ginkgo/v2"

// The checks below read /proc on Linux. An OS without them skips the specs
// that need them until its suite brings its own (kinfo_proc on FreeBSD, say).

func zombieChildren() []int {
	Skip("no zombie check on this OS yet")
	return nil
}

func childrenOf() []int {
	Skip("no child listing on this OS yet")
	return nil
}

func exitedUnreaped(pid int) bool {
	Skip("no zombie check on this OS yet")
	return false
}

func openFDs() int {
	Skip("no descriptor count on this OS yet")
	return 0
}

func holdsFileOf(pid, fd int) bool {
	Skip("no descriptor listing on this OS yet")
	return false
}
