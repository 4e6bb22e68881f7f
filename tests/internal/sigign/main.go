//go:build linux

// Command sigign plays a program that sets SIGCHLD to SIG_IGN, so that the
// kernel reaps its children itself, and also owns a child through procfd:
//
//	sigign BACKEND reaped    the child has exited and been reaped by the
//	                         kernel before Wait is called
//	sigign BACKEND running   Wait is called while the child still runs
//
// With a third argument "probed", procfd probes its backends (through
// DefaultBackend) before SIGCHLD is ignored, as in a program that ignores
// SIGCHLD only later in its life.
//
// It prints "status: <Status>" or "error: <err>" with whether the error
// matches procfd.ErrStatusLost and syscall.ECHILD, then "sigchld ignored:
// <bool>" as the kernel sees it after Wait. It exits 0 if it got that far,
// 1 if the setup did not do what it must (SIGCHLD not ignored, child not
// reaped by the kernel), and it never waits longer than 10s for anything.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
)

func main() {
	if len(os.Args) != 3 && (len(os.Args) != 4 || os.Args[3] != "probed") {
		fail("usage: sigign BACKEND reaped|running [probed]")
	}
	backend, mode := procfd.Backend(os.Args[1]), os.Args[2]
	if len(os.Args) == 4 {
		fmt.Printf("default backend: %s\n", procfd.DefaultBackend())
	}

	// Go's signal.Ignore installs SIG_IGN in the kernel for SIGCHLD;
	// check it rather than trust it, since auto-reaping hangs on that.
	signal.Ignore(syscall.SIGCHLD)
	if !procstat.Ignored(syscall.SIGCHLD) {
		fail("signal.Ignore did not set SIGCHLD to SIG_IGN")
	}

	script := "exit 3"
	if mode == "running" {
		script = "sleep 0.3; exit 3"
	}
	h, err := procfd.Start("/bin/sh", []string{"sh", "-c", script},
		&procfd.Attr{Backend: backend, Files: []*os.File{nil, nil, nil}})
	if err != nil {
		fail("start: %v", err)
	}
	defer h.Close()

	switch mode {
	case "reaped":
		// With SIG_IGN the kernel reaps the child as it exits: it
		// never shows as a zombie, its /proc entry just goes.
		deadline := time.Now().Add(10 * time.Second)
		for procstat.IsChild(h.Pid()) {
			if procstat.IsZombie(h.Pid()) && time.Now().After(deadline) {
				fail("the kernel did not reap pid %d: SIGCHLD is not ignored", h.Pid())
			}
			if time.Now().After(deadline) {
				fail("pid %d did not exit", h.Pid())
			}
			time.Sleep(time.Millisecond)
		}
	case "running":
	default:
		fail("unknown mode %q", mode)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := h.Wait(ctx)
	if err != nil {
		fmt.Printf("error: %v\nstatus lost: %v\nechild: %v\n",
			err, errors.Is(err, procfd.ErrStatusLost), errors.Is(err, syscall.ECHILD))
	} else {
		fmt.Printf("status: %v\nrusage: %v\n", st, st.Rusage != nil)
	}
	fmt.Printf("sigchld ignored: %v\n", procstat.Ignored(syscall.SIGCHLD))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "sigign: "+format+"\n", args...)
	os.Exit(1)
}
