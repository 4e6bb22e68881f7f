package conformance

import (
	"fmt"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/windows"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/winhost"
)

// startProcess is how the specs start a process that must start:
// winhost.Start, which starts again under Wine where Wine failed the start
// (see there).
var startProcess = winhost.Start

// The programs of the portable specs: the child program (tests/internal/
// child), which the suite puts beside the test binary as child.exe.

func child(args ...string) []string {
	exe, err := winhost.ChildExe()
	ExpectWithOffset(2, err).NotTo(HaveOccurred())
	return append([]string{exe}, args...)
}

func exitArgv(code int) []string     { return child("exit", strconv.Itoa(code)) }
func readExitArgv(code int) []string { return child("readexit", strconv.Itoa(code)) }
func sleepArgv() []string            { return child("sleep") }
func trueArgv() []string             { return child("exit", "0") }
func catArgv() []string              { return child("cat") }
func envArgv() []string              { return child("env") }
func pwdArgv() []string              { return child("pwd") }

func echoArgv(out, errs string, code int) []string {
	return child("echo", out, errs, strconv.Itoa(code))
}

// missingProgram is a path where no program is.
const missingProgram = `C:\no\such\prog.exe`

// fdRounds is how many start, poll and look rounds the Fd spec runs: fewer
// than on POSIX systems, since a process costs far more to start here
// (under Wine most of all).
const fdRounds = 200

// expectKilled checks the status of a process that Kill ended: Windows
// terminates it with exit code 1, as os.Process.Kill does.
func expectKilled(st *procfd.Status) {
	ExpectWithOffset(1, st.Signal).To(BeZero())
	ExpectWithOffset(1, st.ExitCode).To(Equal(1))
	ExpectWithOffset(1, st.Exited()).To(BeTrue())
	ExpectWithOffset(1, st.String()).To(Equal("exit status 1"))
}

// expectRusage checks the times GetProcessTimes reports: a process has a
// creation time.
func expectRusage(st *procfd.Status) {
	ExpectWithOffset(1, st.Rusage).NotTo(BeNil())
	ExpectWithOffset(1, st.Rusage.CreationTime.Nanoseconds()).To(BeNumerically(">", 0))
}

// processExists reports whether pid names a process: one that has ended
// still exists while a handle to it is open, as a zombie does on POSIX.
func processExists(pid int) bool {
	h, err := windows.OpenProcess(windows.SYNCHRONIZE, false, uint32(pid))
	if err != nil {
		return false
	}
	windows.CloseHandle(h)
	return true
}

// watchEnd returns a check that pid has ended, through a handle of the
// spec's own, opened now: the PID itself may be reused once ended, and may
// stay openable for a moment after the last handle closes (Wine).
func watchEnd(pid int) func() bool {
	h, err := windows.OpenProcess(windows.SYNCHRONIZE, false, uint32(pid))
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	DeferCleanup(windows.CloseHandle, h)
	return func() bool {
		ev, _ := windows.WaitForSingleObject(h, 0)
		return ev == windows.WAIT_OBJECT_0
	}
}

// withoutAddedEnv returns a child's variables less those its OS adds to
// every process: Wine gives each one its WINE* variables, SystemDrive and
// SystemRoot, whatever environment CreateProcessW was given (Windows adds
// none). Those the caller passed in env stay.
func withoutAddedEnv(vars, env []string) []string {
	if env == nil || !winhost.UnderWine() {
		return vars // nil: the caller's, Wine's variables included
	}
	passed := make(map[string]bool)
	for _, kv := range env {
		passed[kv] = true
	}
	var kept []string
	for _, kv := range vars {
		key, _, _ := strings.Cut(kv, "=")
		added := strings.HasPrefix(key, "WINE") || key == "SystemDrive" || key == "SystemRoot"
		if added && !passed[kv] {
			fmt.Fprintf(GinkgoWriter, "left out %q: Wine adds it to every process\n", kv)
			continue
		}
		kept = append(kept, kv)
	}
	return kept
}
