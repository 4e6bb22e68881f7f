package procfd

// Groups on Windows: a job object. Every process assigned to it, and every
// process those start, belongs to it; a member cannot break away (the job
// grants no JOB_OBJECT_LIMIT_BREAKAWAY_OK). A child joins the job while it
// is still suspended (handle_windows.go), so it runs nothing outside it.
//
// The group is empty when the job's ActiveProcesses is 0, and learns of
// changes through one I/O completion port shared by every group's job: the
// job posts JOB_OBJECT_MSG_NEW_PROCESS, _EXIT_PROCESS, _ACTIVE_PROCESS_ZERO
// and the others there, with the group's completion key. One goroutine
// reads the port for all groups, and only while a group exists; each
// group's watcher parks on a channel. So groups cost no thread each. Any
// message makes the group look again (ACTIVE_PROCESS_ZERO is the one that
// matters): the look, not the message, decides.
//
// Windows versions it relies on:
//
//	Windows 8 / Server 2012  nested jobs: a child of a group can also be
//	                         in KillOnClose's job, and this program can
//	                         itself run in a job (a CI runner's, a
//	                         service's) and still make groups
//
// Wine 8 does all of this too (nested jobs, the port's messages, the
// process id list).

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

type jobGroup struct {
	job     windows.Handle
	key     uintptr       // the completion key of the job's messages
	changed chan struct{} // cap 1: a message came for the job, or the backstop looked

	mu       sync.Mutex
	released bool          // release has run: job is closed
	gone     chan struct{} // closed by release
	lastSeen bool          // populated at the last look: the backstop looks again
}

// jobObjectAssociateCompletionPort is JOBOBJECT_ASSOCIATE_COMPLETION_PORT.
type jobObjectAssociateCompletionPort struct {
	CompletionKey  uintptr
	CompletionPort windows.Handle
}

// jobObjectBasicAccounting is JOBOBJECT_BASIC_ACCOUNTING_INFORMATION.
type jobObjectBasicAccounting struct {
	TotalUserTime             int64
	TotalKernelTime           int64
	ThisPeriodTotalUserTime   int64
	ThisPeriodTotalKernelTime int64
	TotalPageFaultCount       uint32
	TotalProcesses            uint32
	ActiveProcesses           uint32
	TotalTerminatedProcesses  uint32
}

func newGroup(attr *GroupAttr) (*Group, error) {
	fail := func(err error) (*Group, error) {
		return nil, fmt.Errorf("procfd: new group: %w", err)
	}
	switch attr.Mechanism {
	case "", MechanismJob:
	case MechanismCgroup, MechanismProcessGroup, MechanismReaper:
		return fail(&unsupportedError{"mechanism " + string(attr.Mechanism) + " on windows", nil})
	default:
		return fail(fmt.Errorf("unknown mechanism %q: %w", attr.Mechanism, syscall.EINVAL))
	}
	flag, err := newEventFlag()
	if err != nil {
		return fail(err)
	}
	sys, err := newJobGroup(attr.KillOnClose)
	if err != nil {
		flag.close()
		return fail(err)
	}
	return newGroupOf(MechanismJob, attr.KillOnClose, sys, flag), nil
}

// newJobGroup makes the job. With killOnClose it kills its processes when
// its last handle is closed: Close has killed them by then, and the tree
// also dies with this process, as a KillOnClose handle's does. Without it
// the job's processes outlive the group, and this process.
func newJobGroup(killOnClose bool) (*jobGroup, error) {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return nil, os.NewSyscallError("CreateJobObject", err)
	}
	if killOnClose {
		var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
		info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
		_, err = windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
			uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)))
		if err != nil {
			windows.CloseHandle(job)
			return nil, os.NewSyscallError("SetInformationJobObject JobObjectExtendedLimitInformation", err)
		}
	}
	g := &jobGroup{job: job, changed: make(chan struct{}, 1), gone: make(chan struct{})}
	// Listed before the job is tied to the port: no message is then
	// missed. Nothing is in the job yet anyway.
	if err := jobPortAdd(g); err != nil {
		windows.CloseHandle(job)
		return nil, err
	}
	return g, nil
}

// active is the job's ActiveProcesses: the processes in it, or in a job
// nested in it, that have not ended. Called with g.mu held.
func (g *jobGroup) active() (uint32, error) {
	var info jobObjectBasicAccounting
	err := windows.QueryInformationJobObject(g.job, windows.JobObjectBasicAccountingInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)), nil)
	if err != nil {
		return 0, os.NewSyscallError("QueryInformationJobObject JobObjectBasicAccountingInformation", err)
	}
	return info.ActiveProcesses, nil
}

