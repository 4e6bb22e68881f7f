//go:build linux

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
)

// workerWait is the Go side of sections 4 and 5, and mirrors
// c/epoll_waiters.c: n children (c/reader.c, or /bin/cat) read one shared
// pipe, each awaited by a goroutine of its own calling Wait. It prints
// threads and rss_kib while they wait, and with -small the parent's RSS
// per waiting handle, (RSS at n - RSS at small) / (n - small), both read in
// this process; then lat_us for each of probes kills of one more child
// (pause) while they wait; then release_ms: from closing the pipe to the
// last Wait's return.
func workerWait(args []string) error {
	fs := flag.NewFlagSet("wait", flag.ContinueOnError)
	peer := fs.String("peer", "pidfd", "pidfd, pipe or exec")
	n := fs.Int("n", 10000, "children awaited at once")
	probes := fs.Int("probes", 0, "kills timed while they wait")
	pause := fs.String("pause", "", "the probe program, which runs until killed")
	child := fs.String("child", "/bin/cat", "the awaited program, which reads stdin to its end")
	small := fs.Int("small", 0, "the count at which RSS is read first, for the RSS per handle")
	if err := fs.Parse(args); err != nil {
		return err
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	var reaped sync.WaitGroup
	errs := make(chan error, *n)
	rssSmall := 0
	for i := range *n {
		if i == *small && i > 0 {
			settledThreads()
			rssSmall = settledRSS()
		}
		wait, err := startReader(*peer, *child, r, devnull)
		if err != nil {
			return err
		}
		reaped.Go(func() {
			if err := wait(); err != nil {
				errs <- err
			}
		})
	}
	threads := settledThreads()
	rss := settledRSS()
	fmt.Printf("threads %d\nrss_kib %d\n", threads, rss)
	if rssSmall > 0 {
		fmt.Printf("rss_per_handle_kib %.3f\n", float64(rss-rssSmall)/float64(*n-*small))
	}

	for range *probes {
		lat, err := killLatency(procfd.Backend(*peer), *pause, devnull)
		if err != nil {
			return err
		}
		fmt.Printf("lat_us %.3f\n", float64(lat.Nanoseconds())/1e3)
	}

	t0 := time.Now()
	w.Close()
	reaped.Wait()
	fmt.Printf("release_ms %.3f\n", float64(time.Since(t0).Microseconds())/1e3)
	close(errs)
	return <-errs
}

// startReader starts prog on stdin and returns what waits for it.
func startReader(peer, prog string, stdin, stdout *os.File) (func() error, error) {
	if peer == "exec" {
		cmd := exec.Command(prog)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stdout
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		return cmd.Wait, nil
	}
	h, err := procfd.Start(prog, []string{prog}, &procfd.Attr{
		Files: []*os.File{stdin, stdout, stdout}, Backend: procfd.Backend(peer),
	})
	if err != nil {
		return nil, err
	}
	return func() error {
		defer h.Close()
		st, err := h.Wait(context.Background())
		if err == nil && !st.Success() {
			err = fmt.Errorf("%s: %v", prog, st)
		}
		return err
	}, nil
}

// killLatency starts the probe, lets a goroutine park in its Wait (the C
// floor sleeps as long), kills it and returns the time from the kill to the
// return of that Wait. The probe's stdio is /dev/null, as in the C floor:
// none of the driver's pipes.
func killLatency(backend procfd.Backend, prog string, devnull *os.File) (time.Duration, error) {
	h, err := procfd.Start(prog, []string{prog}, &procfd.Attr{
		Files: []*os.File{devnull, devnull, devnull}, Backend: backend,
	})
	if err != nil {
		return 0, err
	}
	defer h.Close()
	returned := make(chan time.Time, 1)
	go func() {
		h.Wait(context.Background())
		returned <- time.Now()
	}()
	time.Sleep(500 * time.Microsecond)
	t0 := time.Now()
	if err := h.Kill(); err != nil {
		return 0, err
	}
	t1 := <-returned
	st, err := h.Wait(context.Background())
	if err == nil && st.Signal != syscall.SIGKILL {
		err = fmt.Errorf("probe: %v, not killed", st)
	}
	return t1.Sub(t0), err
}

// settledRSS is the RSS of what the waiters hold, not of the garbage their
// spawning left: the collector runs and hands freed memory back first.
func settledRSS() int {
	debug.FreeOSMemory()
	return procstat.RSSKiB()
}

// settledThreads waits until the thread count stops growing (os/exec's
// waiters take a thread each, a few at a time) and returns it.
func settledThreads() int {
	last, same := procstat.Threads(), 0
	for deadline := time.Now().Add(5 * time.Second); same < 3 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		if t := procstat.Threads(); t != last {
			last, same = t, 0
		} else {
			same++
		}
	}
	return last
}
