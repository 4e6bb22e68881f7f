// Package procfd gives programs process handles: a handle owns exactly one
// process, becomes readable when that process ends, signals it without a
// PID-reuse race, and yields its exit status exactly once, to every waiter.
//
// On Linux a handle is a pidfd (Linux 5.4+), or, where pidfds are missing or
// forbidden, a death pipe: a pipe whose write end only the child holds, whose
// end of file is confirmed with waitid(2) before the handle's descriptor
// turns readable. Waiting goes through the Go runtime's poller, so any number
// of waiting processes cost parked goroutines, not OS threads. On FreeBSD,
// built with cgo, a handle is a process descriptor from pdfork(2), and one
// thread waits for every handle (a kqueue); without cgo FreeBSD has the
// death pipe below.
//
// A Group owns a tree of processes: every process started into it and
// everything those start, awaited, signalled and killed as one (see
// NewGroup and Mechanism). FromProcess adopts a process that os/exec
// started.
//
// A Handle's descriptor (Fd) can be polled in any event loop: it is readable
// exactly when Wait with a done context collects the status, on every
// backend. procfd never waits for "any child", so code beside it keeps its
// own children.
//
// On macOS, NetBSD and OpenBSD, and on FreeBSD built without cgo, the
// handle is a death pipe too, watched by the Go poller and SIGCHLD, with
// Go's own spawn: the promises that differ there are said where they are
// made (Attr.SigMask, Handle.Fd, Handle.Signal), and Open is unsupported.
//
// On Linux the package builds without cgo too (CGO_ENABLED=0), with the
// same backends and API. It then spawns through Go's own
// syscall.StartProcess, the spawn under os/exec, and three promises change,
// each said where it is made: descriptors without close-on-exec are not
// closed in the child (Attr.Files), SigDefault is refused, and a failed
// setup step in the child is not named, except a Dir that cannot be
// entered (Start).
package procfd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Backend names the mechanism behind a handle.
type Backend string

// The backends. The zero Backend ("") means the best one available.
const (
	BackendPidfd    Backend = "pidfd"    // Linux pidfd
	BackendPipe     Backend = "pipe"     // death pipe, any POSIX system
	BackendProcdesc Backend = "procdesc" // FreeBSD process descriptor
	BackendHandle   Backend = "handle"   // Windows process HANDLE
)

