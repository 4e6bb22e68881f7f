//go:build linux

package main

import (
	"fmt"
	"path/filepath"
	"strconv"
)

// bench is one run of the table: what it measures with, and what it found.
type bench struct {
	cfg      config
	progs    programs
	self     string // this binary, which is also the Go worker
	prefix   string // where ./build.sh lib put libprocfd.so and procfd.h
	repo     string // the source tree, for bind/python and tests/bench
	res      results
	failures []string
	rows     []row
}

func (b *bench) goSpawn(name, peer, prog string, n, par int) job {
	return cmdJob(name, []string{b.self, "worker", "spawn", "-peer", peer, "-prog", prog,
		"-n", strconv.Itoa(n), "-par", strconv.Itoa(par)})
}

func (b *bench) goWait(name, peer string, n, small, probes int) job {
	return cmdJob(name, []string{b.self, "worker", "wait", "-peer", peer, "-n", strconv.Itoa(n),
		"-small", strconv.Itoa(small), "-probes", strconv.Itoa(probes), "-pause", b.progs.pause, "-child", b.progs.reader})
}

// pair adds a row of procfd's job beside a peer's, both medians of key.
func (b *bench) pair(section, measure, subject, subjJob, peer, peerJob, key, target string) {
	b.pairQuantile(section, measure, subject, subjJob, peer, peerJob, key, 50, target)
}

// pairQuantile is pair with the p-th percentile for the median.
func (b *bench) pairQuantile(section, measure, subject, subjJob, peer, peerJob, key string, p float64, target string) {
	b.rows = append(b.rows, row{section: section, measure: measure,
		subject: subject, subj: b.res.quantile(subjJob, key, p),
		peer: peer, peerV: b.res.quantile(peerJob, key, p), target: target})
}

func (b *bench) skip(section, measure, why string) {
	b.rows = append(b.rows, row{section: section, measure: measure, why: why})
}

var backends = []struct{ peer, label string }{{"pidfd", "pidfd"}, {"pipe", "pipe"}}

// spawnOneAtATime is section 1: spawn and wait, one at a time.
func (b *bench) spawnOneAtATime() {
	type prog struct{ label, path string }
	progs := []prog{{"static trivial", b.progs.trivial}, {"/bin/true", "/bin/true"}}
	var jobs []job
	for _, p := range progs {
		if p.path == "" {
			continue
		}
		n := strconv.Itoa(b.cfg.spawns)
		if b.progs.spawnLoop != "" {
			jobs = append(jobs, cmdJob("1 c "+p.label, []string{b.progs.spawnLoop, p.path, n}))
		}
		if b.progs.capiLoop != "" {
			jobs = append(jobs, cmdJob("1 capi "+p.label, []string{b.progs.capiLoop, p.path, n}))
		}
		for _, peer := range []string{"exec", "pidfd", "pipe"} {
			jobs = append(jobs, b.goSpawn("1 "+peer+" "+p.label, peer, p.path, b.cfg.spawns, 1))
		}
	}
	runAlternating("1 spawn+wait", b.cfg.reps, jobs, b.res, &b.failures)

	for _, p := range progs {
		m := p.label + ", µs per spawn"
		if p.path == "" {
			b.skip("1", m, "no static trivial program: "+b.progs.skipped["trivial"])
			continue
		}
		k := "us_per_spawn"
		c, exec := "1 c "+p.label, "1 exec "+p.label
		for _, be := range backends {
			self := "1 " + be.peer + " " + p.label
			b.pair("1", m, be.label, self, "C posix_spawn+waitpid", c, k, "≤ 1.10")
			b.pair("1", m, be.label, self, "Go os/exec", exec, k, "< 1.00")
		}
		if b.progs.capiLoop == "" {
			b.skip("1", m+", C ABI", b.progs.skipped["capi_spawn_loop"])
		} else {
			b.pair("1", m, "C ABI (default backend)", "1 capi "+p.label, "C posix_spawn+waitpid", c, k, "≤ 1.15")
		}
		b.pair("1", m, "(reference) Go os/exec", exec, "C posix_spawn+waitpid", c, k, "")
	}
}

