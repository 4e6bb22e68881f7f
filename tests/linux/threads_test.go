//go:build linux

package linux_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
)

// Waiting parks a goroutine on the runtime's poller, not an OS thread: the
// issue's bound is 16 threads in all for 10,000 waiters (os/exec needs a
// thread per waiter and dies of thread exhaustion here).
var _ = Describe("waiting at scale", Label("slow", "pidfd"), Serial, func() {
	const (
		processes  = 10000
		maxThreads = 16
	)

	It("holds at most 16 OS threads while 10,000 goroutines wait for 10,000 processes", func() {
		// Every cat reads the same pipe: closing its write end ends
		// them all at once.
		r, w, err := os.Pipe()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() {
			r.Close()
			w.Close()
		})
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(devnull.Close)

		handles := make([]*procfd.Handle, 0, processes)
		DeferCleanup(func() {
			// KillOnClose: whatever failed, no cat outlives the spec.
			for _, h := range handles {
				h.Close()
			}
		})
		cat := bin("cat")
		attr := &procfd.Attr{
			Files:       []*os.File{r, devnull, devnull},
			Backend:     procfd.BackendPidfd,
			KillOnClose: true,
		}
		startPeak := 0
		began := time.Now()
		for i := range processes {
			h, err := procfd.Start(cat, []string{"cat"}, attr)
			Expect(err).NotTo(HaveOccurred(), "process %d", i)
			handles = append(handles, h)
			if i%500 == 0 {
				startPeak = max(startPeak, procstat.Threads())
			}
		}
		startTime := time.Since(began)

		type result struct {
			st  *procfd.Status
			err error
		}
		results := make([]result, processes)
		var waiting atomic.Int64
		var wg sync.WaitGroup
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		DeferCleanup(cancel)
		for i, h := range handles {
			wg.Go(func() {
				waiting.Add(1)
				st, err := h.Wait(ctx)
				results[i] = result{st, err}
			})
		}
		Eventually(waiting.Load).WithTimeout(time.Minute).Should(BeEquivalentTo(processes))
		Expect(runtime.NumGoroutine()).To(BeNumerically(">=", processes))

		// Sample for a while, so that goroutines still on their way
		// to the poller count too, and keep the peak.
		waitPeak := 0
		Consistently(func() int {
			n := procstat.Threads()
			waitPeak = max(waitPeak, n)
			return n
		}).WithTimeout(2 * time.Second).WithPolling(50 * time.Millisecond).
			Should(BeNumerically("<=", maxThreads))
		rss := procstat.RSSKiB()
		goroutines := runtime.NumGoroutine()
		report := fmt.Sprintf("%d processes awaited by %d goroutines: peak %d OS threads while waiting "+
			"(peak %d while starting), parent VmRSS %d KiB (%.1f MiB); %d starts took %v",
			processes, processes, waitPeak, startPeak, rss, float64(rss)/1024, processes, startTime.Round(time.Millisecond))
		AddReportEntry("10,000 waiters", report, ReportEntryVisibilityAlways)
		fmt.Fprintln(GinkgoWriter, report, "goroutines:", goroutines)

		Expect(w.Close()).To(Succeed())
		allDone := make(chan struct{})
		go func() {
			wg.Wait()
			close(allDone)
		}()
		Eventually(allDone).WithTimeout(5 * time.Minute).Should(BeClosed())
		for i, res := range results {
			Expect(res.err).NotTo(HaveOccurred(), "process %d", i)
			Expect(res.st.Success()).To(BeTrue(), "process %d: %v", i, res.st)
		}
		for _, h := range handles {
			Expect(h.Close()).To(Succeed())
		}
		handles = nil
	})
})