// Attr holds the attributes of a process started by Start. A nil *Attr is the
// same as a zero Attr.
type Attr struct {
	// Dir is the child's working directory; "" means the caller's.
	Dir string
	// Env is the child's environment as "key=value" strings; nil means
	// the caller's environment (os.Environ), an empty non-nil slice means
	// no variables at all.
	Env []string
	// Files are the child's descriptors 0, 1, 2, ...: Files[i] becomes
	// descriptor i. A nil entry leaves descriptor i closed in the child.
	// A nil slice means the child inherits the caller's 0, 1 and 2. The
	// child has no other descriptor: all others are closed before it
	// execs, even those that C code opened without close-on-exec. Where
	// procfd spawns through Go's own StartProcess (built without cgo, and
	// on the pipe backend of macOS, NetBSD, OpenBSD and FreeBSD without
	// cgo) it closes none, as os/exec does, and a descriptor without
	// close-on-exec (one the program inherited, or made by a raw system
	// call) is inherited too. A closed *os.File is refused with an error
	// matching syscall.EBADF, where os.StartProcess would leave descriptor
	// i closed. On Windows they are the standard input, output and error
	// handles: at most three (more is an error matching syscall.EINVAL),
	// and the child inherits no other handle.
	Files []*os.File
	// Setsid starts the child in a new session (setsid(2)). Setsid,
	// Setpgid, SigDefault and SigMask are POSIX only: on Windows, Start
	// returns an error matching ErrUnsupported if any is set.
	Setsid bool
	// Setpgid starts the child in a new process group whose id is its
	// pid. With Setsid it has no further effect: a session leader already
	// leads its own group.
	Setpgid bool
	// KillOnClose makes Close kill the process with SIGKILL if it still
	// runs, and reap it before Close returns. On Windows the child runs in
	// a job object that dies with the handle: when the handle is
	// released, or this process ends, every process still in the job (the
	// child's descendants too) is terminated. On FreeBSD the kernel kills
	// the child (not its descendants) when this process ends without
	// closing the handle: its process descriptor is made without
	// PD_DAEMON. On Windows a child of a Group is in both jobs: its
	// own is nested in the group's (Windows 8+).
	KillOnClose bool
	// Backend forces a backend; "" means DefaultBackend().
	Backend Backend
	// Group, if not nil, starts the child in that group: it and every
	// process it starts belong to the group from their first instruction
	// on (see NewGroup). Start returns ErrClosed if the group is closed.
	// With a group of the process-group mechanism the child joins the
	// group's process group, so Setsid and Setpgid are refused there
	// (an error matching syscall.EINVAL): either would leave the group.
	// On Windows the child starts suspended and runs only once it is in
	// the group's job.
	Group *Group
	// SigDefault lists signals that the child resets to their default
	// action before it execs, as posix_spawnattr_setsigdefault does: a
	// signal that the caller ignores (SIG_IGN) otherwise stays ignored in
	// the child, as execve(2) keeps it. Every signal the caller catches
	// is reset to its default anyway, with one exception: SIGPIPE, if it
	// was ignored when the program started (the Go runtime catches it
	// since), stays ignored, where os/exec would reset it. Built without
	// cgo, Start refuses a SigDefault that is not empty with an error
	// matching ErrUnsupported (nothing runs in the child before exec to
	// reset a disposition), and SIGPIPE is as os/exec leaves it.
	SigDefault []syscall.Signal
	// SigMask lists the signals blocked in the child when it execs. nil or
	// empty means none: the child starts with an empty signal mask,
	// whatever the calling thread blocks (os/exec's children too start
	// with none blocked). On the pipe backend of macOS, NetBSD, OpenBSD
	// and FreeBSD built without cgo, whose spawn is Go's own, Start
	// refuses a SigMask or SigDefault that is not empty with an error
	// matching ErrUnsupported, and the child has the mask of the thread
	// that starts it, as os/exec's children do. The C library's own
	// signals (32 and 33 with glibc; SIGTHR and SIGLIBRT, also 32 and 33,
	// on FreeBSD) are never blocked, and the kernel never blocks SIGKILL
	// and SIGSTOP.
	//
	// Signals in SigDefault and SigMask are 1 to 64; Start returns an
	// error matching syscall.EINVAL for any other.
	SigMask []syscall.Signal
}

// Status is the exit status of a process.
type Status struct {
	Pid int
	// ExitCode is the code passed to exit(2), or -1 if the process was
	// killed by a signal. On Windows it is the process's exit code (1
	// after Kill), and the process always counts as exited.
	ExitCode int
	// Signal is the signal that killed the process, or 0 if it exited
	// (always 0 on Windows).
	Signal     syscall.Signal
	CoreDumped bool
	// Rusage is the resource usage of the process and of its reaped
	// children, or nil where the kernel did not report it (a status read
	// back with PIDFD_INFO_EXIT after another reaper took it). On Windows
	// it holds the process's times (GetProcessTimes).
	Rusage *syscall.Rusage
}