// spawnParallel is section 2: spawns per second from 1, 2 and 8 goroutines.
func (b *bench) spawnParallel() {
	prog, label := b.progs.trivial, "static trivial"
	if prog == "" {
		prog, label = "/bin/true", "/bin/true"
	}
	pars := []int{1, 2, 8}
	var jobs []job
	for _, par := range pars {
		for _, peer := range []string{"exec", "pidfd", "pipe"} {
			jobs = append(jobs, b.goSpawn(fmt.Sprintf("2 %s %d", peer, par), peer, prog, b.cfg.parSpawns, par))
		}
	}
	runAlternating("2 spawns in parallel", b.cfg.reps, jobs, b.res, &b.failures)
	for _, par := range pars {
		m := fmt.Sprintf("%s, spawns/s from %d goroutines", label, par)
		if par == 1 {
			m = label + ", spawns/s from 1 goroutine"
		}
		for _, be := range backends {
			b.pair("2", m, be.label, fmt.Sprintf("2 %s %d", be.peer, par),
				"Go os/exec", fmt.Sprintf("2 exec %d", par), "spawns_per_s", "≥ 1.00")
		}
	}
}

// spawnBigParent is section 3: spawn and wait from a parent with 0, 1 and
// 4 GiB of touched heap, each size in a process of its own (workerHeap)
// that is set up once and then asked for one figure at a time, the sizes
// and peers taking turns.
func (b *bench) spawnBigParent() {
	prog := b.progs.trivial
	if prog == "" {
		prog = "/bin/true"
	}
	peers := []struct{ peer, label, subject, target string }{
		{"pidfd", "pidfd", "pidfd", "≤ 1.20"}, {"pipe", "pipe", "pipe", "≤ 1.20"},
		{"exec", "Go os/exec", "(reference) Go os/exec", ""},
	}
	name := func(peer string, gib int) string { return fmt.Sprintf("3 %s %d", peer, gib) }
	var jobs []job
	var servers []*server
	for _, gib := range b.cfg.heapsGiB {
		srv, err := startServer([]string{b.self, "worker", "heap", "-prog", prog,
			"-n", strconv.Itoa(b.cfg.spawns), "-heap", strconv.Itoa(gib)})
		if err != nil {
			b.failures = append(b.failures, fmt.Sprintf("section 3, %d GiB: %v", gib, err))
			continue
		}
		servers = append(servers, srv)
		for _, p := range peers {
			jobs = append(jobs, job{name: name(p.peer, gib), run: func() (map[string][]float64, error) { return srv.ask(p.peer) }})
		}
	}
	// The heaps are touched at once, on both cores; measuring starts when
	// all are ready.
	for _, srv := range servers {
		if err := <-srv.ready; err != nil {
			b.failures = append(b.failures, fmt.Sprintf("section 3 worker: %v", err))
		}
	}
	runAlternating("3 big parent", b.cfg.reps, jobs, b.res, &b.failures)
	for _, srv := range servers {
		if err := srv.stop(); err != nil {
			b.failures = append(b.failures, fmt.Sprintf("section 3 worker: %v", err))
		}
	}
	for _, gib := range b.cfg.heapsGiB[1:] {
		m := fmt.Sprintf("µs per spawn, %d GiB heap over none", gib)
		for _, p := range peers {
			b.pair("3", m, p.subject, name(p.peer, gib), p.label+", no heap", name(p.peer, 0), "us_per_spawn", p.target)
		}
	}
}

// waiting is sections 4 and 5, which share their big runs: the kills of
// section 5 are timed while section 4's waiters wait.
func (b *bench) waiting() {
	probes := 0
	if b.cfg.sections[5] {
		probes = b.cfg.latSamples
	}
	n, small, nx := b.cfg.waiters, b.cfg.waitersSmall, b.cfg.execWaiters
	floor := b.progs.epollWaiters != "" && b.progs.pause != ""
	cJob := func(name string, n, probes int) job {
		return cmdJob(name, []string{b.progs.epollWaiters, strconv.Itoa(n), strconv.Itoa(probes), b.progs.pause, b.progs.reader})
	}
	var jobs []job
	if floor {
		jobs = append(jobs, cJob("4 c big", n, probes))
	}
	for _, be := range backends {
		jobs = append(jobs, b.goWait("4 "+be.peer+" big", be.peer, n, small, probes))
	}
	if b.cfg.sections[4] {
		jobs = append(jobs, b.goWait("4 pidfd exec-size", "pidfd", nx, 0, 0), b.goWait("4 exec exec-size", "exec", nx, 0, 0))
	}
	if b.cfg.sections[5] {
		if floor {
			jobs = append(jobs, cJob("5 c idle", 0, probes))
		}
		for _, be := range backends {
			jobs = append(jobs, b.goWait("5 "+be.peer+" idle", be.peer, 0, 0, probes))
		}
	}
	runAlternating("4-5 waiting", b.cfg.waitReps, jobs, b.res, &b.failures)

	if b.cfg.sections[4] {
		b.waitingRows(floor, n, small, nx)
	}
	if b.cfg.sections[5] {
		b.latencyRows(floor, n)
	}
}

