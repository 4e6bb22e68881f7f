//go:build unix

package conformance

import (
	"fmt"
	"syscall"

	. "github.com/onsi/gomega"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/emulator"
)

// startProcess is how the specs start a process that must start:
// procfd.Start itself.
var startProcess = procfd.Start

// The programs of the portable specs, as POSIX tools and shell lines.

func exitArgv(code int) []string { return []string{"sh", "-c", fmt.Sprintf("exit %d", code)} }
func readExitArgv(code int) []string {
	return []string{"sh", "-c", fmt.Sprintf("read x; exit %d", code)}
}
func sleepArgv() []string { return []string{"sleep", "100"} }
func trueArgv() []string  { return []string{bin("true")} }
func catArgv() []string   { return []string{"cat"} }
func envArgv() []string   { return []string{"env", "-0"} }
func pwdArgv() []string   { return []string{"pwd"} }

func echoArgv(out, errs string, code int) []string {
	return []string{"sh", "-c", fmt.Sprintf("echo %s; echo %s >&2; exit %d", out, errs, code)}
}

// missingProgram is a path where no program is.
const missingProgram = "/no/such/prog"

// fdRounds is how many start, poll and look rounds the Fd spec runs (a
// tenth under an emulator, where a spawn costs a hundred times more).
var fdRounds = emulator.Rounds(1000)

// expectKilled checks the status of a process that Kill ended: SIGKILL.
func expectKilled(st *procfd.Status) {
	ExpectWithOffset(1, st.Signal).To(Equal(syscall.SIGKILL))
	ExpectWithOffset(1, st.ExitCode).To(Equal(-1))
	ExpectWithOffset(1, st.Exited()).To(BeFalse())
	ExpectWithOffset(1, st.String()).To(Equal("signal: killed"))
}

// expectRusage checks the resource usage waitid reports: a shell uses
// some memory.
func expectRusage(st *procfd.Status) {
	ExpectWithOffset(1, st.Rusage).NotTo(BeNil())
	ExpectWithOffset(1, st.Rusage.Maxrss).To(BeNumerically(">", 0))
}

// processExists reports whether pid names a process, a zombie included:
// false once it has been reaped.
func processExists(pid int) bool { return syscall.Kill(pid, 0) != syscall.ESRCH }

// watchEnd returns a check that pid has ended and been reaped: once
// reaped, kill(pid, 0) finds nobody (a zombie still answers).
func watchEnd(pid int) func() bool {
	return func() bool { return !processExists(pid) }
}

// withoutAddedEnv returns a child's variables less those its OS adds to
// every process: none here.
func withoutAddedEnv(vars, env []string) []string { return vars }
