//go:build linux

package main

import (
	"context"
	"flag"
	"fmt"
	"os/exec"
	"runtime"
	"sync"
	"time"

	"github.com/procfd/procfd"
)

// workerSpawn is the Go side of sections 1 to 3: spawn and wait for a
// program n times, from par goroutines, in a parent holding heapGiB of
// touched heap. It prints us_per_spawn (wall time over spawns) and
// spawns_per_s.
func workerSpawn(args []string) error {
	fs := flag.NewFlagSet("spawn", flag.ContinueOnError)
	peer := fs.String("peer", "pidfd", "pidfd, pipe or exec")
	prog := fs.String("prog", "", "program to spawn")
	n := fs.Int("n", 400, "spawns measured")
	par := fs.Int("par", 1, "goroutines spawning at once")
	heapGiB := fs.Int("heap", 0, "GiB of touched heap in the parent")
	if err := fs.Parse(args); err != nil {
		return err
	}
	spawn, err := spawner(*peer, *prog)
	if err != nil {
		return err
	}
	heap := touchedHeap(*heapGiB)
	// The first spawns fault in code and page cache: not what is measured.
	for range 20 {
		if err := spawn(); err != nil {
			return err
		}
	}
	per := max(*n / *par, 1)
	errs := make(chan error, *par)
	var wg sync.WaitGroup
	t0 := time.Now()
	for range *par {
		wg.Go(func() {
			for range per {
				if err := spawn(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(t0)
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	total := per * *par
	fmt.Printf("us_per_spawn %.3f\n", float64(elapsed.Microseconds())/float64(total))
	fmt.Printf("spawns_per_s %.1f\n", float64(total)/elapsed.Seconds())
	fmt.Printf("rss_kib %d\n", procStatus("VmRSS"))
	runtime.KeepAlive(heap)
	return nil
}

// spawner returns one spawn and wait of prog, the way a user of each would
// write it: procfd's Start, Wait and Close, or os/exec's Run.
func spawner(peer, prog string) (func() error, error) {
	check := func(err error, ok bool, st any) error {
		if err == nil && !ok {
			err = fmt.Errorf("%s: %v", prog, st)
		}
		return err
	}
	switch peer {
	case "exec":
		return func() error { return exec.Command(prog).Run() }, nil
	case "pidfd", "pipe":
		attr := &procfd.Attr{Backend: procfd.Backend(peer)}
		return func() error {
			h, err := procfd.Start(prog, []string{prog}, attr)
			if err != nil {
				return err
			}
			defer h.Close()
			st, err := h.Wait(context.Background())
			return check(err, err == nil && st.Success(), st)
		}, nil
	}
	return nil, fmt.Errorf("unknown peer %q", peer)
}

// touchedHeap allocates gib GiB and writes every page, so that the memory
// is really mapped: a spawn that copied or walked the parent's page tables
// would pay for it.
func touchedHeap(gib int) []byte {
	if gib == 0 {
		return nil
	}
	heap := make([]byte, gib<<30)
	for i := 0; i < len(heap); i += 4096 {
		heap[i] = 1
	}
	return heap
}
