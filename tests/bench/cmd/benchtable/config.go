//go:build linux

package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// config holds the sizes of a run. Each has an environment variable so that
// a quick run (BENCH_REPS=1 BENCH_WAITERS=1000 ...) can check the
// instrument itself; the defaults are what issue 9 asks for and fit in ten
// minutes on two unloaded cores.
type config struct {
	reps         int   // BENCH_REPS: repetitions; each figure is their median
	waitReps     int   // BENCH_WAIT_REPS: the same for sections 4 to 6 (default BENCH_REPS), whose repetitions start tens of thousands of children
	spawns       int   // BENCH_SPAWNS: spawns per one-at-a-time measurement (sections 1, 3)
	parSpawns    int   // BENCH_PAR_SPAWNS: spawns per parallel measurement (section 2)
	heapsGiB     []int // BENCH_HEAPS_GIB: parent heap sizes of section 3; 0 must be one
	waiters      int   // BENCH_WAITERS: children awaited at once (sections 4, 5)
	waitersSmall int   // BENCH_WAITERS_SMALL: the other end of the RSS difference, read in the same process
	execWaiters  int   // BENCH_EXEC_WAITERS: os/exec's (and its procfd peer's) count
	latSamples   int   // BENCH_LATENCY_SAMPLES: kills timed per repetition (section 5); p50 and p99 are of every repetition's samples
	pyWaiters    int   // BENCH_PY_WAITERS: children awaited from Python (section 6)
	sections     map[int]bool
}

func loadConfig() (config, error) {
	c := config{
		reps:         envInt("BENCH_REPS", 5),
		spawns:       envInt("BENCH_SPAWNS", 400),
		parSpawns:    envInt("BENCH_PAR_SPAWNS", 600),
		waiters:      envInt("BENCH_WAITERS", 10000),
		waitersSmall: envInt("BENCH_WAITERS_SMALL", 1000),
		execWaiters:  envInt("BENCH_EXEC_WAITERS", 2000),
		latSamples:   envInt("BENCH_LATENCY_SAMPLES", 200),
		pyWaiters:    envInt("BENCH_PY_WAITERS", 2000),
		sections:     map[int]bool{},
	}
	c.waitReps = envInt("BENCH_WAIT_REPS", c.reps)
	heaps, err := envList("BENCH_HEAPS_GIB", "0,1,4")
	if err != nil {
		return c, err
	}
	c.heapsGiB = heaps
	secs, err := envList("BENCH_SECTIONS", "1,2,3,4,5,6")
	if err != nil {
		return c, err
	}
	for _, s := range secs {
		c.sections[s] = true
	}
	if c.reps < 1 || c.waitReps < 1 {
		return c, fmt.Errorf("BENCH_REPS and BENCH_WAIT_REPS must be at least 1")
	}
	if c.sections[3] && (len(c.heapsGiB) == 0 || c.heapsGiB[0] != 0) {
		return c, fmt.Errorf("BENCH_HEAPS_GIB must start with 0, the size the others are compared with")
	}
	return c, nil
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v >= 0 {
		return v
	}
	return def
}

func envList(name, def string) ([]int, error) {
	s := os.Getenv(name)
	if s == "" {
		s = def
	}
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 0 {
			return nil, fmt.Errorf("%s: %q is not a list of counts", name, s)
		}
		out = append(out, v)
	}
	return out, nil
}
