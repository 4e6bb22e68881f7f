//go:build linux || freebsd

// Command closefds closes every descriptor it has, including the write end
// of a death pipe it may have been started with, sleeps, then exits:
//
//	closefds SLEEP CODE     e.g. closefds 2s 5
//
// It uses raw system calls only once its descriptors are closed. Nothing
// before that starts the runtime's poller, so the runtime holds no
// descriptor of its own that closing could break.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: closefds SLEEP CODE")
		os.Exit(2)
	}
	pause, err := time.ParseDuration(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "closefds:", err)
		os.Exit(2)
	}
	code, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "closefds:", err)
		os.Exit(2)
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		fmt.Fprintln(os.Stderr, "closefds:", err)
		os.Exit(2)
	}
	// Cur is unsigned on Linux and signed on FreeBSD.
	for fd := 0; fd < int(min(uint64(lim.Cur), 1<<20)); fd++ {
		unix.Close(fd)
	}
	ts := unix.NsecToTimespec(pause.Nanoseconds())
	for unix.Nanosleep(&ts, &ts) == unix.EINTR {
	}
	unix.Exit(code)
}
