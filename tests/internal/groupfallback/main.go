//go:build linux

// Command groupfallback plays a program that may make no cgroup: run it
// where the cgroup v2 hierarchy is read-only (a mount namespace of its own
// with the hierarchy remounted read-only, as the Linux suite does). It
// prints, one per line,
//
//	default: <the mechanism NewGroup picked> | error: <err>
//	forced cgroup: <NewGroup's error> | ok
//	start in the default group: ok | error: <err>, closed: ok | error: <err>
//
// and exits 0 if it got that far.
package main

import (
	"fmt"
	"os"

	"github.com/procfd/procfd"
)

func main() {
	g, err := procfd.NewGroup(nil)
	if err != nil {
		fmt.Println("default: error:", err)
		os.Exit(1)
	}
	fmt.Println("default:", g.Mechanism())

	if forced, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: procfd.MechanismCgroup}); err != nil {
		fmt.Println("forced cgroup:", err)
	} else {
		forced.Close()
		fmt.Println("forced cgroup: ok")
	}

	started := "ok"
	h, err := procfd.Start("/bin/sh", []string{"sh", "-c", "sleep 1000 & sleep 1000"}, &procfd.Attr{Group: g})
	if err != nil {
		started = "error: " + err.Error()
	}

	closed := "ok"
	if err := g.Kill(); err != nil {
		closed = "error: kill: " + err.Error()
	} else if err := g.Close(); err != nil {
		closed = "error: " + err.Error()
	}
	if h != nil {
		h.Wait(nil)
		h.Close()
	}
	fmt.Printf("start in the default group: %s, closed: %s\n", started, closed)
}
