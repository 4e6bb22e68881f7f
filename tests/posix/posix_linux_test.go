//go:build linux && procfd_posixpipe

package posix_test

// The specs that need Linux's /proc, or a helper program that does, run
// where CI runs this suite.

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
	"github.com/procfd/procfd/tests/internal/testbin"
)

func init() { helpers = append(helpers, testbin.SigIgn) }

var _ = Describe("the death pipe here, with SIGCHLD ignored", func() {
	// The kernel reaps the child itself: the status is lost, and said
	// to be, never waited for. The helper ignores SIGCHLD in a process
	// of its own, so that this one keeps its children.
	for _, when := range []string{"reaped", "running"} {
		It("gives ErrStatusLost, never a hang ("+when+")", func() {
			s, err := gexec.Start(exec.Command(testbin.Path(testbin.SigIgn), "pipe", when), GinkgoWriter, GinkgoWriter)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func() { s.Kill() })
			Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(0))
			Expect(s.Out).To(gbytes.Say("status lost: true"))
		})
	}
})

var _ = Describe("the death pipe here, before the backend has looked", func() {
	// kill(2) succeeds on a zombie, so Signal must look before it sends.
	// The look is made to wait: a grandchild holds the death pipe, so no
	// end of file comes, and signal.Ignore has dropped the backend's
	// SIGCHLD Notify, so only its periodic look (once a second) would
	// reap the child. A Notify and Stop of the spec's own then give
	// SIGCHLD back to Go's handler, so the kernel keeps the child a
	// zombie (signal.Reset would leave it ignored in the kernel).
	It("answers ErrProcessDone for a child that has exited, and Wait has its status", func() {
		// The backend's watch, and its Notify, start with its first
		// child: make sure there was one.
		first, err := procfd.Start("/bin/sh", []string{"sh", "-c", "exit 0"}, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = first.Wait(GinkgoT().Context())
		Expect(err).NotTo(HaveOccurred())
		Expect(first.Close()).To(Succeed())

		signal.Ignore(syscall.SIGCHLD)
		taken := make(chan os.Signal, 1)
		signal.Notify(taken, syscall.SIGCHLD)
		signal.Stop(taken)
		h, _ := startWithPipeHolder(5)

		Eventually(func() bool { return procstat.IsZombie(h.Pid()) || !procstat.IsChild(h.Pid()) }).
			WithTimeout(waitTimeout).Should(BeTrue())
		Expect(h.Signal(syscall.Signal(0))).To(MatchError(os.ErrProcessDone))
		Expect(h.Kill()).To(MatchError(os.ErrProcessDone))
		Expect(procstat.IsChild(h.Pid())).To(BeFalse(), "the look reaped the child")
		st, err := h.Wait(GinkgoT().Context())
		Expect(err).NotTo(HaveOccurred())
		Expect(st.ExitCode).To(Equal(5))
	})
})

var _ = Describe("the death pipe here, at scale", func() {
	// One goroutine per child parks on its pipe; none holds a thread.
	It("holds a bounded number of threads while 500 children are awaited", func() {
		const n = 500
		handles := make([]*procfd.Handle, n)
		for i := range handles {
			h, err := procfd.Start("/bin/sleep", []string{"sleep", "60"}, &procfd.Attr{KillOnClose: true})
			Expect(err).NotTo(HaveOccurred())
			handles[i] = h
			go h.Wait(GinkgoT().Context())
		}
		time.Sleep(500 * time.Millisecond) // let every Wait park
		threads := procstat.SelfStatus("Threads")
		for _, h := range handles {
			Expect(h.Close()).To(Succeed())
		}
		AddReportEntry("threads", fmt.Sprintf("%d children awaited: %s threads", n, threads))
		Expect(threads).NotTo(BeEmpty())
		var count int
		fmt.Sscan(threads, &count)
		Expect(count).To(BeNumerically("<=", 16), "threads while %d children are awaited", n)
	})
})