func (b *bench) waitingRows(floor bool, n, small, nx int) {
	floorLabel := "C floor: pidfds + epoll, 1 thread"
	for _, be := range backends {
		big := "4 " + be.peer + " big"
		if floor {
			b.pair("4", count(n)+" waiters: release to all reaped, ms", be.label, big, floorLabel, "4 c big", "release_ms", "≤ 1.25")
		} else {
			b.skip("4", "release to all reaped, C floor", b.progs.skipped["epoll_waiters"])
		}
		b.pair("4", count(n)+" waiters: OS threads while waiting", be.label, big, floorLabel, "4 c big", "threads", "≤ 16 threads")
		b.rows = append(b.rows, row{section: "4",
			measure: fmt.Sprintf("parent RSS per waiting handle, KiB ((RSS at %s − at %s) / %s)", count(n), count(small), count(n-small)),
			subject: be.label, subj: b.res.median(big, "rss_per_handle_kib"), target: "≤ 4 KiB"})
	}
	m := count(nx) + " waiters: "
	b.pair("4", m+"OS threads while waiting", "pidfd", "4 pidfd exec-size", "Go os/exec", "4 exec exec-size", "threads", "")
	b.pair("4", m+"release to all reaped, ms", "pidfd", "4 pidfd exec-size", "Go os/exec", "4 exec exec-size", "release_ms", "")
}

func (b *bench) latencyRows(floor bool, n int) {
	if !floor {
		b.skip("5", "kill to Wait, C floor", b.progs.skipped["epoll_waiters"]+" "+b.progs.skipped["pause"])
		return
	}
	for _, load := range []struct{ job, label string }{{"idle", "no other handle"}, {"big", count(n) + " other handles"}} {
		cName := "5 c idle"
		if load.job == "big" {
			cName = "4 c big"
		}
		for _, q := range []struct {
			p             float64
			label, target string
		}{{50, "p50", ""}, {99, "p99", "≤ 1.20"}} {
			m := fmt.Sprintf("kill to Wait's return, %s of %d samples, µs, %s pending", q.label, len(b.res[cName]["lat_us"]), load.label)
			for _, be := range backends {
				self := "5 " + be.peer + " idle"
				if load.job == "big" {
					self = "4 " + be.peer + " big"
				}
				b.pairQuantile("5", m, be.label, self, "C floor: pidfds + epoll", cName, "lat_us", q.p, q.target)
			}
		}
	}
}

// python is section 6: awaiting children from asyncio.
func (b *bench) python() {
	script := filepath.Join(b.repo, "tests", "bench", "python", "waiters.py")
	env := []string{
		"PYTHONPATH=" + filepath.Join(b.repo, "bind", "python"),
		"PROCFD_LIBRARY=" + filepath.Join(b.prefix, "lib", "libprocfd.so"),
		"PYTHONDONTWRITEBYTECODE=1",
	}
	n := strconv.Itoa(b.cfg.pyWaiters)
	jobs := []job{
		cmdJob("6 asyncio", []string{"python3", script, "asyncio", n, b.progs.reader}, env...),
		cmdJob("6 procfd", []string{"python3", script, "procfd", n, b.progs.reader}, env...),
	}
	runAlternating("6 python", b.cfg.waitReps, jobs, b.res, &b.failures)
	m := "Python, " + count(b.cfg.pyWaiters) + " waiters: "
	peer := "asyncio.create_subprocess_exec"
	b.pair("6", m+"OS threads while waiting", "wait_async", "6 procfd", peer, "6 asyncio", "threads", "")
	b.pair("6", m+"release to all reaped, ms", "wait_async", "6 procfd", peer, "6 asyncio", "release_ms", "")
}

// count writes a count as the table's prose does: 10,000.
func count(n int) string { return addCommas(strconv.Itoa(n)) }