func (g *jobGroup) populated() (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.released {
		return false, ErrClosed
	}
	n, err := g.active()
	if err != nil {
		return false, err
	}
	g.lastSeen = n > 0
	return n > 0, nil
}

// awaitChange parks until the port's reader passes on a message of the
// job (or the backstop's look), or release runs.
func (g *jobGroup) awaitChange() error {
	select {
	case <-g.changed:
	case <-g.gone:
	}
	select {
	case <-g.gone:
		return ErrClosed
	default:
		return nil
	}
}

// nudge tells the watcher to look again; one pending nudge is enough.
func (g *jobGroup) nudge() { notify(g.changed) }

// pids reads JOBOBJECT_BASIC_PROCESS_ID_LIST: two DWORDs, then the ids as
// ULONG_PTRs (at offset 8 on 32- and 64-bit Windows alike).
func (g *jobGroup) pids() ([]int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.released {
		return nil, ErrClosed
	}
	const header = 8
	const word = unsafe.Sizeof(uintptr(0))
	for room := 64; ; {
		buf := make([]uintptr, header/word+uintptr(room))
		err := windows.QueryInformationJobObject(g.job, windows.JobObjectBasicProcessIdList,
			uintptr(unsafe.Pointer(&buf[0])), uint32(uintptr(len(buf))*word), nil)
		assigned := *(*uint32)(unsafe.Pointer(&buf[0]))
		listed := *(*uint32)(unsafe.Add(unsafe.Pointer(&buf[0]), 4))
		if err == windows.ERROR_MORE_DATA || (err == nil && listed < assigned) {
			room = int(assigned) + 16 // processes may start meanwhile
			continue
		}
		if err != nil {
			return nil, os.NewSyscallError("QueryInformationJobObject JobObjectBasicProcessIdList", err)
		}
		pids := make([]int, 0, listed)
		for _, id := range buf[header/word : header/word+uintptr(listed)] {
			pids = append(pids, int(id))
		}
		return pids, nil
	}
}

// signal follows Handle.Signal on Windows: 0 tells whether a process of
// the job runs, os.Kill terminates them all, and no other signal exists.
func (g *jobGroup) signal(sig syscall.Signal) error {
	if sig == syscall.SIGKILL {
		return g.kill()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.released {
		return ErrClosed
	}
	n, err := g.active()
	switch {
	case err != nil:
		return err
	case n == 0:
		return os.ErrProcessDone
	case sig == 0:
		return nil
	}
	return &unsupportedError{"signal " + sig.String() + " on windows (only os.Kill, which terminates)", nil}
}

// kill terminates every process in the job and in the jobs nested in it,
// with exit code 1 as Handle.Kill gives. A process a member starts
// meanwhile is in the job too, and Windows ends it with the rest.
func (g *jobGroup) kill() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.released {
		return ErrClosed
	}
	if n, err := g.active(); err != nil {
		return err
	} else if n == 0 {
		return os.ErrProcessDone
	}
	if err := windows.TerminateJobObject(g.job, terminatedExitCode); err != nil {
		return os.NewSyscallError("TerminateJobObject", err)
	}
	return nil
}

// release closes the job, which unties it from the port, and wakes the
// watcher. A job with KillOnClose kills what is left in it; the group
// releases it only once it is empty, or after Close killed its processes.
func (g *jobGroup) release() error {
	g.mu.Lock()
	if g.released {
		g.mu.Unlock()
		return nil
	}
	g.released = true
	close(g.gone)
	err := windows.CloseHandle(g.job)
	g.mu.Unlock()
	jobPortRemove(g)
	if err != nil {
		return os.NewSyscallError("CloseHandle", err)
	}
	return nil
}

// spawnInGroup runs spawn, which starts a child suspended and puts it in
// job (0: no group) before it runs, within the group's lock
// (group.spawnIn), or at once without a group.
func spawnInGroup(grp *Group, spawn func(job windows.Handle) error) error {
	if grp == nil {
		return spawn(0)
	}
	return grp.spawnIn(func() error {
		g, ok := grp.sys.(*jobGroup)
		if !ok {
			return &unsupportedError{"a group of mechanism " + string(grp.mechanism) + " on windows", nil}
		}
		// The group is open (spawnIn holds its lock and checked), so
		// release has not run and the job is valid.
		return spawn(g.job)
	})
}

// The port: one I/O completion port for the jobs of every group, made at
// the first NewGroup and kept for the life of the program, and at most
// one goroutine that reads it, running while a group exists.
var jobPort struct {
	once sync.Once
	port windows.Handle
	err  error

	mu      sync.Mutex
	groups  map[uintptr]*jobGroup // by completion key
	nextKey uintptr
	reading bool
}

