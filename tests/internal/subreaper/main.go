//go:build linux

// Command subreaper plays a program that makes its process-group groups
// with GroupAttr.Subreaper, which makes the whole process a child
// subreaper: the suite runs it apart so that its own process stays as it
// is. It starts a shell in such a group that leaves two sleeps behind and
// exits, so that the sleeps are orphans and come to this process, and
// prints, one per line,
//
//	adopted: <how many of the group's processes are now our children>
//	wait: ok | error: <err>
//	zombies left: <our zombie children, the group's anchor aside>
//
// and exits 0 if it got that far.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/procfd/procfd"
)

func main() {
	g, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: procfd.MechanismProcessGroup, Subreaper: true})
	check(err)
	defer g.Close()
	h, err := procfd.Start("/bin/sh", []string{"sh", "-c", "sleep 0.5 & (sleep 0.7 &) ; exit 0"}, &procfd.Attr{Group: g})
	check(err)
	_, err = h.Wait(nil)
	check(err)
	h.Close()

	pids, err := g.Pids()
	check(err)
	adopted := 0
	for _, pid := range pids {
		if ppid, _ := stat(pid); ppid == os.Getpid() {
			adopted++
		}
	}
	fmt.Println("adopted:", adopted)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := g.Wait(ctx); err != nil {
		fmt.Println("wait: error:", err)
	} else {
		fmt.Println("wait: ok")
	}
	// The sweep that reaps the orphans runs at their SIGCHLD, which may
	// come a moment after the look that found the group empty.
	var zombies int
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		zombies = zombieChildren() - 1 // the group's anchor
		if zombies == 0 || time.Now().After(deadline) {
			break
		}
	}
	fmt.Println("zombies left:", zombies)
}

// stat returns pid's parent and state from /proc/PID/stat.
func stat(pid int) (ppid int, state byte) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	ppid, _ = strconv.Atoi(fields[1])
	return ppid, fields[0][0]
}

func zombieChildren() int {
	entries, err := os.ReadDir("/proc")
	check(err)
	n := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, state := stat(pid); ppid == os.Getpid() && state == 'Z' {
			n++
		}
	}
	return n
}

func check(err error) {
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}
