//go:build linux

// Command hiddenmember shows the limit of the process-group mechanism
// where /proc hides processes: run it where a process of another user is
// invisible to it (a proc mounted with hidepid=2 and a gid it is not in,
// and no CAP_SYS_PTRACE), as the Linux suite does. It starts, in a pgroup
// group, a member that turns itself into user nobody, and prints, one per
// line,
//
//	hidden: <whether /proc/PID of the member is gone from view>
//	pids: <Pids>
//	wait: <Wait's result, with a second to wait>
//	member runs: <whether the member's handle says it has not exited>
//	killed through its handle: ok | error: <err>
//
// and exits 0 if it got that far.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/procfd/procfd"
)

const becomeNobody = `exec setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo nobody; exec sleep 1000'`

func main() {
	g, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: procfd.MechanismProcessGroup, KillOnClose: true})
	if err != nil {
		fail("new group", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		fail("pipe", err)
	}
	h, err := procfd.Start("/bin/sh", []string{"sh", "-c", becomeNobody},
		&procfd.Attr{Group: g, Files: []*os.File{nil, w, os.Stderr}})
	if err != nil {
		fail("start", err)
	}
	defer h.Close()
	w.Close()
	if _, err := bufio.NewReader(r).ReadString('\n'); err != nil {
		fail("read the member's line", err)
	}

	_, err = os.Stat(fmt.Sprintf("/proc/%d", h.Pid()))
	fmt.Println("hidden:", errors.Is(err, os.ErrNotExist))
	pids, err := g.Pids()
	fmt.Println("pids:", pids, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	fmt.Println("wait:", g.Wait(ctx))
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	_, err = h.Wait(done)
	fmt.Println("member runs:", errors.Is(err, context.Canceled))

	killed := "ok"
	if err := h.Kill(); err != nil {
		killed = "error: " + err.Error()
	} else if _, err := h.Wait(nil); err != nil {
		killed = "error: wait: " + err.Error()
	}
	fmt.Println("killed through its handle:", killed)
	if err := g.Close(); err != nil {
		fail("close", err)
	}
}

func fail(what string, err error) {
	fmt.Printf("%s: %v\n", what, err)
	os.Exit(1)
}
