package csrc

import "golang.org/x/sys/unix"

// waitid idtypes for Waitid.
const (
	IdPid   = unix.P_PID
	IdPidfd = unix.P_PIDFD
)
