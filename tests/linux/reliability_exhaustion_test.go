//go:build linux

package linux_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/emulator"
	"github.com/procfd/procfd/tests/internal/testbin"
)

var (
	helpersMu sync.Mutex
	helpers   = map[string]string{}
)

// helper returns the built program for pkg, built once per Ginkgo
// process, with -race: a data race in a helper fails it (exit status 66).
// Not under an emulator: ThreadSanitizer refuses the address space
// qemu-user gives its guest ("unsupported VMA range").
func helper(pkg string) string {
	GinkgoHelper()
	helpersMu.Lock()
	defer helpersMu.Unlock()
	if path, ok := helpers[pkg]; ok {
		return path
	}
	var path string
	if emulator.Name() == "" {
		path = testbin.BuildNow(pkg, "-race")
	} else {
		path = testbin.BuildNow(pkg)
	}
	helpers[pkg] = path
	return path
}

// runHelper runs a helper program with PROCFD_BACKEND unset and returns its
// standard output once it has exited 0.
func runHelper(pkg string, args ...string) []byte {
	GinkgoHelper()
	cmd := testbin.Command(helper(pkg), args...)
	cmd.Env = envWithoutBackend()
	session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	Eventually(session, waitTimeout).Should(gexec.Exit(0))
	return session.Out.Contents()
}

// pidfdWorksHere skips a spec that needs the pidfd backend where it does
// not work.
func pidfdWorksHere() {
	GinkgoHelper()
	h, err := procfd.Start(bin("true"), []string{"true"}, &procfd.Attr{Backend: procfd.BackendPidfd})
	if err != nil {
		Skip("the pidfd backend does not work here: " + err.Error())
	}
	waitFor(h)
	h.Close()
}

// A failed probe must not decide the backend: a program whose first use of
// procfd meets a full descriptor table gets the pidfd backend once it has
// descriptors again (issue 8, defect 2).
var _ = Describe("the backend probe", Label("reliability", "pidfd"), func() {
	It("probes again after failing for want of descriptors", func() {
		pidfdWorksHere()
		out := string(runHelper(testbin.Reprobe))
		By("with the table full, the pidfd backend is not available, and says why without calling it unsupported")
		Expect(out).To(ContainSubstring("full default backend: pipe\n"))
		Expect(out).To(MatchRegexp(`full default start: error: .*too many open files\n`))
		Expect(out).To(MatchRegexp(`full pidfd start: error: .*pidfd_open: too many open files \(unsupported: false, emfile: true\)\n`))
		By("once descriptors are free, the probe runs again and finds pidfds")
		Expect(out).To(ContainSubstring("after default backend: pidfd\n"))
		Expect(out).To(ContainSubstring("after open: ok\n"))
		Expect(out).To(ContainSubstring("after pidfd start: exit status 0\n"))
		Expect(out).To(ContainSubstring("children left: 0\n"))
	})
})

// exhaustTrial mirrors tests/internal/exhaust's Trial.
type exhaustTrial struct {
	Backend  string `json:"backend"`
	Free     int    `json:"free"`
	Err      string `json:"err"`
	EMFILE   bool   `json:"emfile"`
	FullFd   bool   `json:"full_fd"`
	FreedFd  bool   `json:"freed_fd"`
	Status   string `json:"status"`
	Children []int  `json:"children"`
	Default  string `json:"default_backend"`
	Before   string `json:"default_before"`
	FDs      [2]int `json:"fds"`
}

func exhaustTrials(backend procfd.Backend, maxFree int) []exhaustTrial {
	GinkgoHelper()
	out := runHelper(testbin.Exhaust, strconv.Itoa(maxFree), string(backend))
	var trials []exhaustTrial
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var t exhaustTrial
		Expect(dec.Decode(&t)).To(Succeed())
		trials = append(trials, t)
	}
	return trials
}

// spawnStepEMFILE matches an EMFILE error naming one of the calls of a spawn that take a descriptor: a failed one
// must be named in the error.
var spawnStepEMFILE = regexp.MustCompile(`: (clone3?|pipe2|pidfd_open|eventfd|epoll_create1|fcntl): too many open files$`)

// Exhaustion: a spawn that runs out of descriptors at any of its steps
// fails with EMFILE naming the step, leaves no child and no descriptor
// behind, and does not change the backend (issue 8, suite item 4). The
// helper starts `true` with N = 0, 1, ..., 8 free descriptors; by 8 every
// backend has what it needs (the pipe backend: the death pipe and the error
// pipe, then the eventfd of Fd; the pidfd backend: the pidfd).
var _ = Describe("a spawn out of descriptors", Label("reliability"), func() {
	const maxFree = 8
	for _, backend := range []procfd.Backend{procfd.BackendPidfd, procfd.BackendPipe} {
		It("fails naming the step, leaves nothing behind and keeps the backend on "+string(backend),
			Label(string(backend)), func() {
				if backend == procfd.BackendPidfd {
					pidfdWorksHere()
				}
				trials := exhaustTrials(backend, maxFree)
				Expect(trials).To(HaveLen(maxFree + 1))
				Expect(trials[0].Err).NotTo(BeEmpty(), "a start with no descriptor free")
				Expect(trials[maxFree].Err).To(BeEmpty(), "a start with %d descriptors free", maxFree)
				started := false
				for _, t := range trials {
					where := fmt.Sprintf("free=%d", t.Free)
					if t.Err != "" {
						Expect(started).To(BeFalse(), "%s: failed where fewer free descriptors did not", where)
						Expect(t.EMFILE).To(BeTrue(), "%s: %s", where, t.Err)
						Expect(t.Err).To(MatchRegexp(spawnStepEMFILE.String()), where)
					} else {
						started = true
						Expect(t.Status).To(Equal("exit status 0"), where)
						Expect(t.FreedFd).To(BeTrue(), "%s: Fd once a descriptor is free", where)
						if backend == procfd.BackendPipe {
							// The eventfd is made at the first Fd:
							// with no descriptor free, Fd says so,
							// and the next call makes it.
							Expect(t.FullFd).To(BeFalse(), where)
						} else {
							Expect(t.FullFd).To(BeTrue(), where)
						}
					}
					Expect(t.Children).To(BeEmpty(), "%s: no child left, running or zombie", where)
					Expect(t.FDs[1]).To(Equal(t.FDs[0]), "%s: descriptors before and after", where)
					Expect(t.Default).To(Equal(t.Before), "%s: the default backend", where)
				}
				AddReportEntry("trials", trials)
			})
	}

	It("names pipe2 when the death pipe or the error pipe cannot be made", Label("pipe"), func() {
		for _, t := range exhaustTrials(procfd.BackendPipe, 3) {
			Expect(t.Err).To(HaveSuffix(": pipe2: too many open files"), "free=%d", t.Free)
		}
	})
})
