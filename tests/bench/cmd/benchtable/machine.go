//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// machineFacts is the header of the table: a figure means little without
// the machine, and on a shared machine the load beside it.
func machineFacts() []string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	kernel := strings.TrimSpace(readOr("/proc/sys/kernel/osrelease", "?"))
	facts := []string{
		fmt.Sprintf("%s, %d cores, Linux %s, %s, %s", cpu, runtime.NumCPU(), kernel,
			runtime.Version(), time.Now().UTC().Format("2006-01-02 15:04 UTC")),
	}
	if out, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		facts = append(facts, "procfd "+strings.TrimSpace(string(out)))
	}
	return facts
}

// loadAverage is the 1-minute load: other work on the machine moves the
// figures, and the ratios less.
func loadAverage() string {
	f := strings.Fields(readOr("/proc/loadavg", "?"))
	return f[0]
}

func readOr(path, def string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return def
	}
	return string(b)
}
