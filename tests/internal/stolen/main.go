//go:build linux

// Command stolen owns a child through procfd while other code of the
// process reaps children behind procfd's back:
//
//	stolen BACKEND THIEF WHEN
//
// THIEF is "sigign" (SIGCHLD set to SIG_IGN: the kernel reaps) or "reaper"
// (a thread loops on waitpid(-1)). WHEN is "reaped" (the child is gone
// before Wait is called) or "running" (Wait is pending as it ends). BACKEND
// is pidfd, pipe, or one of adversary's pipe-* names. The child exits with code 3.
//
// It prints "status: <Status>" or "error: <err>" with "status lost:
// <bool>", and exits 0 if it got that far; it never waits longer than 10s.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/adversary"
	"github.com/procfd/procfd/tests/internal/procstat"
)

func main() {
	if len(os.Args) != 4 {
		fail("usage: stolen BACKEND sigign|reaper reaped|running")
	}
	backend, err := adversary.Backend(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	when := os.Args[3]
	if err := adversary.StartThief(os.Args[2]); err != nil {
		fail("%v", err)
	}

	script := "exit 3"
	if when == "running" {
		script = "sleep 0.3; exit 3"
	}
	h, err := procfd.Start("/bin/sh", []string{"sh", "-c", script},
		&procfd.Attr{Backend: backend, Files: []*os.File{nil, nil, nil}})
	if err != nil {
		fail("start: %v", err)
	}
	defer h.Close()
	switch when {
	case "reaped":
		deadline := time.Now().Add(10 * time.Second)
		for procstat.IsChild(h.Pid()) {
			if time.Now().After(deadline) {
				fail("pid %d was not reaped behind procfd's back", h.Pid())
			}
			time.Sleep(time.Millisecond)
		}
	case "running":
	default:
		fail("unknown mode %q", when)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := h.Wait(ctx)
	if err != nil {
		fmt.Printf("error: %v\nstatus lost: %v\n", err, errors.Is(err, procfd.ErrStatusLost))
	} else {
		fmt.Printf("status: %v\n", st)
	}
	if err := h.Signal(syscall.Signal(0)); !errors.Is(err, os.ErrProcessDone) {
		fmt.Printf("signal after the end: %v\n", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "stolen: "+format+"\n", args...)
	os.Exit(1)
}