// Errors returned by handles. Each but ErrNoStatus matches, with errors.Is,
// the error that Go's os and syscall packages use for the same condition;
// no error of theirs means what ErrNoStatus means.
var (
	// ErrClosed: the handle was closed. Matches os.ErrClosed.
	ErrClosed error = &sentinelError{"procfd: handle closed", os.ErrClosed}
	// ErrStatusLost: other code in this process (a waitpid(-1) loop, or
	// SIGCHLD set to SIG_IGN) reaped the child first, and the kernel kept
	// no copy of its status. A handle with a pidfd (the pidfd backend, and
	// the pipe backend where it has one: see Signal) reads the copy back
	// on Linux 6.15+. On FreeBSD a child of the procdesc backend sends no
	// SIGCHLD and, in the kernels read for this, neither of those takes
	// it; a wait naming its process group or PID (waitpid(0),
	// waitpid(-pgid)) does. Matches syscall.ECHILD.
	ErrStatusLost error = &sentinelError{"procfd: exit status lost: another reaper took it", syscall.ECHILD}
	// ErrNoStatus: the process has ended but its status is not available
	// to us: it was not our child, and the kernel offers no PIDFD_INFO_EXIT
	// for it (kernel older than 6.15, or its parent did not reap it within
	// 250 ms of its exit). It is final for the handle.
	ErrNoStatus error = &sentinelError{"procfd: exit status not available for a process that is not our child", nil}
	// ErrUnsupported: the operation or backend does not exist on this
	// system. Matches errors.ErrUnsupported.
	ErrUnsupported error = &sentinelError{"procfd: not supported", errors.ErrUnsupported}
)

// Start starts the program at path with arguments argv (argv[0] included)
// and returns a handle that owns the new process. Like os.StartProcess, path
// is not searched for in PATH. argv must not be empty.
//
// If the program cannot be executed, Start returns an *os.PathError whose
// Op is "procfd: start" and whose Err is the child's errno (wrapped in a
// second *os.PathError naming the directory when Attr.Dir was at fault, and
// in an *os.SyscallError naming the call when another setup step failed:
// dup2, setsid, setpgid; built without cgo, only the errno), and no process
// is left behind. The errors match errors.Is(err, fs.ErrNotExist),
// errors.Is(err, syscall.ENOENT) and so on.
func Start(path string, argv []string, attr *Attr) (*Handle, error) {
	if attr == nil {
		attr = &Attr{}
	}
	return start(path, argv, attr)
}

// Open returns a handle on the existing process pid, which need not be a
// child of the caller. Wait on such a handle returns once the process has
// exited: if it is our child, Wait reaps it; otherwise Wait returns the
// status the kernel keeps for it once its parent reaped it (Linux 6.15+), or
// an error matching ErrNoStatus if the parent did not within 250 ms of the
// exit. pid must be in 1..math.MaxInt32 (a pid_t); any other gets an error
// matching syscall.EINVAL. Open needs a backend that can refer to an
// existing process (pidfd, handle); on the others it returns ErrUnsupported,
// procdesc (FreeBSD) included: FreeBSD makes a process descriptor only with
// its process.
func Open(pid int) (*Handle, error) { return open(pid) }

// DefaultBackend returns the backend Start and Open use when none is forced:
// the one named by the environment variable PROCFD_BACKEND if it is set,
// otherwise the best one that works here, probed once and cached. A
// PROCFD_BACKEND that names no backend available here is ignored by
// DefaultBackend and makes Start and Open fail, so that a typo never picks
// a backend silently.
func DefaultBackend() Backend { return defaultBackend() }

// Handle owns one process: it reaps it exactly once and signals it only
// while it is ours. A Handle is safe for use by many goroutines at once. The
// zero Handle is not usable: get one from Start or Open.
//
// A Handle that becomes unreachable without Close is closed by the garbage
// collector as Close would be (KillOnClose included), except that it does
// not wait for the kill to be reaped: collection runs in the background.
type Handle struct{ *handle }

// Pid returns the process id. It stays valid after Close, but only as a
// number: once the process has been reaped the PID may belong to another
// process.
func (h *Handle) Pid() int { return h.pid }

