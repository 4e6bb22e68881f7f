//go:build linux

// Command hostsigchld plays a host program whose own C handler takes
// SIGCHLD, so that procfd's death watch cannot catch it, and closes
// KillOnClose handles on the pipe backend whose child leaves an orphaned
// grandchild holding the death pipe: nothing but a look at the child tells
// procfd it has died.
//
//	hostsigchld ROUNDS
//
// It prints "rounds N", "reaped N" (closes after which the child no longer
// exists), "elapsed_ms N" for all the closes together and "host_sigchld
// true" once its handler ran, and exits 0 if it got that far.
package main

/*
#include <errno.h>
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t host_sigchld_count;

static void host_sigchld(int sig) { (void)sig; host_sigchld_count++; }

static int host_sigchld_seen(void) { return host_sigchld_count > 0; }

// SA_ONSTACK: the Go runtime requires it of a handler that may run on its
// threads.
static int install_host_sigchld(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = host_sigchld;
	sa.sa_flags = SA_RESTART | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGCHLD, &sa, NULL) < 0 ? -errno : 0;
}
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/procfd/procfd"
)

func main() {
	if len(os.Args) != 2 {
		fail("usage: hostsigchld ROUNDS")
	}
	rounds, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fail("rounds: %v", err)
	}
	if rc := C.install_host_sigchld(); rc < 0 {
		fail("sigaction: %v", syscall.Errno(-rc))
	}
	reaped := 0
	var elapsed time.Duration
	for range rounds {
		r, w, err := os.Pipe()
		if err != nil {
			fail("pipe: %v", err)
		}
		// The grandchild inherits the death pipe's write end and
		// outlives the child; its pid comes back on w.
		h, err := procfd.Start("/bin/sh", []string{"sh", "-c", "sleep 1000 & echo $!; wait"},
			&procfd.Attr{Backend: procfd.BackendPipe, KillOnClose: true, Files: []*os.File{nil, w, nil}})
		if err != nil {
			fail("start: %v", err)
		}
		w.Close()
		var grandchild int
		if _, err := fmt.Fscan(r, &grandchild); err != nil {
			fail("read pid: %v", err)
		}
		r.Close()

		t0 := time.Now()
		if err := h.Close(); err != nil {
			fail("close: %v", err)
		}
		elapsed += time.Since(t0)
		// Close reaped it: it is no zombie, and no longer exists.
		if err := syscall.Kill(h.Pid(), 0); err == syscall.ESRCH {
			reaped++
		}
		syscall.Kill(grandchild, syscall.SIGKILL)
	}
	fmt.Printf("rounds %d\nreaped %d\nelapsed_ms %d\nhost_sigchld %v\n", rounds, reaped,
		elapsed.Milliseconds(), C.host_sigchld_seen() != 0)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "hostsigchld: "+format+"\n", args...)
	os.Exit(1)
}
