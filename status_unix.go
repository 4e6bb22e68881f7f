//go:build unix

package procfd

import "syscall"

// statusFromWait makes the Status of a collected child, with a copy of ru
// (nil: none), so that the callers' looks can keep theirs on the stack.
func statusFromWait(pid int, ws syscall.WaitStatus, ru *syscall.Rusage) *Status {
	st := &Status{Pid: pid, ExitCode: -1}
	if ru != nil {
		copied := *ru
		st.Rusage = &copied
	}
	switch {
	case ws.Exited():
		st.ExitCode = ws.ExitStatus()
	case ws.Signaled():
		st.Signal = ws.Signal()
		st.CoreDumped = ws.CoreDump()
	}
	return st
}
