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
package testbin

import (
	"encoding/json"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
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
)

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
		path, err := gexec.Build(pkg)
		Expect(err).NotTo(HaveOccurred(), "building %s", pkg)
		built[pkg] = path
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
