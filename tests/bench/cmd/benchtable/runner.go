//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A job is one measurement, which returns its figures by name: one value
// for most keys, every sample for a key the program repeats.
type job struct {
	name string
	run  func() (map[string][]float64, error)
}

// cmdJob is a measurement by a program run in a process of its own, so that
// no figure inherits another's threads, heap, signal handlers or children.
// The program prints "key value" lines; a key may repeat (lat_us, one line
// per sample). env is added to the driver's environment.
func cmdJob(name string, argv []string, env ...string) job {
	return job{name: name, run: func() (map[string][]float64, error) { return runCmd(argv, env) }}
}

// results holds, per job and key, one figure per repetition, or for a
// repeated key every sample of every repetition, pooled.
type results map[string]map[string][]float64

// jobTimeout bounds one measurement, so that a hung child cannot eat the
// run's ten minutes unnoticed.
const jobTimeout = 4 * time.Minute

// runAlternating runs every job once per repetition, in an order that turns
// by one each repetition: peers alternate with procfd, and none always runs
// first, right after the one that leaves the most to clean up.
func runAlternating(label string, reps int, jobs []job, res results, failures *[]string) {
	t0 := time.Now()
	defer func() { fmt.Fprintf(os.Stderr, "  %s: %s\n", label, time.Since(t0).Round(time.Second)) }()
	for rep := range reps {
		tRep := time.Now()
		for i := range jobs {
			j := jobs[(i+rep)%len(jobs)]
			figures, err := j.run()
			if err != nil {
				f := fmt.Sprintf("%s: %v", j.name, err)
				fmt.Fprintln(os.Stderr, "  failed:", f)
				*failures = append(*failures, f)
				continue
			}
			if res[j.name] == nil {
				res[j.name] = map[string][]float64{}
			}
			for k, vs := range figures {
				res[j.name][k] = append(res[j.name][k], vs...)
			}
		}
		fmt.Fprintf(os.Stderr, "  %s: repetition %d of %d took %s\n", label, rep+1, reps, time.Since(tRep).Round(time.Second))
	}
}

// runCmd runs argv and returns its figures: the values of each key.
func runCmd(argv, env []string) (map[string][]float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A grandchild left holding our pipes must not hold the run up.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, firstLine(stderr.String()))
	}
	figures := map[string][]float64{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		key, v, err := parseFigure(sc.Text())
		if err != nil {
			return nil, err
		}
		figures[key] = append(figures[key], v)
	}
	return figures, nil
}

// parseFigure reads a "key value" line.
func parseFigure(line string) (string, float64, error) {
	f := strings.Fields(line)
	if len(f) == 2 {
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			return f[0], v, nil
		}
	}
	return "", 0, fmt.Errorf("unexpected output line %q", line)
}

// median of job's key: of its repetitions, or of the samples of every
// repetition for a repeated key; NaN if none ran.
func (r results) median(job, key string) float64 { return r.quantile(job, key, 50) }

// quantile is the p-th percentile of job's key, as median.
func (r results) quantile(job, key string, p float64) float64 {
	return percentile(r[job][key], p)
}

// percentile by nearest rank: a value that was measured, never one between.
func percentile(vs []float64, p float64) float64 {
	if len(vs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(i, 0)]
}
