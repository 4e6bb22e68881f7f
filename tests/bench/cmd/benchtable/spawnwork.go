//go:build linux

package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
)

// workerSpawn is the Go side of sections 1 and 2: spawn and wait for a
// program n times, from par goroutines. It prints us_per_spawn (wall time
// over spawns) and spawns_per_s.
func workerSpawn(args []string) error {
	fs := flag.NewFlagSet("spawn", flag.ContinueOnError)
	peer := fs.String("peer", "pidfd", "pidfd, pipe or exec")
	prog := fs.String("prog", "", "program to spawn")
	n := fs.Int("n", 400, "spawns measured")
	par := fs.Int("par", 1, "goroutines spawning at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
	spawn, err := spawner(*peer, *prog)
	if err != nil {
		return err
	}
	if err := warmUp(spawn); err != nil {
		return err
	}
	total, elapsed, err := spawnLoop(spawn, *n, *par)
	if err != nil {
		return err
	}
	fmt.Printf("us_per_spawn %.3f\n", float64(elapsed.Microseconds())/float64(total))
	fmt.Printf("spawns_per_s %.1f\n", float64(total)/elapsed.Seconds())
	return nil
}

// workerHeap is the Go side of section 3. Touching gigabytes of fresh
// memory costs seconds per GiB on a virtual machine, far more than the
// spawns measured, so the heap is made once and the process then serves:
// each line "PEER" on stdin is answered with the us_per_spawn of n spawns
// by that peer. The driver asks the 0, 1 and 4 GiB servers in turn, which
// keeps the sizes alternating. The peers share the process, and so the
// pipe backend's SIGCHLD handler once it is installed: alike at every size.
func workerHeap(args []string) error {
	fs := flag.NewFlagSet("heap", flag.ContinueOnError)
	prog := fs.String("prog", "", "program to spawn")
	n := fs.Int("n", 400, "spawns per answer")
	heapGiB := fs.Int("heap", 0, "GiB of touched heap in the parent")
	if err := fs.Parse(args); err != nil {
		return err
	}
	spawners := map[string]func() error{}
	for _, peer := range []string{"pidfd", "pipe", "exec"} {
		spawn, err := spawner(peer, *prog)
		if err != nil {
			return err
		}
		if err := warmUp(spawn); err != nil {
			return err
		}
		spawners[peer] = spawn
	}
	heap := touchedHeap(*heapGiB)
	fmt.Printf("ready %d\n", procstat.RSSKiB())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		spawn := spawners[in.Text()]
		if spawn == nil {
			return fmt.Errorf("unknown peer %q", in.Text())
		}
		total, elapsed, err := spawnLoop(spawn, *n, 1)
		if err != nil {
			return err
		}
		fmt.Printf("us_per_spawn %.3f\n", float64(elapsed.Microseconds())/float64(total))
	}
	runtime.KeepAlive(heap)
	return in.Err()
}

// warmUp runs the first spawns, which fault in code and page cache: not
// what is measured.
func warmUp(spawn func() error) error {
	for range 20 {
		if err := spawn(); err != nil {
			return err
		}
	}
	return nil
}

// spawnLoop spawns n times in all from par goroutines and returns how many
// it did and the wall time they took.
func spawnLoop(spawn func() error, n, par int) (int, time.Duration, error) {
	per := max(n/par, 1)
	errs := make(chan error, par)
	var wg sync.WaitGroup
	t0 := time.Now()
	for range par {
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
	return per * par, elapsed, <-errs
}

// spawner returns one spawn and wait of prog, the way a user of each would
// write it: procfd's Start, Wait and Close, or os/exec's Run (which opens
// /dev/null for the three standard descriptors it is not given: part of
// what os/exec costs its users).
func spawner(peer, prog string) (func() error, error) {
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
			if err == nil && !st.Success() {
				err = fmt.Errorf("%s: %v", prog, st)
			}
			return err
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
