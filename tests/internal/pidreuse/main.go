//go:build linux

// Command pidreuse signals through stale handles while decoys hold the
// recycled PIDs, and counts the signals that reached a decoy. It runs as
// init of a private PID namespace (unshare -Urpf --mount-proc), where it
// sets pid_max small and chooses the next PID through ns_last_pid:
//
//	pidreuse BACKEND MODE TRIALS
//
// BACKEND is pidfd, pipe, or one of adversary's pipe-* names. MODE says who reaps the handle's child behind procfd's back:
//
//	sigign   SIGCHLD is SIG_IGN: the kernel reaps it
//	reaper   a thread loops on waitpid(-1)
//
// Each trial starts /bin/true on BACKEND, waits until the child is reaped,
// puts a decoy (sleep, our own child, started with SIGUSR1 blocked) on its
// PID, signals SIGUSR1 through the stale handle, and reads the decoy's
// pending signals: the kernel records a blocked signal the moment it is
// sent, so a hit shows at once. It prints "key value" lines: trials,
// sent, done, refused, failed (Signal's results), hits, and skipped (trials
// where no decoy got the PID). It exits 0 if it got that far.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/adversary"
	"github.com/procfd/procfd/tests/internal/procstat"
)

const pidMax = 400

func main() {
	if len(os.Args) != 4 {
		fail("usage: pidreuse BACKEND sigign|reaper TRIALS")
	}
	backend, err := adversary.Backend(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	mode := os.Args[2]
	trials, err := strconv.Atoi(os.Args[3])
	if err != nil {
		fail("trials: %v", err)
	}
	if os.Getpid() != 1 {
		fail("run me as init of a new PID namespace (unshare -Urpf --mount-proc)")
	}
	if err := os.WriteFile("/proc/sys/kernel/pid_max", []byte(strconv.Itoa(pidMax)), 0); err != nil {
		fmt.Printf("note: pid_max not set: %v\n", err)
	}

	if err := adversary.StartThief(mode); err != nil {
		fail("%v", err)
	}

	// Decoys are started from this thread, with SIGUSR1 blocked: a
	// procfd child keeps its parent thread's mask, and sleep never
	// changes it.
	runtime.LockOSThread()
	var usr1 unix.Sigset_t
	usr1.Val[0] = 1 << (syscall.SIGUSR1 - 1)
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &usr1, nil); err != nil {
		fail("sigmask: %v", err)
	}

	count := map[string]int{}
	for range trials {
		count["trials"]++
		trial(backend, count)
	}
	for _, k := range []string{"trials", "sent", "done", "refused", "failed", "hits", "skipped"} {
		fmt.Printf("%s %d\n", k, count[k])
	}
}

func trial(backend procfd.Backend, count map[string]int) {
	h, err := procfd.Start("/bin/true", []string{"true"},
		&procfd.Attr{Backend: backend, Files: []*os.File{nil, nil, nil}})
	if err != nil {
		fail("start: %v", err)
	}
	defer h.Close()
	pid := h.Pid()
	deadline := time.Now().Add(10 * time.Second)
	for procstat.IsChild(pid) {
		if time.Now().After(deadline) {
			fail("pid %d was not reaped behind procfd's back", pid)
		}
		time.Sleep(50 * time.Microsecond)
	}

	decoy := takePid(pid)
	if decoy == nil {
		count["skipped"]++
		return
	}
	defer decoy.Close()
	defer syscall.Kill(decoy.Pid(), syscall.SIGKILL) // alive: never reaped before this

	err = h.Signal(syscall.SIGUSR1)
	switch {
	case err == nil:
		count["sent"]++
	case errors.Is(err, os.ErrProcessDone):
		count["done"]++
	case errors.Is(err, procfd.ErrUnsupported):
		count["refused"]++
	default:
		count["failed"]++
		fmt.Printf("signal: %v\n", err)
	}
	if pendingUsr1(pid) {
		count["hits"]++
	}
}

// takePid starts a decoy on pid, or returns nil if other processes (or
// threads) keep taking it first.
func takePid(pid int) *procfd.Handle {
	for range 20 {
		if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(pid-1)), 0); err != nil {
			fail("ns_last_pid: %v", err)
		}
		d, err := procfd.Start("/bin/sleep", []string{"sleep", "1000"},
			&procfd.Attr{Files: []*os.File{nil, nil, nil}})
		if err != nil {
			fail("start decoy: %v", err)
		}
		if d.Pid() == pid {
			return d
		}
		syscall.Kill(d.Pid(), syscall.SIGKILL)
		d.Close()
	}
	return nil
}

// pendingUsr1 reports whether SIGUSR1 is pending for pid, whose mask
// blocks it.
func pendingUsr1(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		fail("decoy %d: %v", pid, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "ShdPnd" && k != "SigPnd") {
			continue
		}
		mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		if err != nil {
			fail("decoy %d: %s: %v", pid, line, err)
		}
		if mask&(1<<(syscall.SIGUSR1-1)) != 0 {
			return true
		}
	}
	return false
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pidreuse: "+format+"\n", args...)
	os.Exit(1)
}
