//go:build linux

// Command exhaust starts a process on each backend with exactly N free
// descriptors, for N = 0 up to a bound, and reports each trial as one JSON
// line (a Trial), for the exhaustion specs:
//
//	exhaust MAXFREE BACKEND...
//
// A trial fills the descriptor table but for N slots, calls Start; if that
// worked, fills the table again and asks for Fd (the pipe backend makes its
// eventfd then), frees one slot and asks again. Then it frees the table,
// waits for and closes the handle, and looks at its children and the
// default backend, and counts its own descriptors before and after. It
// probes the backends and starts a process on each first, as a program that
// used procfd before it ran out of descriptors.
//
// It exits 0 if it got through every trial, 1 if the setup failed. Run it
// with PROCFD_BACKEND unset.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/fdfill"
	"github.com/procfd/procfd/tests/internal/procstat"
)

// Trial is what one trial saw.
type Trial struct {
	Backend  string `json:"backend"`
	Free     int    `json:"free"`            // descriptors free at Start
	Err      string `json:"err,omitempty"`   // Start's error
	EMFILE   bool   `json:"emfile"`          // it matches syscall.EMFILE
	FullFd   bool   `json:"full_fd"`         // Fd worked with the table full again
	FreedFd  bool   `json:"freed_fd"`        // Fd worked with one slot freed
	Status   string `json:"status"`          // Wait's status or error, if started
	Children []int  `json:"children"`        // children left after the trial
	Default  string `json:"default_backend"` // DefaultBackend() after the trial
	Before   string `json:"default_before"`  // DefaultBackend() before any trial
	FDs      [2]int `json:"fds"`             // descriptors held before and after the trial
}

var defaultBefore procfd.Backend

func main() {
	if len(os.Args) < 3 {
		fail(errors.New("usage: exhaust MAXFREE BACKEND..."))
	}
	maxFree, err := strconv.Atoi(os.Args[1])
	check(err)
	truePath, err := exec.LookPath("true")
	check(err)
	// The runtime's poller and procfd's probe, before any table fills.
	r, w, err := os.Pipe()
	check(err)
	r.Close()
	w.Close()
	defaultBefore = procfd.DefaultBackend()
	// And each backend's lazily made state (the death watch's epoll set):
	// a trial then holds what a program that used procfd already holds.
	for _, backend := range os.Args[2:] {
		h, err := procfd.Start(truePath, []string{"true"}, &procfd.Attr{Backend: procfd.Backend(backend)})
		check(err)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err = h.Wait(ctx)
		cancel()
		check(err)
		check(h.Close())
	}
	check(fdfill.Lower(256))

	out := json.NewEncoder(os.Stdout)
	for _, backend := range os.Args[2:] {
		for free := 0; free <= maxFree; free++ {
			check(out.Encode(trial(truePath, procfd.Backend(backend), free)))
		}
	}
}

func trial(path string, backend procfd.Backend, free int) Trial {
	t := Trial{Backend: string(backend), Free: free, Before: string(defaultBefore)}
	t.FDs[0] = procstat.OpenFDs()
	table, err := fdfill.Fill(free)
	check(err)
	h, err := procfd.Start(path, []string{"true"}, &procfd.Attr{Backend: backend})
	if err == nil {
		table.Free()
		table, err = fdfill.Fill(0)
		check(err)
		t.FullFd = h.Fd() != ^uintptr(0)
		table.Free()
		table, err = fdfill.Fill(1)
		check(err)
		t.FreedFd = h.Fd() != ^uintptr(0)
	}
	table.Free()
	if err != nil {
		t.Err = err.Error()
		t.EMFILE = errors.Is(err, syscall.EMFILE)
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		st, err := h.Wait(ctx)
		cancel()
		if err != nil {
			t.Status = "error: " + err.Error()
		} else {
			t.Status = st.String()
		}
		if err := h.Close(); err != nil {
			t.Status += "; close: " + err.Error()
		}
	}
	t.Children = procstat.Children(os.Getpid())
	t.Default = string(procfd.DefaultBackend())
	t.FDs[1] = procstat.OpenFDs()
	return t
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "exhaust:", err)
	os.Exit(1)
}
