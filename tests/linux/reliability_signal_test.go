//go:build linux

package linux_test

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/emulator"
	"github.com/procfd/procfd/tests/internal/testbin"
)

// A handle never signals a process it does not own. Once other code has
// reaped the child (SIGCHLD ignored, or a waitpid(-1) loop), its PID is
// free: the pidreuse helper puts a decoy on it each time, in a PID
// namespace of its own with a small pid_max, and signals through the stale
// handle.
var _ = Describe("PID reuse", Label("reliability"), Ordered, func() {
	// A tenth under an emulator (emulator.Rounds): a hit is a hit.
	trials := emulator.Rounds(1000)
	var helper string

	BeforeAll(func() {
		if out, err := exec.Command("unshare", "-Urpf", "--mount-proc", "true").CombinedOutput(); err != nil {
			Skip(fmt.Sprintf("cannot make a PID namespace here (unshare -Urpf --mount-proc): %v: %s", err, out))
		}
		helper = testbin.BuildNow(testbin.PidReuse)
	})

	run := func(backend procfd.Backend, mode string) map[string]int {
		GinkgoHelper()
		argv := append([]string{"unshare", "-Urpf", "--mount-proc"},
			emulator.Argv(helper, string(backend), mode, strconv.Itoa(trials))...)
		cmd := exec.Command(argv[0], argv[1:]...)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Kill() })
		Eventually(s).WithTimeout(5 * time.Minute).Should(gexec.Exit(0))
		counts := map[string]int{}
		for _, m := range regexp.MustCompile(`(?m)^(\w+) (\d+)$`).FindAllStringSubmatch(string(s.Out.Contents()), -1) {
			counts[m[1]], _ = strconv.Atoi(m[2])
		}
		AddReportEntry(fmt.Sprintf("pidreuse %s %s", backend, mode), counts)
		Expect(counts).To(HaveKeyWithValue("trials", trials))
		// Another process of the namespace can take the PID first; a
		// few such trials prove nothing either way.
		Expect(counts["skipped"]).To(BeNumerically("<", trials/10))
		return counts
	}

	for _, backend := range []procfd.Backend{procfd.BackendPidfd, procfd.BackendPipe} {
		for _, mode := range []string{"sigign", "reaper"} {
			It(fmt.Sprintf("signals no decoy on the %s backend, the child reaped by %s", backend, mode), Label(string(backend)), func() {
				counts := run(backend, mode)
				Expect(counts).To(HaveKeyWithValue("hits", 0))
				Expect(counts).To(HaveKeyWithValue("sent", 0))
				Expect(counts["done"]).To(Equal(trials - counts["skipped"]))
			})
		}
	}

	// Where clone takes no CLONE_PIDFD (qemu-user) the pipe backend opens
	// the pidfd after the spawn, and must find out when the child was
	// reaped, and its PID perhaps reused, before that.
	for _, mode := range []string{"sigign", "reaper"} {
		It("signals no decoy where the pipe backend opens its pidfd after the spawn, the child reaped by "+mode, Label("pipe"), func() {
			skipWithoutSeccompFilter()
			counts := run("pipe-qemu", mode)
			Expect(counts).To(HaveKeyWithValue("hits", 0))
			Expect(counts).To(HaveKeyWithValue("sent", 0))
			Expect(counts["done"]).To(Equal(trials - counts["skipped"]))
		})
	}

	// Where pidfd_open fails, nothing makes kill(2) safe while the kernel
	// reaps children itself: Signal refuses. (A waitpid(-1) loop of other
	// code cannot be detected there: a known limit, not tested.)
	It("refuses to signal on the pipe backend without pidfd_open while SIGCHLD is ignored", Label("pipe"), func() {
		skipWithoutSeccompFilter()
		counts := run("pipe-nopidfd", "sigign")
		Expect(counts).To(HaveKeyWithValue("hits", 0))
		Expect(counts).To(HaveKeyWithValue("sent", 0))
		Expect(counts["refused"]).To(Equal(trials - counts["skipped"]))
	})
})