// Fd returns the native handle: a descriptor on POSIX systems, a HANDLE on
// Windows. The descriptor polls readable (poll, epoll, select) exactly when
// the status can be collected, and from then on: once it is readable, Wait
// with a done context returns the status (or the error that is final for
// the handle), and while it is not, the process has not ended. That holds
// on every backend. On the pidfd backend the descriptor is the pidfd, which
// the kernel wakes a second time when the status is collected, so an
// edge-triggered loop may see two edges; on the pipe backend it is an
// eventfd that procfd writes once waitid has confirmed the child's end (the
// death pipe itself can reach end of file early or late, and is never
// handed out); on the pipe backend of other POSIX systems it is a pipe that
// procfd writes once wait4 has reaped the child, which that backend does
// as soon as the child ends, since it has no look that does not reap.
// The pipe backend makes that eventfd (or pipe) at the first call of Fd,
// so a program that only Waits does not pay a descriptor for it; if it
// cannot be made (the process is out of descriptors), Fd returns
// ^uintptr(0), and a later call tries again. On the procdesc backend
// (FreeBSD) it is the process descriptor: poll reports POLLHUP on it, and
// select marks it readable, from the exit on; kqueue takes it only with
// EVFILT_PROCDESC and NOTE_EXIT, not EVFILT_READ. Fd is valid until Close,
// after which it returns ^uintptr(0). Do not close it or read from it.
func (h *Handle) Fd() uintptr { return h.fd() }

// Backend returns the backend behind the handle.
func (h *Handle) Backend() Backend { return h.backend }

// Signal sends sig to the process. It returns os.ErrProcessDone once the
// process has exited, and never signals a process the handle does not own:
// after the process is reaped its PID is never used again. sig 0 sends
// nothing and tells whether the process is still running (nil) or has
// exited (os.ErrProcessDone). Windows has no signals to send a process:
// there Signal takes os.Kill (see Kill) and 0, and returns an error matching
// ErrUnsupported for any other. On the procdesc backend (FreeBSD) Signal is
// pdkill(2) on the process descriptor.
//
// The pipe backend signals through a pidfd wherever it has one: from clone
// where clone takes CLONE_PIDFD (Linux 5.2+), else from pidfd_open right
// after the spawn (Linux 5.3+, qemu-user, seccomp policies that refuse only
// CLONE_PIDFD or clone3). A reaper that takes the child within that instant
// leaves the handle knowing the child is gone: Signal reports
// os.ErrProcessDone and Wait ErrStatusLost. Without a pidfd (Linux without
// pidfd_open, and the pipe backend of macOS, NetBSD, OpenBSD and FreeBSD
// built without cgo, which has none) it first looks whether the child has
// exited, which answers os.ErrProcessDone (Linux looks with waitid and
// WNOWAIT; the other systems with wait4, which reaps it), and otherwise
// uses kill(2) on the child it has not reaped; while SIGCHLD is ignored
// (the kernel may then reap the process and give its PID away at any
// moment) it refuses with an error
// matching ErrUnsupported. What it cannot see there is a wait for any child
// elsewhere in the process (waitpid(-1)) reaping the child before the kill.
func (h *Handle) Signal(sig os.Signal) error { return h.signal(sig) }

// Kill sends SIGKILL to the process (on Windows, terminates it with exit
// code 1, as os.Process.Kill does).
func (h *Handle) Kill() error { return h.signal(os.Kill) }

// Wait waits for the process to exit and returns its status. The first Wait
// (or Done) reaps the process; every Wait, from any number of goroutines,
// returns that same status. Waiting holds no OS thread: the handle is parked
// on the Go runtime's poller (on Windows, one thread waits for 63 handles;
// on FreeBSD, one thread waits for all).
//
// If ctx is done first, Wait looks once more without blocking, and if the
// process still runs it returns ctx.Err(), leaving the process and handle as
// they were. So Wait with a context that is already done is a poll: it
// returns the status of a process that has ended, collected or not. The one
// look that can block is at a process that is not our child and has ended
// while its parent has not reaped it yet: Wait then gives the kernel up to
// 250 ms to publish the status, as for any Wait. A nil ctx means
// context.Background().
func (h *Handle) Wait(ctx context.Context) (*Status, error) {
	if ctx == nil || ctx.Done() == nil {
		return h.waitForever()
	}
	return h.wait(ctx)
}

// Done returns a channel that is closed once the process has exited and its
// status has been collected; Wait then returns at once. Calling Done starts
// the collection, as Wait does.
func (h *Handle) Done() <-chan struct{} { return h.doneChan() }

