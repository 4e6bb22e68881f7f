//go:build unix

// Command nofile shows which RLIMIT_NOFILE a child of a Go program gets from
// procfd. It prints "own: N", its own soft limit (which the Go runtime
// raised at start), then starts `sh -c 'ulimit -Sn'` with procfd on the
// backend named by its argument, and prints "child: N" from what the child
// says. Run it under a lowered soft limit: sh -c 'ulimit -Sn 256 && exec nofile pidfd'.
// A second argument N makes it set its own soft limit to N first, as a
// program may: the child must then get N, as os/exec gives it.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/procfd/procfd"
)

func main() {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		fail("getrlimit: %v", err)
	}
	if len(os.Args) > 2 {
		if _, err := fmt.Sscan(os.Args[2], &lim.Cur); err != nil {
			fail("soft limit %q: %v", os.Args[2], err)
		}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			fail("setrlimit: %v", err)
		}
	}
	fmt.Printf("own: %d\n", lim.Cur)

	r, w, err := os.Pipe()
	if err != nil {
		fail("pipe: %v", err)
	}
	attr := &procfd.Attr{Backend: procfd.Backend(os.Args[1]), Files: []*os.File{nil, w, os.Stderr}}
	h, err := procfd.Start("/bin/sh", []string{"sh", "-c", "ulimit -Sn"}, attr)
	if err != nil {
		fail("%v", err)
	}
	w.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		fail("read: %v", err)
	}
	if st, err := h.Wait(context.Background()); err != nil || !st.Success() {
		fail("child: %v %v", st, err)
	}
	fmt.Printf("child: %s\n", strings.TrimSpace(string(out)))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "nofile: "+format+"\n", args...)
	os.Exit(1)
}
