//go:build linux

// Command tree runs one shell script three ways and tells what each leaves
// running once it is told to stop: os/exec's CommandContext, and procfd
// groups on each Linux mechanism. The script starts three descendants and
// exits: a background child, a double fork, and a daemon (setsid, then a
// fork), as service scripts do.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/procfd/procfd"
)

const script = `sleep 1000 & echo $!
(sleep 1002 & echo $!)
setsid sh -c 'sleep 1001 & echo $!'
wait`

func main() {
	report("os/exec CommandContext", withCommandContext)
	for _, m := range []procfd.Mechanism{procfd.MechanismCgroup, procfd.MechanismProcessGroup} {
		report("procfd group ("+string(m)+"), Close with KillOnClose", func(out *os.File) (func(), error) {
			return withGroup(m, out)
		})
	}
}

// report runs one way of starting the script, stops it, and prints how
// many of the three descendants still run.
func report(name string, start func(out *os.File) (stop func(), err error)) {
	r, w, err := os.Pipe()
	check(err)
	defer r.Close()
	stop, err := start(w)
	w.Close()
	if err != nil {
		fmt.Printf("%-52s skipped: %v\n", name, err)
		return
	}
	lines := bufio.NewReader(r)
	var pids []int
	for range 3 {
		line, err := lines.ReadString('\n')
		check(err)
		var pid int
		fmt.Sscan(strings.TrimSpace(line), &pid)
		pids = append(pids, pid)
	}
	began := time.Now()
	stop()
	took := time.Since(began)
	left := 0
	for _, pid := range pids {
		if running(pid) {
			left++
			syscall.Kill(pid, syscall.SIGKILL) // not ours to leave behind
		}
	}
	fmt.Printf("%-52s stopped in %6.1f ms, %d of 3 descendants still running\n",
		name, float64(took.Microseconds())/1000, left)
}

func withCommandContext(out *os.File) (func(), error) {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "sh", "-c", script)
	cmd.Stdout = out
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	return func() {
		cancel()
		cmd.Wait()
	}, nil
}

func withGroup(mechanism procfd.Mechanism, out *os.File) (func(), error) {
	g, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: mechanism, KillOnClose: true})
	if err != nil {
		return nil, err
	}
	sh, err := exec.LookPath("sh")
	check(err)
	h, err := procfd.Start(sh, []string{"sh", "-c", script}, &procfd.Attr{Group: g, Files: []*os.File{nil, out, os.Stderr}})
	if err != nil {
		g.Close()
		return nil, err
	}
	return func() {
		g.Close()
		h.Wait(nil)
		h.Close()
	}, nil
}

// running reports whether pid is a live process (not a zombie).
func running(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && len(s) > i+2 && s[i+2] != 'Z'
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "tree:", err)
		os.Exit(1)
	}
}