// Close releases the handle. Every later call of a method that can fail
// returns ErrClosed, and so does a second Close.
//
// With KillOnClose, a process that still runs is killed and reaped before
// Close returns. Without it, the process keeps running and is not left as a
// zombie: procfd keeps the descriptor privately until the process exits,
// reaps it then, and releases the descriptor. Wait calls in progress and
// channels from Done still get the status; a process that is not our child
// is then watched privately until it ends, and one that nobody awaits is
// released at once.
func (h *Handle) Close() error { return h.close(true) }

// FromProcess returns a handle on p, a process that os.StartProcess or
// os/exec started, so that code written around exec.Cmd can wait for it on
// the poller, signal it through a handle and kill it on Close. The handle
// holds a duplicate of the pidfd (on Windows, the process handle) that
// p.WithHandle exposes, and owns the process from then on: the handle's
// Wait reaps it. Do not call p.Wait or cmd.Wait afterwards (it would fail
// with an error matching syscall.ECHILD, or reap the process first and
// leave the handle ErrStatusLost); p.Signal and p.Kill stay safe, since
// p's own pidfd never signals another process, and p.Release may be
// called. So give the Cmd files (*os.File) or nil for Stdin, Stdout and
// Stderr: an io.Writer or io.Reader is copied by goroutines that only
// cmd.Wait ends. Where p has no such handle (Linux before 5.4, a process
// found with os.FindProcess on a pid that is not a child, p already
// waited for or released) FromProcess returns an error matching
// ErrUnsupported, and so it does where the default backend is not pidfd
// or handle: only those hold an os.Process's handle.
//
// On Windows nothing reaps a process: p.Wait and cmd.Wait stay harmless
// after FromProcess, and see the same exit code as the handle. There the
// handle's KillOnClose terminates the process alone, not its descendants:
// the process runs in no job of procfd's (start it in a Group for that).
func FromProcess(p *os.Process) (*Handle, error) { return fromProcess(p) }

// Mechanism names how a Group holds its processes.
type Mechanism string

// The mechanisms. The zero Mechanism ("") means the best one available:
// cgroup on Linux where a writable cgroup v2 hierarchy is mounted, else
// pgroup; job on Windows; reaper on FreeBSD built with cgo.
const (
	// MechanismCgroup: a cgroup v2 directory of the group's own, made
	// under the caller's cgroup (Linux 5.14+, for cgroup.kill). A child
	// is placed in it by clone3 with CLONE_INTO_CGROUP (where clone3
	// cannot, as under qemu-user, the child writes itself to
	// cgroup.procs before anything else; built without cgo, Start then
	// fails), and nothing it starts can leave it without write access to
	// another cgroup: not setsid, not setpgid, not a double fork. The
	// group is empty when the kernel says so (cgroup.events: populated
	// 0), which procfd learns through inotify on the runtime poller.
	MechanismCgroup Mechanism = "cgroup"
	// MechanismProcessGroup: a POSIX process group. A descendant that
	// calls setsid or setpgid leaves it, and the group then neither
	// waits for it nor signals it. Its id is pinned by one zombie child
	// of the caller (the anchor), made by NewGroup and reaped once the
	// group is closed and empty, so that no unrelated process can take
	// it meanwhile; a foreign reaper (SIGCHLD ignored, a waitpid(-1)
	// loop) can take that zombie, and NewGroup then fails, or a later
	// Signal does, with an error matching syscall.ECHILD. The group
	// learns of a member's end at SIGCHLD, every 100 ms while it is
	// populated, and within milliseconds of a signal it sent. Members
	// are found in /proc, so one that /proc hides from the caller
	// (mounted with hidepid, and of another user) does not count. Linux
	// only, built with cgo: the anchor runs no program, and Go's own
	// spawn cannot start one.
	MechanismProcessGroup Mechanism = "pgroup"
	// MechanismJob: a Windows job object of the group's own. A child
	// joins it before it runs, and nothing it starts can leave it: the
	// job allows no breakaway. The group is empty when the job's
	// ActiveProcesses is 0, which the job's completion port messages
	// announce. Nested jobs (a KillOnClose child in a group, or a group
	// made by a program that itself runs in a job) need Windows 8+.
	MechanismJob Mechanism = "job"
	// MechanismReaper: FreeBSD's reaper facility (procctl(2),
	// PROC_REAP_*), with cgo only. At the first NewGroup this whole
	// process becomes a reaper, for good, as GroupAttr.Subreaper makes
	// it on Linux: every orphaned descendant of it, in a group or not,
	// is reparented to it rather than to init; procfd reaps those of its
	// groups that no handle owns, and the others become this program's
	// children to reap. A child started in the group roots a subtree of
	// the reaper, which nothing it starts can leave: not setsid, not
	// setpgid, not a double fork. Signal and Kill are PROC_REAP_KILL on
	// each subtree, which names no process by its pid. The group is
	// empty when PROC_REAP_GETPIDS lists no process of its subtrees that
	// has not exited; procfd looks when one of its children in a subtree
	// ends (the last process of a subtree always is one), and every
	// 100 ms while the group is populated. A descendant that makes
	// itself a reaper hides its own descendants from Pids, and from the
	// group's look between its exit and its reap: Wait may then return
	// while they run.
	MechanismReaper Mechanism = "reaper"
)

