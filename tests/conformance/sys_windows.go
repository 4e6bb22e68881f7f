package conformance

import (
	"os"
	"time"
	"unsafe"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/windows"
)

// Windows has no zombies: a process that has ended is gone once the last
// handle to it is closed, and procfd's handle is no child's only trace.
func zombieChildren() []int { return nil }

// childrenOf returns the processes whose parent is this process, from a
// snapshot of every process.
func childrenOf() []int {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	defer windows.CloseHandle(snap)
	var children []int
	e := windows.ProcessEntry32{Size: uint32(unsafe.Sizeof(windows.ProcessEntry32{}))}
	for err = windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		if int(e.ParentProcessID) == os.Getpid() {
			children = append(children, int(e.ProcessID))
		}
	}
	return children
}

// exitedUnreaped: no process waits to be reaped on Windows; the specs that
// need that state are skipped.
func exitedUnreaped(pid int) bool {
	Skip("Windows has no exited-but-unreaped state")
	return false
}

// pollReadable reports whether the handle h is signalled right now.
func pollReadable(h int) bool { return awaitReadable(h, 0) }

// awaitReadable waits until the handle h is signalled, or timeout has
// passed.
func awaitReadable(h int, timeout time.Duration) bool {
	ev, _ := windows.WaitForSingleObject(windows.Handle(h), uint32(timeout.Milliseconds()))
	return ev == windows.WAIT_OBJECT_0
}
