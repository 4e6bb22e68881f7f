//go:build linux

// Command reprobe plays a program whose first use of procfd meets a full
// descriptor table: the backend probe fails with EMFILE there, and must
// not decide the backend for the rest of the program's life.
//
// With its descriptor table full it prints, one per line,
//
//	full default backend: <DefaultBackend()>
//	full default start: ok | error: <err>
//	full pidfd start: ok | error: <err> (unsupported: <bool>, emfile: <bool>)
//
// then frees the table and prints
//
//	after default backend: <DefaultBackend(), from 16 goroutines at once>
//	after open: ok | error: <err>
//	after pidfd start: <Status> | error: <err>
//	children left: <n>
//
// It exits 0 if it got that far, 1 if the setup failed. Run it with
// PROCFD_BACKEND unset.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/fdfill"
	"github.com/procfd/procfd/tests/internal/procstat"
)

func main() {
	truePath, err := exec.LookPath("true")
	check(err)
	// The runtime's own poller descriptor, made before the table fills.
	r, w, err := os.Pipe()
	check(err)
	r.Close()
	w.Close()
	check(fdfill.Lower(256))

	table, err := fdfill.Fill(0)
	check(err)
	fmt.Printf("full default backend: %s\n", procfd.DefaultBackend())
	fmt.Printf("full default start: %s\n", start(truePath, ""))
	h, err := procfd.Start(truePath, []string{"true"}, &procfd.Attr{Backend: procfd.BackendPidfd})
	if err == nil {
		fmt.Println("full pidfd start: ok")
		finish(h)
	} else {
		fmt.Printf("full pidfd start: error: %v (unsupported: %v, emfile: %v)\n", err,
			errors.Is(err, procfd.ErrUnsupported), errors.Is(err, syscall.EMFILE))
	}
	table.Free()

	// The first probe that can succeed, from 16 goroutines at once: one
	// answer for all (and, in a -race build, no data race).
	var wg sync.WaitGroup
	answers := make([]procfd.Backend, 16)
	for i := range answers {
		wg.Go(func() { answers[i] = procfd.DefaultBackend() })
	}
	wg.Wait()
	if distinct := slices.Compact(slices.Clone(answers)); len(distinct) != 1 {
		fmt.Printf("after default backend: differs between goroutines: %v\n", answers)
	} else {
		fmt.Printf("after default backend: %s\n", answers[0])
	}
	if h, err := procfd.Open(os.Getpid()); err != nil {
		fmt.Printf("after open: error: %v\n", err)
	} else {
		fmt.Println("after open: ok")
		h.Close()
	}
	h, err = procfd.Start(truePath, []string{"true"}, &procfd.Attr{Backend: procfd.BackendPidfd})
	if err != nil {
		fmt.Printf("after pidfd start: error: %v\n", err)
	} else {
		fmt.Printf("after pidfd start: %v\n", finish(h))
	}
	fmt.Printf("children left: %d\n", len(procstat.Children(os.Getpid())))
}

// start starts true on backend and reports how it went.
func start(path string, backend procfd.Backend) string {
	h, err := procfd.Start(path, []string{"true"}, &procfd.Attr{Backend: backend})
	if err != nil {
		return "error: " + err.Error()
	}
	finish(h)
	return "ok"
}

// finish waits for h's process and closes h.
func finish(h *procfd.Handle) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	defer h.Close()
	st, err := h.Wait(ctx)
	if err != nil {
		return "error: " + err.Error()
	}
	return st.String()
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "reprobe:", err)
		os.Exit(1)
	}
}