// GroupAttr holds the attributes of a group made by NewGroup. A nil
// *GroupAttr is the same as a zero GroupAttr.
type GroupAttr struct {
	// KillOnClose makes Close kill every process in the group and return
	// once the group is empty. Without it, Close leaves them running.
	// On Windows the job is also made with
	// JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: the group's processes die
	// with this program too, as a KillOnClose Handle's do.
	KillOnClose bool
	// Mechanism forces a mechanism; "" picks the best one here (see
	// Mechanism). A forced mechanism that cannot be had here makes
	// NewGroup fail, naming the step that failed, where "" falls back.
	Mechanism Mechanism
	// Subreaper (pgroup only, Linux) makes this whole process a child
	// subreaper (prctl PR_SET_CHILD_SUBREAPER), for good: every orphaned
	// descendant of this process, in a group or not, is reparented to it
	// rather than to init. procfd then reaps the orphans that are in one
	// of its groups and that no handle owns; other orphans become this
	// program's children to reap. In exchange the group learns of each
	// orphan's exit at once, through SIGCHLD, where it otherwise looks
	// every 100 ms. The cgroup and job mechanisms need no subreaper and
	// ignore it; the reaper mechanism (FreeBSD) is one anyway and
	// ignores it too.
	Subreaper bool
}

// NewGroup makes a group, which owns a tree of processes: each process
// started with Attr.Group set to it, and every process those start. It
// returns an error naming the step and the path that failed, matching
// ErrUnsupported where no mechanism exists here (macOS and the others for
// now, and FreeBSD built without cgo).
func NewGroup(attr *GroupAttr) (*Group, error) {
	if attr == nil {
		attr = &GroupAttr{}
	}
	return newGroup(attr)
}

// Group owns a tree of processes. A Group is safe for use by many
// goroutines at once; the zero Group is not usable: get one from NewGroup.
// After Close, every method that can fail returns ErrClosed. A Group that
// becomes unreachable without Close is closed by the garbage collector as
// Close would be, without waiting for a kill to finish.
type Group struct{ *group }

// Mechanism returns the mechanism behind the group.
func (g *Group) Mechanism() Mechanism { return g.mechanism }

// Signal sends sig to every process in the group, and returns
// os.ErrProcessDone if the group is empty. Each process is signalled
// through a pidfd opened and checked to be a member, so no signal reaches
// a process that took a member's PID. A process started meanwhile by a
// member is signalled too, unless it starts after its parent handled the
// signal: as with kill(2) on a process group. Windows has no signals, as
// for Handle.Signal: there Signal takes os.Kill (see Kill) and 0, and
// returns an error matching ErrUnsupported for any other (after
// os.ErrProcessDone for an empty group). On FreeBSD each subtree of the
// group is signalled with procctl PROC_REAP_KILL, which reaches every
// process that descends from the subtree's root, wherever it was
// reparented since; in the kernel source read for this it also reaches
// the processes they fork while it runs (see MechanismReaper and the
// README).
func (g *Group) Signal(sig os.Signal) error { return g.signal(sig) }

