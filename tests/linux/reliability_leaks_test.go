//go:build linux

package linux_test

import (
	"fmt"
	"os"
	"runtime"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
)

// Leaks: spawn/wait/close cycles of every kind leave this process with the
// descriptors, children, goroutines and threads it had (issue 8, suite
// item 5). The cycles: 8,000 per backend here, 1,600 of each kind, and
// 2,000 per backend through the C ABI (tests/capi/c/test_leaks.c), 20,000
// in all.
//
// Slack, for the runtime's own: descriptors and children must come back
// exactly; goroutines to at most leakGoroutineSlack more (Gomega's polling
// and the runtime's finalizer and cleanup goroutines, which start on
// demand); threads to at most leakThreadSlack more, since the runtime keeps
// the idle Ms it made for a peak of blocking calls (the cgo call of every
// spawn is one) and never ends them.
const (
	leakCyclesPerKind  = 1600
	leakGoroutineSlack = 2
	leakThreadSlack    = 4
)

// A cycle is one kind of use of a handle, from Start to its end.
type leakCycle struct {
	name string
	run  func(backend procfd.Backend)
}

var leakCycles = []leakCycle{
	{"Start, Fd, Wait, Close", func(b procfd.Backend) {
		h := mustStart(b, procfd.Attr{}, "true")
		Expect(h.Fd()).NotTo(Equal(^uintptr(0)))
		st, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Success()).To(BeTrue())
		Expect(h.Close()).To(Succeed())
	}},
	{"Close with KillOnClose while it runs", func(b procfd.Backend) {
		h := mustStart(b, procfd.Attr{KillOnClose: true}, "sleep", "60")
		Expect(h.Close()).To(Succeed())
	}},
	{"Close without Wait", func(b procfd.Backend) {
		h := mustStart(b, procfd.Attr{}, "true")
		Expect(h.Close()).To(Succeed())
	}},
	{"a handle left to the garbage collector", func(b procfd.Backend) {
		mustStart(b, procfd.Attr{}, "true")
	}},
	{"a failed start (exec fails in the child)", func(b procfd.Backend) {
		_, err := procfd.Start("/nonexistent/procfd-leak-test", []string{"x"}, &procfd.Attr{Backend: b})
		Expect(err).To(MatchError(os.ErrNotExist))
	}},
}

func mustStart(backend procfd.Backend, attr procfd.Attr, argv ...string) *procfd.Handle {
	GinkgoHelper()
	attr.Backend = backend
	h, err := procfd.Start(bin(argv[0]), argv, &attr)
	Expect(err).NotTo(HaveOccurred())
	return h
}

// leakCounts is what a leak would change.
type leakCounts struct {
	fds, goroutines, threads int
	children                 []int
}

func countLeaks() leakCounts {
	return leakCounts{
		fds:        procstat.OpenFDs(),
		goroutines: runtime.NumGoroutine(),
		threads:    procstat.Threads(),
		children:   procstat.Children(os.Getpid()),
	}
}

var _ = Describe("spawn/wait/close cycles", Label("reliability", "slow"), Serial, func() {
	for _, backend := range []procfd.Backend{procfd.BackendPidfd, procfd.BackendPipe} {
		It(fmt.Sprintf("leave descriptors, children, goroutines and threads as they were on %s (%d cycles)",
			backend, leakCyclesPerKind*len(leakCycles)), Label(string(backend)), func() {
			if backend == procfd.BackendPidfd {
				pidfdWorksHere()
			}
			// Bring up what procfd makes once (the death watch and its
			// epoll set, the SIGCHLD watch) and what the runtime makes
			// on demand, then count.
			for _, c := range leakCycles {
				for range 20 {
					c.run(backend)
				}
			}
			settle := func() leakCounts {
				runtime.GC()
				return countLeaks()
			}
			Eventually(func() []int { runtime.GC(); return procstat.Children(os.Getpid()) }, waitTimeout).
				Should(BeEmpty(), "the warm-up's children reaped")
			before := settle()

			for _, c := range leakCycles {
				By(c.name)
				for i := range leakCyclesPerKind {
					c.run(backend)
					if i%100 == 99 {
						// Handles left to the collector hold
						// their descriptors until it runs.
						runtime.GC()
					}
				}
			}

			var after leakCounts
			Eventually(func(g Gomega) {
				after = settle()
				g.Expect(after.children).To(BeEmpty(), "children, zombies included")
				g.Expect(after.fds).To(Equal(before.fds), "descriptors")
				g.Expect(after.goroutines).To(BeNumerically("<=", before.goroutines+leakGoroutineSlack), "goroutines")
			}, waitTimeout).Should(Succeed())
			Expect(after.threads).To(BeNumerically("<=", before.threads+leakThreadSlack), "threads")
			Expect(slices.Equal(after.children, before.children)).To(BeTrue())
			AddReportEntry("counts", fmt.Sprintf("%d cycles on %s: descriptors %d -> %d, goroutines %d -> %d, threads %d -> %d, children %d -> %d",
				leakCyclesPerKind*len(leakCycles), backend, before.fds, after.fds, before.goroutines, after.goroutines,
				before.threads, after.threads, len(before.children), len(after.children)))
		})
	}
})
