// Package emulator tells the suites whether they run under a user-mode
// emulator, and runs programs built for the suite's own CPU through it.
//
// ./build.sh qemu cross-builds the Linux suites for arm64 and riscv64 and
// runs them under qemu-user, with PROCFD_TEST_EMULATOR naming the emulator
// (qemu-aarch64, qemu-riscv64) and QEMU_LD_PREFIX the target's libraries.
// That variable is the only sign read: under qemu-user, uname, /proc/self/exe
// and the auxiliary vector all answer as the target would, so a suite cannot
// tell reliably by itself. A binary built for the target is run as
// "emulator binary args...", never through binfmt_misc, which neither this
// machine nor CI is set up with.
package emulator

import (
	"fmt"
	"os"

	"github.com/onsi/ginkgo/v2"
)

// Env is the variable that names the emulator the suite runs under.
const Env = "PROCFD_TEST_EMULATOR"

// Name returns the emulator the suite runs under (qemu-aarch64, say), or ""
// when it runs natively.
func Name() string { return os.Getenv(Env) }

// Argv returns the command line that runs argv, whose program was built
// for the suite's own CPU: argv itself natively, the emulator and argv
// under one.
func Argv(argv ...string) []string {
	if e := Name(); e != "" {
		return append([]string{e}, argv...)
	}
	return argv
}

// Skip skips the spec under an emulator, printing why it cannot hold
// there; natively it does nothing.
func Skip(why string) {
	if e := Name(); e != "" {
		ginkgo.GinkgoHelper()
		ginkgo.Skip(fmt.Sprintf("under %s: %s", e, why))
	}
}

// Rounds returns n natively and a tenth of n (at least 1) under an
// emulator. Every spawn under qemu-user forks the whole emulator (it runs
// CLONE_VM|CLONE_VFORK as a plain fork), some 100 ms each on 2 cores: the
// specs that repeat a spawn a thousand times to catch a race or a leak keep
// their checks, with as many rounds as fit the CI's time.
func Rounds(n int) int {
	if Name() == "" {
		return n
	}
	return max(n/10, 1)
}
