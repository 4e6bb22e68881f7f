//go:build linux

package linux_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
)

// Races: 64 goroutines call Wait, Signal, Done and Close on one handle at
// once, under -race in ./build.sh test (issue 8, suite item 6). Every Wait
// gets the one status or ErrClosed, exactly one Close succeeds, nothing
// panics, and the process is reaped.
var _ = Describe("64 goroutines on shared handles", Label("reliability"), func() {
	const (
		raceTimeout = 3 * time.Minute
		goroutines  = 64
		rounds      = 24 // per backend; half killed, half exiting alone
	)

	type outcome struct {
		waits   []error
		status  []*procfd.Status
		signals []error
		closes  []error
		done    int
	}

	// race releases 64 goroutines at once on h: a quarter each Wait,
	// Signal with sig, wait for Done, and Close.
	race := func(h *procfd.Handle, sig syscall.Signal) outcome {
		var o outcome
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := make(chan struct{})
		// A hang becomes a failure, but only a long one: on a machine
		// under heavy load a round has been seen to take over 20 s.
		ctx, cancel := context.WithTimeout(context.Background(), raceTimeout)
		defer cancel()
		for i := range goroutines {
			wg.Go(func() {
				<-start
				switch i % 4 {
				case 0:
					st, err := h.Wait(ctx)
					mu.Lock()
					o.waits = append(o.waits, err)
					o.status = append(o.status, st)
					mu.Unlock()
				case 1:
					err := h.Signal(sig)
					mu.Lock()
					o.signals = append(o.signals, err)
					mu.Unlock()
				case 2:
					select {
					case <-h.Done():
						mu.Lock()
						o.done++
						mu.Unlock()
					case <-ctx.Done():
					}
				case 3:
					err := h.Close()
					mu.Lock()
					o.closes = append(o.closes, err)
					mu.Unlock()
				}
			})
		}
		close(start)
		wg.Wait()
		return o
	}

	for _, backend := range []procfd.Backend{procfd.BackendPidfd, procfd.BackendPipe} {
		It("gives every Wait the one status or ErrClosed and lets one Close succeed on "+string(backend),
			Label(string(backend)), func() {
				if backend == procfd.BackendPidfd {
					pidfdWorksHere()
				}
				statuses, closedWaits := 0, 0
				DeferCleanup(func() {
					AddReportEntry("waits", fmt.Sprintf("%d rounds: %d Waits got the status, %d ErrClosed",
						rounds, statuses, closedWaits))
				})
				for r := range rounds {
					// Even rounds: a sleeper that Signal or Close
					// (KillOnClose) kills; odd ones: a process that
					// exits 0 alone while Signal only probes it.
					argv, sig, attr := []string{"sleep", "60"}, syscall.SIGKILL, procfd.Attr{KillOnClose: true}
					want := procfd.Status{ExitCode: -1, Signal: syscall.SIGKILL}
					if r%2 == 1 {
						argv, sig, attr = []string{"true"}, syscall.Signal(0), procfd.Attr{}
						want = procfd.Status{ExitCode: 0}
					}
					attr.Backend = backend
					h, err := procfd.Start(bin(argv[0]), argv, &attr)
					Expect(err).NotTo(HaveOccurred())
					DeferCleanup(dispose, h)
					want.Pid = h.Pid()

					o := race(h, sig)

					succeeded := 0
					for _, err := range o.closes {
						if err == nil {
							succeeded++
						} else {
							Expect(err).To(MatchError(procfd.ErrClosed), "round %d: Close", r)
						}
					}
					Expect(succeeded).To(Equal(1), "round %d: successful Closes", r)
					for i, err := range o.waits {
						if err != nil {
							Expect(err).To(MatchError(procfd.ErrClosed), "round %d: Wait", r)
							continue
						}
						st := o.status[i]
						Expect([]any{st.Pid, st.ExitCode, st.Signal}).To(
							Equal([]any{want.Pid, want.ExitCode, want.Signal}), "round %d: Wait's status", r)
					}
					for _, err := range o.signals {
						if err != nil && !errors.Is(err, os.ErrProcessDone) {
							Expect(err).To(MatchError(procfd.ErrClosed), "round %d: Signal", r)
						}
					}
					Expect(o.done).To(Equal(goroutines/4), func() string {
						st, err := procstat.ReadStat(h.Pid())
						return fmt.Sprintf("round %d: Done closed for every goroutine; the process now: %+v %v", r, st, err)
					})
					Eventually(func() []int { return procstat.Children(os.Getpid()) }, waitTimeout).
						ShouldNot(ContainElement(h.Pid()), "round %d: the process is reaped", r)
					for _, err := range o.waits {
						if err == nil {
							statuses++
						} else {
							closedWaits++
						}
					}
				}
			})
	}
})