// Kill kills every process in the group (cgroup.kill on the cgroup
// mechanism, which no fork escapes; TerminateJobObject on Windows, exit
// code 1, which no process a member starts escapes either; PROC_REAP_KILL
// with SIGKILL on FreeBSD, which stops each process before it signals it
// and repeats until it finds none it has not signalled, in the FreeBSD
// 14-era source read for this) and returns without waiting for them
// to end: use Wait for that. An empty group gives os.ErrProcessDone.
func (g *Group) Kill() error { return g.kill() }

// Wait returns nil once the group is empty: every process in it has
// ended. A process that has ended counts as gone although its parent has
// not reaped it (a zombie): a Handle in the group still has its status.
// A group in which nothing was started yet is empty. If ctx is done
// first, Wait looks once more and returns ctx.Err() if the group is not
// empty; a nil ctx means context.Background(). Close ends a Wait in
// progress: it returns nil if the group is empty by then (KillOnClose's
// kill included), and ErrClosed otherwise. Waiting holds no OS thread
// (on Windows, one thread reads the job messages of every group).
func (g *Group) Wait(ctx context.Context) error { return g.wait(ctx) }

// Pids returns the PIDs of the processes in the group, in no order. A
// PID is a number: the process may end, and the PID be reused, as soon as
// Pids returns.
func (g *Group) Pids() ([]int, error) { return g.pids() }

// Fd returns a descriptor that polls readable exactly when the group is
// empty: once it is readable, Wait with a done context returns nil, and
// while a process of the group runs, it is not (a Start in the group
// makes it unreadable before the child exists). It is an eventfd that
// procfd writes when the kernel (cgroup.events) or its look at the
// process group says the group became empty. On Windows it is a
// manual-reset event HANDLE (wait for it with WaitForSingleObject or
// WaitForMultipleObjects), which procfd sets when a message of the job,
// or a look it takes every 2 s at a group last seen populated (Windows
// does not promise to deliver every message), finds the job empty. On
// FreeBSD it is the read end of a pipe that holds one byte while the
// group is empty (poll, select and kqueue's EVFILT_READ all take it). Fd is
// valid until Close, after which it returns ^uintptr(0). Do not close it
// or read from it (on Windows: do not set or reset it).
func (g *Group) Fd() uintptr { return g.fd() }

// Close releases the group. With KillOnClose every process in it is
// killed, and Close returns once the group is empty; the cgroup directory
// is then removed. Without it the processes keep running, outside
// procfd's reach: procfd removes the cgroup directory once they have all
// ended, if this program still runs then (a directory left behind is
// empty, and any root process may rmdir it). A second Close returns
// ErrClosed.
func (g *Group) Close() error { return g.close(true) }

// Exited reports whether the process exited by calling exit (rather than
// being killed by a signal).
func (s *Status) Exited() bool { return s.Signal == 0 }

// Success reports whether the process exited with code 0.
func (s *Status) Success() bool { return s.Exited() && s.ExitCode == 0 }

// String returns "exit status N", or "signal: NAME" with " (core dumped)"
// where that applies, as os.ProcessState does.
func (s *Status) String() string {
	if s.Exited() {
		return fmt.Sprintf("exit status %d", s.ExitCode)
	}
	str := "signal: " + s.Signal.String()
	if s.CoreDumped {
		str += " (core dumped)"
	}
	return str
}

// sentinelError is a "procfd: " error that also matches, with errors.Is, the
// os or syscall error a Go user already checks for the same condition.
type sentinelError struct {
	msg  string
	like error
}

func (e *sentinelError) Error() string { return e.msg }

func (e *sentinelError) Is(target error) bool { return e.like != nil && target == e.like }
