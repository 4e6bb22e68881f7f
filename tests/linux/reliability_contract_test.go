//go:build linux

package linux_test

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/testbin"
)

// Contract gaps found under faults and bad input.
var _ = Describe("contract", Label("reliability"), func() {
	for _, backend := range []procfd.Backend{procfd.BackendPidfd, procfd.BackendPipe} {
		It("refuses a closed *os.File in Attr.Files on the "+string(backend)+" backend", Label(string(backend)), func() {
			r, w := newPipe()
			Expect(w.Close()).To(Succeed())
			h, err := procfd.Start(bin("true"), []string{"true"},
				&procfd.Attr{Backend: backend, Files: []*os.File{r, w, nil}})
			Expect(h).To(BeNil())
			Expect(errors.Is(err, syscall.EBADF)).To(BeTrue(), "%v", err)
			Expect(err).To(MatchError(ContainSubstring("Files[1]")))
			Expect(err).To(MatchError(ContainSubstring("closed")))
		})
	}

	// The table is filled up to the soft limit, so the spawn's first
	// descriptor is one too many.
	It("names pipe2 when the pipe backend's pipe2 finds the descriptor table full", Label("pipe"), Serial, func() {
		var lim, saved unix.Rlimit
		Expect(unix.Getrlimit(unix.RLIMIT_NOFILE, &saved)).To(Succeed())
		lim = saved
		lim.Cur = 512
		Expect(unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)).To(Succeed())
		DeferCleanup(unix.Setrlimit, unix.RLIMIT_NOFILE, &saved)
		var fill []int
		DeferCleanup(func() {
			for _, fd := range fill {
				unix.Close(fd)
			}
		})
		for {
			fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err == unix.EMFILE {
				break
			}
			Expect(err).NotTo(HaveOccurred())
			fill = append(fill, fd)
		}
		h, err := procfd.Start(bin("true"), []string{"true"},
			&procfd.Attr{Backend: procfd.BackendPipe, Files: []*os.File{nil, nil, nil}})
		Expect(h).To(BeNil())
		Expect(errors.Is(err, syscall.EMFILE)).To(BeTrue(), "%v", err)
		Expect(err).To(MatchError(ContainSubstring("pipe2")))
		Expect(err).NotTo(MatchError(ContainSubstring("clone")))
	})

	// With a host's own SIGCHLD handler, procfd's death watch hears of
	// a child's end only at its periodic look (once a second) while an
	// orphaned grandchild holds the death pipe. Close must not wait for
	// that look: it looks at the child it killed itself.
	It("returns from Close with KillOnClose once the child is dead, with a host SIGCHLD handler", Label("pipe"), func() {
		const rounds = 10
		helper := testbin.BuildNow(testbin.HostSigchld)
		s, err := gexec.Start(testbin.Command(helper, strconv.Itoa(rounds)), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Kill() })
		Eventually(s).WithTimeout(2 * time.Minute).Should(gexec.Exit(0))
		counts := map[string]string{}
		for _, m := range regexp.MustCompile(`(?m)^(\w+) (\w+)$`).FindAllStringSubmatch(string(s.Out.Contents()), -1) {
			counts[m[1]] = m[2]
		}
		AddReportEntry("hostsigchld", counts)
		Expect(counts).To(HaveKeyWithValue("host_sigchld", "true"), "the host's handler must be the one that ran")
		Expect(counts).To(HaveKeyWithValue("reaped", strconv.Itoa(rounds)))
		// How long the Closes took is in the report (about 30 ms for
		// ten here, against about ten seconds when each waited for the
		// watch's look); a time is never asserted. What is asserted is
		// that each Close returned, with the grandchild still holding
		// the pipe, and reaped its child.
	})
})
