//go:build linux

package conformance

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// signalState reads the signals pid blocks and ignores from
// /proc/<pid>/status, as sets with bit (sig - 1) per signal.
func signalState(pid int) (blocked, ignored uint64, ok bool) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	var seen int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), ":")
		dst := map[string]*uint64{"SigBlk": &blocked, "SigIgn": &ignored}[key]
		if dst == nil {
			continue
		}
		if *dst, err = strconv.ParseUint(strings.TrimSpace(val), 16, 64); err != nil {
			return 0, 0, false
		}
		seen++
	}
	return blocked, ignored, seen == 2
}

// withThreadBlocking runs f on one OS thread that blocks sigs (below 32,
// where every architecture keeps them in Val[0]) meanwhile.
func withThreadBlocking(sigs []syscall.Signal, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var set, old unix.Sigset_t
	for _, s := range sigs {
		if s < 1 || s >= 32 {
			panic("withThreadBlocking: signal out of range")
		}
		set.Val[0] |= 1 << (s - 1)
	}
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, &old); err != nil {
		panic(err)
	}
	defer unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	f()
}
