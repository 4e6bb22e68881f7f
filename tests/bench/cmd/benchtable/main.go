//go:build linux

// Command benchtable runs the side-by-side benchmark of issue 9 and prints
// one markdown table: each row a figure of procfd's beside a peer's (C
// posix_spawn, a one-thread C epoll loop over pidfds, Go's os/exec, Python's
// asyncio) from the same run, and their ratio. Every figure is the median of
// several repetitions, and within a repetition procfd's measurements and
// its peers' take turns, so that a load that comes and goes on the machine
// falls on both.
//
// Each measurement is a process of its own: the C programs of tests/bench/c,
// which it compiles with cc, tests/bench/python/waiters.py, or this binary
// again as a worker ("benchtable worker spawn|heap|wait ..."). ./build.sh bench
// builds libprocfd.so first and runs it; the environment variables of
// config.go size a run.
//
// Usage: benchtable -prefix DIR [-repo DIR] [-work DIR]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "worker" {
		if err := worker(os.Args[2], os.Args[3:]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	prefix := flag.String("prefix", "build", "where ./build.sh lib put lib/libprocfd.so and include/procfd.h")
	repo := flag.String("repo", ".", "the procfd source tree")
	work := flag.String("work", "", "directory for the C programs (default: a temporary one)")
	flag.Parse()
	if err := run(*prefix, *repo, *work); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func worker(kind string, args []string) error {
	switch kind {
	case "spawn":
		return workerSpawn(args)
	case "heap":
		return workerHeap(args)
	case "wait":
		return workerWait(args)
	}
	return fmt.Errorf("unknown worker %q", kind)
}

func run(prefix, repo, work string) error {
	started := time.Now()
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	if prefix, err = filepath.Abs(prefix); err != nil {
		return err
	}
	if repo, err = filepath.Abs(repo); err != nil {
		return err
	}
	if work == "" {
		if work, err = os.MkdirTemp("", "benchtable"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	b := &bench{cfg: cfg, self: self, prefix: prefix, repo: repo, res: results{}}
	b.progs = buildPrograms(filepath.Join(repo, "tests", "bench"), prefix, work)
	for name, why := range b.progs.skipped {
		fmt.Fprintf(os.Stderr, "benchtable: %s not built, its rows are skipped: %s\n", name, why)
	}
	facts := machineFacts()
	reader := b.progs.reader
	if reader != "/bin/cat" {
		reader = "tests/bench/c/reader.c"
	}
	facts = append(facts, "awaited children (sections 4 to 6): "+reader+", which reads stdin to its end")
	loadBefore := loadAverage()

	steps := []struct {
		on   bool
		name string
		run  func()
	}{
		{cfg.sections[1], "1", b.spawnOneAtATime},
		{cfg.sections[2], "2", b.spawnParallel},
		{cfg.sections[3], "3", b.spawnBigParent},
		{cfg.sections[4] || cfg.sections[5], "4-5", b.waiting},
		{cfg.sections[6], "6", b.python},
	}
	took := "sections took"
	for _, s := range steps {
		if s.on {
			t0 := time.Now()
			s.run()
			took += fmt.Sprintf(" %s: %s,", s.name, time.Since(t0).Round(time.Second))
		}
	}

	facts = append(facts,
		fmt.Sprintf("load average (1 min) %s at the start, %s at the end; each figure the median of %s, peers alternating with procfd",
			loadBefore, loadAverage(), repetitions(cfg)),
		fmt.Sprintf("benchtable ran %s (%s)", time.Since(started).Round(time.Second), strings.TrimSuffix(took, ",")))
	printTable(os.Stdout, facts, b.rows)
	if len(b.failures) > 0 {
		fmt.Println()
		for _, f := range b.failures {
			fmt.Println("failed:", f)
		}
		return fmt.Errorf("%d measurements failed", len(b.failures))
	}
	return nil
}

func repetitions(cfg config) string {
	if cfg.waitReps == cfg.reps {
		return fmt.Sprintf("%d repetitions", cfg.reps)
	}
	return fmt.Sprintf("%d repetitions (sections 4 to 6: %d)", cfg.reps, cfg.waitReps)
}
