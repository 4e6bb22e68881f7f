// Package testbin builds the helper programs under tests/internal once per
// suite run and tells the specs where they are.
//
// A suite builds them in SynchronizedBeforeSuite, so that parallel Ginkgo
// processes share one build:
//
//	var _ = SynchronizedBeforeSuite(func() []byte {
//		return testbin.Build(testbin.FDProbe, testbin.CloseFDs)
//	}, testbin.Load)
//	var _ = SynchronizedAfterSuite(func() {}, gexec.CleanupBuildArtifacts)
//
// Under an emulator (package emulator) the suite runs on another CPU than
// the go command. FDProbe and CloseFDs stand for any program a user starts,
// as /bin/sh does: they are built for the machine and run as they are. The
// other helpers run procfd themselves, so they are what the port is: they
// are built for the suite's CPU (GOARCH, and CC from the environment for
// cgo) and run through the emulator (Command).
package testbin

import (
	"encoding/json"
	"os/exec"
	"runtime"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/procfd/procfd/tests/internal/emulator"
)

// The helper programs, by import path.
const (
	// FDProbe writes "fd N\n" to each descriptor N named on its command
	// line: it shows where the child's descriptors lead.
	FDProbe = "github.com/procfd/procfd/tests/internal/fdprobe"
	// CloseFDs closes every descriptor it has, sleeps, then exits with a
	// given code: the death pipe's "closed early" case.
	CloseFDs = "github.com/procfd/procfd/tests/internal/closefds"
	// SigIgn sets SIGCHLD to SIG_IGN, then starts and waits for a child
	// with procfd: the "kernel reaped it for us" case.
	SigIgn = "github.com/procfd/procfd/tests/internal/sigign"
	// NoFile prints its own RLIMIT_NOFILE and the one a child it starts
	// with procfd gets.
	NoFile = "github.com/procfd/procfd/tests/internal/nofile"
	// Reprobe meets a full descriptor table at its first use of procfd,
	// then frees it and reports the backend it gets.
	Reprobe = "github.com/procfd/procfd/tests/internal/reprobe"
	// Exhaust starts processes with 0, 1, 2, ... free descriptors on each
	// backend and reports each trial as a JSON line.
	Exhaust = "github.com/procfd/procfd/tests/internal/exhaust"
	// PidReuse signals through stale handles while decoys hold the
	// recycled PIDs, inside a PID namespace of its own, and counts hits.
	PidReuse = "github.com/procfd/procfd/tests/internal/pidreuse"
	// HostSigchld installs a C SIGCHLD handler of its own, then closes
	// KillOnClose handles on the pipe backend and times the closes.
	HostSigchld = "github.com/procfd/procfd/tests/internal/hostsigchld"
	// Stolen owns a child through procfd while SIGCHLD is ignored or a
	// waitpid(-1) thread reaps children, and prints what Wait says.
	Stolen = "github.com/procfd/procfd/tests/internal/stolen"
	// SeccompRun runs a command under a seccomp filter that hides the
	// pidfd system calls: seccomprun enosys|eperm|qemu command [arg...].
	SeccompRun = "github.com/procfd/procfd/tests/internal/seccomprun"
	// BackendProbe prints DefaultBackend(), the error of a Start forced
	// onto the pidfd backend, and what the raw pidfd calls return.
	BackendProbe = "github.com/procfd/procfd/tests/internal/seccomprun/backendprobe"
	// GroupFallback makes groups where no cgroup can be made, and prints
	// the mechanism it got and the error of a forced cgroup.
	GroupFallback = "github.com/procfd/procfd/tests/internal/groupfallback"
	// HiddenMember shows what a process-group group misses where /proc
	// hides a member from it.
	HiddenMember = "github.com/procfd/procfd/tests/internal/hiddenmember"
	// Subreaper makes a process-group group with GroupAttr.Subreaper and
	// reports the orphans it adopted and the zombies left after Wait.
	Subreaper = "github.com/procfd/procfd/tests/internal/subreaper"
)

// anyProgram holds the helpers that stand for any program procfd starts,
// and link no procfd: built for the machine, never emulated.
var anyProgram = map[string]bool{FDProbe: true, CloseFDs: true}

var (
	mu    sync.Mutex
	paths = map[string]string{}
)

// Build builds the given helpers with gexec.Build and returns their paths,
// encoded for Load. Call it from the first function of
// SynchronizedBeforeSuite; gexec.CleanupBuildArtifacts removes them.
func Build(pkgs ...string) []byte {
	GinkgoHelper()
	built := map[string]string{}
	for _, pkg := range pkgs {
		built[pkg] = BuildNow(pkg)
	}
	data, err := json.Marshal(built)
	Expect(err).NotTo(HaveOccurred())
	return data
}

// Load records the paths that Build returned, in every Ginkgo process.
func Load(data []byte) {
	GinkgoHelper()
	built := map[string]string{}
	Expect(json.Unmarshal(data, &built)).To(Succeed())
	mu.Lock()
	defer mu.Unlock()
	for pkg, path := range built {
		paths[pkg] = path
	}
}

// BuildNow builds one helper with gexec.Build's extra go build arguments
// (args) and returns its path: for a helper only a few specs run.
// gexec.CleanupBuildArtifacts removes it.
func BuildNow(pkg string, args ...string) string {
	GinkgoHelper()
	path, err := gexec.BuildWithEnvironment(pkg, buildEnv(pkg), args...)
	Expect(err).NotTo(HaveOccurred(), "building %s", pkg)
	return path
}

// buildEnv is what go build needs on top of the suite's environment: nothing
// natively; under an emulator, the suite's CPU for a helper that runs
// procfd, and no cgo for one that stands for any program (CC names the
// target's compiler there).
func buildEnv(pkg string) []string {
	GinkgoHelper()
	host := hostArch()
	if emulator.Name() == "" {
		// Else the helpers would be built for the machine and the
		// suite would test them, not its own CPU.
		Expect(host).To(Equal(runtime.GOARCH),
			"this suite was built for %s and runs on %s: set %s to the emulator that runs it (./build.sh qemu does)",
			runtime.GOARCH, host, emulator.Env)
		return nil
	}
	if anyProgram[pkg] {
		return []string{"GOARCH=" + host, "CGO_ENABLED=0"}
	}
	return []string{"GOARCH=" + runtime.GOARCH, "CGO_ENABLED=1"}
}

// hostArch is the go command's own CPU: the machine's, not the suite's
// under an emulator.
var hostArch = sync.OnceValue(func() string {
	out, err := exec.Command("go", "env", "GOHOSTARCH").Output()
	Expect(err).NotTo(HaveOccurred(), "go env GOHOSTARCH")
	return strings.TrimSpace(string(out))
})

// Command returns the command that runs a helper that runs procfd (any
// but FDProbe and CloseFDs, which procfd.Start runs from their Path) with
// args: through the emulator where the suite runs under one.
func Command(path string, args ...string) *exec.Cmd {
	argv := emulator.Argv(append([]string{path}, args...)...)
	return exec.Command(argv[0], argv[1:]...)
}

// Path returns the built program for pkg; the spec fails if the suite did
// not build it.
func Path(pkg string) string {
	GinkgoHelper()
	mu.Lock()
	path, ok := paths[pkg]
	mu.Unlock()
	Expect(ok).To(BeTrue(), "the suite did not build %s: add it to testbin.Build", pkg)
	return path
}