// jobPortBackstop: how long the reader waits for a message before it has
// every group that was populated at its last look look again. Windows
// says the port's messages are notifications whose delivery is not
// guaranteed; this bounds how long a lost ACTIVE_PROCESS_ZERO leaves a
// group looking populated, at one query per populated group per period.
const jobPortBackstop = 2 * time.Second

// jobPortAdd gives g a completion key, lists it, and ties its job to the
// port.
func jobPortAdd(g *jobGroup) error {
	jobPort.once.Do(func() {
		jobPort.port, jobPort.err = windows.CreateIoCompletionPort(windows.InvalidHandle, 0, 0, 1)
		if jobPort.err != nil {
			jobPort.err = os.NewSyscallError("CreateIoCompletionPort", jobPort.err)
		}
	})
	if jobPort.err != nil {
		return jobPort.err
	}
	jobPort.mu.Lock()
	jobPort.nextKey++ // never 0: the key of the reader's own wake-up
	g.key = jobPort.nextKey
	if jobPort.groups == nil {
		jobPort.groups = make(map[uintptr]*jobGroup)
	}
	jobPort.groups[g.key] = g
	if !jobPort.reading {
		jobPort.reading = true
		go readJobPort()
	}
	jobPort.mu.Unlock()

	assoc := jobObjectAssociateCompletionPort{CompletionKey: g.key, CompletionPort: jobPort.port}
	_, err := windows.SetInformationJobObject(g.job, windows.JobObjectAssociateCompletionPortInformation,
		uintptr(unsafe.Pointer(&assoc)), uint32(unsafe.Sizeof(assoc)))
	if err != nil {
		jobPortRemove(g)
		return os.NewSyscallError("SetInformationJobObject JobObjectAssociateCompletionPortInformation", err)
	}
	return nil
}

// jobPortRemove unlists g; messages still on their way for its key are
// dropped. The last group out wakes the reader, which then ends.
func jobPortRemove(g *jobGroup) {
	jobPort.mu.Lock()
	delete(jobPort.groups, g.key)
	last := len(jobPort.groups) == 0 && jobPort.reading
	jobPort.mu.Unlock()
	if last {
		// Cannot fail on an open port; if it did, the reader would
		// end at its next backstop.
		windows.PostQueuedCompletionStatus(jobPort.port, 0, 0, nil)
	}
}

// readJobPort passes each job message to its group's watcher, and ends
// once no group is listed. A goroutine in a system call is one the
// runtime knows will wake (see waitpool_windows.go), so a program whose
// goroutines all wait for groups is not declared deadlocked.
func readJobPort() {
	last := time.Now()
	for {
		var msg uint32
		var key uintptr
		var ov *windows.Overlapped // a job message puts a process id here, not a pointer
		err := windows.GetQueuedCompletionStatus(jobPort.port, &msg, &key, &ov,
			uint32(jobPortBackstop/time.Millisecond))
		if err != nil && err != windows.WAIT_TIMEOUT && ov == nil {
			// The port itself failed, which an open port does not:
			// do not spin.
			time.Sleep(10 * time.Millisecond)
		}
		backstop := time.Since(last) >= jobPortBackstop
		if backstop {
			last = time.Now()
		}
		jobPort.mu.Lock()
		if len(jobPort.groups) == 0 {
			jobPort.reading = false
			jobPort.mu.Unlock()
			return
		}
		if err == nil && key != 0 {
			if g := jobPort.groups[key]; g != nil {
				g.nudge()
			}
		}
		var look []*jobGroup
		if backstop {
			look = make([]*jobGroup, 0, len(jobPort.groups))
			for _, g := range jobPort.groups {
				look = append(look, g)
			}
		}
		jobPort.mu.Unlock()
		for _, g := range look {
			g.mu.Lock()
			populated := g.lastSeen
			g.mu.Unlock()
			if populated {
				g.nudge()
			}
		}
	}
}

// eventFlag is a group's emptyFlag on Windows: a manual-reset event,
// signalled exactly while the group is empty.
type eventFlag struct{ ev windows.Handle }

func newEventFlag() (*eventFlag, error) {
	ev, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		return nil, os.NewSyscallError("CreateEvent", err)
	}
	return &eventFlag{ev}, nil
}

// set and clear cannot fail on an open event.
func (f *eventFlag) set() { windows.SetEvent(f.ev) }

func (f *eventFlag) clear() { windows.ResetEvent(f.ev) }

func (f *eventFlag) fd() uintptr { return uintptr(f.ev) }

func (f *eventFlag) close() error { return windows.CloseHandle(f.ev) }
