//go:build linux

package linux_test

import (
	"context"
	"os"
	"runtime"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/procfd/procfd"
)

// A Wait that nothing can cancel collects the status on its own goroutine:
// a waiting handle then costs one goroutine, the caller's, not two. That
// halves what a waiting handle costs in memory (a goroutine's stack is most
// of it), so the count is asserted here; the memory itself is measured by
// ./build.sh bench.
var _ = Describe("goroutines while waiting", Serial, func() {
	const waiters = 50
	for _, backend := range []procfd.Backend{procfd.BackendPidfd, procfd.BackendPipe} {
		It("are the waiters' own and no more on the "+string(backend)+" backend", Label(string(backend)), func() {
			r, w, err := os.Pipe()
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(r.Close)
			defer w.Close()
			// cat fails at once without a standard output.
			devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(devnull.Close)
			attr := &procfd.Attr{Files: []*os.File{r, devnull, devnull}, Backend: backend, KillOnClose: true}
			handles := make([]*procfd.Handle, waiters)
			for i := range handles {
				handles[i], err = procfd.Start(bin("cat"), []string{"cat"}, attr)
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(handles[i].Close)
			}

			before := runtime.NumGoroutine()
			var wg sync.WaitGroup
			errs := make(chan error, waiters)
			for _, h := range handles {
				wg.Go(func() {
					if _, err := h.Wait(context.Background()); err != nil {
						errs <- err
					}
				})
			}
			// Every waiter parked, and anything procfd starts with
			// them started: the count has settled.
			Eventually(runtime.NumGoroutine).Should(BeNumerically(">=", before+waiters))
			// The pipe backend's death watch started with the
			// first handle, before the count.
			Consistently(runtime.NumGoroutine, 200*time.Millisecond).Should(
				BeNumerically("<=", before+waiters), "a collector goroutine per waiting handle?")

			w.Close()
			wg.Wait()
			close(errs)
			for err := range errs {
				Expect(err).NotTo(HaveOccurred())
			}
		})
	}
})
