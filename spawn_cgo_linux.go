//go:build cgo && !procfd_posixpipe

package procfd

// With cgo, children are spawned by the C layer (csrc/spawn_linux.c): a
// vfork-style clone that returns the handle's descriptor with the child,
// closes every descriptor the child was not given, and says which setup
// step failed.

import (
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/procfd/procfd/csrc"
)

func spawn(backend Backend, path string, argv []string, attr *Attr, place placement) (spawned, error) {
	fds, err := filesFds(attr.Files)
	if err != nil {
		return spawned{}, err
	}
	req := &csrc.SpawnRequest{
		Path:      path,
		Argv:      argv,
		Env:       attr.Env,
		Dir:       attr.Dir,
		Fds:       fds,
		Setsid:    attr.Setsid,
		Setpgid:   attr.Setpgid,
		WantPidfd: backend == BackendPidfd,
		PipePidfd: backend == BackendPipe && clonePidfds.Load() >= 0,
		Nofile:    csrc.RaisedNofile(),

		SigDefault: attr.SigDefault,
		SigMask:    attr.SigMask,

		InCgroup: place.cgroupFd >= 0,
		CgroupFd: place.cgroupFd,
		Pgid:     place.pgid,
	}
	if req.Env == nil {
		req.Env = os.Environ()
	}

	// os/exec holds ForkLock so that a descriptor another goroutine opens
	// without close-on-exec meanwhile cannot slip into the child. A procfd
	// child closes every descriptor it was not given, and procfd's own are
	// all close-on-exec, so a spawn whose clone returns a pidfd with the
	// child takes no lock: the pidfd backend's, and the pipe backend's
	// wherever clone takes CLONE_PIDFD. Those spawns run in parallel with
	// each other and with os/exec's. Where clone makes no pidfd (qemu-user,
	// a seccomp policy) the pipe backend signals through one it opens
	// after the spawn (openChildPidfd), which must come before anything
	// reaps the child and forks another onto its PID: it holds ForkLock
	// for writing from the spawn to pidfd_open, which keeps os/exec and
	// other such spawns from forking meanwhile.
	lockFork := backend == BackendPipe && clonePidfds.Load() <= 0
	if lockFork {
		syscall.ForkLock.Lock()
	}
	child, failure := csrc.Spawn(req)
	if failure == nil && req.PipePidfd {
		learnClonePidfds(child.Pidfd >= 0)
	}
	pidfd, gone := child.Pidfd, false
	if failure == nil && backend == BackendPipe && pidfd < 0 {
		pidfd, gone, err = openChildPidfd(child.Pid)
	}
	if lockFork {
		syscall.ForkLock.Unlock()
	}
	runtime.KeepAlive(attr.Files)
	if failure != nil {
		return spawned{}, spawnError(failure, attr.Dir)
	}
	if err != nil {
		unix.Close(child.Fd)
		killUnwatched(child.Pid) // our unreaped child
		return spawned{}, err
	}
	return spawned{pid: child.Pid, fd: child.Fd, pidfd: pidfd, gone: gone}, nil
}
