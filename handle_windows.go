package procfd

// Starting and opening processes on Windows, for the handle backend
// (process_windows.go).

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf16"
	"unsafe"

	"golang.org/x/sys/windows"
)

func defaultBackend() Backend {
	if b := Backend(os.Getenv(backendEnv)); b != "" && checkBackend(b) == nil {
		return b
	}
	return BackendHandle
}

func checkBackend(b Backend) error {
	switch b {
	case BackendHandle:
		return nil
	case BackendPidfd, BackendPipe, BackendProcdesc:
		return &unsupportedError{"backend " + string(b) + " on windows", nil}
	}
	return fmt.Errorf("unknown backend %q: %w", b, syscall.EINVAL)
}

// maxFilesWindows: a Windows child gets standard input, output and error;
// it has no numbered descriptors to give it more.
const maxFilesWindows = 3

func start(path string, argv []string, attr *Attr) (*Handle, error) {
	fail := func(err error) (*Handle, error) {
		return nil, &os.PathError{Op: "procfd: start", Path: path, Err: err}
	}
	backend, err := resolveBackend(attr.Backend)
	if err != nil {
		return fail(err)
	}
	if err := checkStartArgsWindows(path, argv, attr); err != nil {
		return fail(err)
	}
	env := attr.Env
	if env == nil {
		env = os.Environ()
	}
	var pi *windows.ProcessInformation
	var job windows.Handle
	err = spawnInGroup(attr.Group, func(groupJob windows.Handle) error {
		var err error
		pi, job, err = spawnJoined(path, argv, env, attr, groupJob)
		return err
	})
	if err != nil {
		return fail(err)
	}
	windows.CloseHandle(pi.Thread)
	sys, err := newHandleProcess(pi.Process, job, int(pi.ProcessId), true)
	if err != nil {
		return fail(err)
	}
	return newHandle(int(pi.ProcessId), backend, true, attr.KillOnClose, sys), nil
}

// spawnJoined starts the child, and, for a group (groupJob) or
// KillOnClose, starts it suspended and lets it run only once it is in its
// jobs, so that nothing it starts can be outside them: first the group's,
// then KillOnClose's own job, which Windows (8+) then nests in the
// group's. A child that cannot join its jobs, or run, is terminated, and
// has ended when spawnJoined returns, so it has left the group's job.
func spawnJoined(path string, argv, env []string, attr *Attr, groupJob windows.Handle) (*windows.ProcessInformation, windows.Handle, error) {
	suspended := attr.KillOnClose || groupJob != 0
	pi, err := createProcess(inDir(path, attr.Dir), argv, env, attr, suspended)
	if err != nil || !suspended {
		return pi, 0, err
	}
	var job windows.Handle
	if groupJob != 0 {
		if err = windows.AssignProcessToJobObject(groupJob, pi.Process); err != nil {
			err = fmt.Errorf("the group's job: %w", os.NewSyscallError("AssignProcessToJobObject", err))
		}
	}
	if err == nil && attr.KillOnClose {
		job, err = killOnCloseJob(pi.Process)
	}
	if err == nil {
		_, err = windows.ResumeThread(pi.Thread)
		err = os.NewSyscallError("ResumeThread", err)
	}
	if err != nil {
		windows.TerminateProcess(pi.Process, terminatedExitCode)
		windows.WaitForSingleObject(pi.Process, windows.INFINITE)
		windows.CloseHandle(pi.Thread)
		windows.CloseHandle(pi.Process)
		if job != 0 {
			windows.CloseHandle(job)
		}
		return nil, 0, err
	}
	return pi, job, nil
}

// inDir is where a relative path is found: in the child's directory, as
// exec finds it on POSIX systems (CreateProcessW alone would look in the
// caller's).
func inDir(path, dir string) string {
	if dir == "" || filepath.IsAbs(path) || filepath.VolumeName(path) != "" ||
		strings.HasPrefix(path, `\`) || strings.HasPrefix(path, "/") {
		return path
	}
	return filepath.Join(dir, path)
}

// checkStartArgsWindows refuses what Windows has no equivalent for, rather
// than start a process that lacks what was asked.
func checkStartArgsWindows(path string, argv []string, attr *Attr) error {
	if err := checkArgsAnyOS(path, argv, attr); err != nil {
		return err
	}
	if len(attr.Files) > maxFilesWindows {
		return fmt.Errorf("%d files, at most %d on windows (standard input, output and error): %w",
			len(attr.Files), maxFilesWindows, syscall.EINVAL)
	}
	for _, a := range []struct {
		name string
		set  bool
	}{
		{"Attr.Setsid", attr.Setsid},
		{"Attr.Setpgid", attr.Setpgid},
		{"Attr.SigDefault", len(attr.SigDefault) > 0},
		{"Attr.SigMask", len(attr.SigMask) > 0},
	} {
		if a.set {
			return &unsupportedError{a.name + " on windows", nil}
		}
	}
	return nil
}

// createProcess runs CreateProcessW, suspended if asked. The child
// inherits only its three standard handles: duplicates made inheritable for
// the call, named in PROC_THREAD_ATTRIBUTE_HANDLE_LIST.
func createProcess(path string, argv, env []string, attr *Attr, suspended bool) (*windows.ProcessInformation, error) {
	app, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	cmdline, err := windows.UTF16PtrFromString(windows.ComposeCommandLine(argv))
	if err != nil {
		return nil, err
	}
	var dir *uint16
	if attr.Dir != "" {
		if dir, err = windows.UTF16PtrFromString(attr.Dir); err != nil {
			return nil, err
		}
	}
	std, err := standardHandles(attr.Files)
	if err != nil {
		return nil, err
	}

	// The duplicates are inheritable, but a child inherits only what its
	// handle list names, so no other spawn's child can take them (Go's
	// own spawn does the same, and takes no ForkLock on Windows).
	var inherit []windows.Handle
	defer func() {
		for _, h := range inherit {
			windows.CloseHandle(h)
		}
	}()
	si := &windows.StartupInfoEx{}
	si.Cb = uint32(unsafe.Sizeof(*si))
	si.Flags = windows.STARTF_USESTDHANDLES
	self := windows.CurrentProcess()
	targets := [...]*windows.Handle{&si.StdInput, &si.StdOutput, &si.StdErr}
	for i, h := range std {
		if h == 0 {
			continue
		}
		var dup windows.Handle
		if err := windows.DuplicateHandle(self, h, self, &dup, 0, true, windows.DUPLICATE_SAME_ACCESS); err != nil {
			return nil, fmt.Errorf("standard handle %d: %w", i, os.NewSyscallError("DuplicateHandle", err))
		}
		inherit = append(inherit, dup)
		*targets[i] = dup
	}
	flags := uint32(windows.CREATE_UNICODE_ENVIRONMENT | windows.EXTENDED_STARTUPINFO_PRESENT)
	if suspended {
		flags |= windows.CREATE_SUSPENDED
	}
	if len(inherit) > 0 {
		list, err := windows.NewProcThreadAttributeList(1)
		if err != nil {
			return nil, os.NewSyscallError("InitializeProcThreadAttributeList", err)
		}
		defer list.Delete()
		err = list.Update(windows.PROC_THREAD_ATTRIBUTE_HANDLE_LIST, unsafe.Pointer(&inherit[0]),
			uintptr(len(inherit))*unsafe.Sizeof(inherit[0]))
		if err != nil {
			return nil, os.NewSyscallError("UpdateProcThreadAttribute", err)
		}
		si.ProcThreadAttributeList = list.List()
	}
	pi := &windows.ProcessInformation{}
	err = windows.CreateProcess(app, cmdline, nil, nil, len(inherit) > 0, flags,
		environmentBlock(env), dir, &si.StartupInfo, pi)
	if err != nil {
		return nil, err
	}
	return pi, nil
}

// standardHandles returns the child's standard input, output and error: the
// caller's for a nil files, else files[i]'s (0 for a nil entry or one past
// the end: the child has none).
func standardHandles(files []*os.File) ([maxFilesWindows]windows.Handle, error) {
	var std [maxFilesWindows]windows.Handle
	if files == nil {
		files = []*os.File{os.Stdin, os.Stdout, os.Stderr}
	}
	for i, f := range files {
		if f == nil {
			continue
		}
		h := windows.Handle(f.Fd())
		if h == windows.InvalidHandle {
			return std, fmt.Errorf("Files[%d] (%s) is closed: %w", i, f.Name(), syscall.EBADF)
		}
		std[i] = h
	}
	return std, nil
}

// environmentBlock is env as CreateProcessW takes it with
// CREATE_UNICODE_ENVIRONMENT: "k=v" strings in UTF-16, each ended by a NUL,
// the block by one more.
func environmentBlock(env []string) *uint16 {
	var block []uint16
	for _, kv := range env {
		block = append(block, utf16.Encode([]rune(kv))...)
		block = append(block, 0)
	}
	if len(env) == 0 {
		block = append(block, 0) // an empty block is two NULs
	}
	block = append(block, 0)
	return &block[0]
}

// killOnCloseJob puts proc in a new job that kills every process in it when
// its last handle is closed: at release, or when this process ends. For a
// child of a group, the new job is nested in the group's.
func killOnCloseJob(proc windows.Handle) (windows.Handle, error) {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return 0, os.NewSyscallError("CreateJobObject", err)
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	_, err = windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)))
	if err != nil {
		windows.CloseHandle(job)
		return 0, os.NewSyscallError("SetInformationJobObject", err)
	}
	if err := windows.AssignProcessToJobObject(job, proc); err != nil {
		windows.CloseHandle(job)
		return 0, os.NewSyscallError("AssignProcessToJobObject", err)
	}
	return job, nil
}

// processAccess is what a handle needs of a process it did not start: to
// wait for it, read its exit code and times, and terminate it.
const processAccess = windows.SYNCHRONIZE | windows.PROCESS_QUERY_LIMITED_INFORMATION | windows.PROCESS_TERMINATE

func open(pid int) (*Handle, error) {
	fail := func(err error) (*Handle, error) {
		return nil, fmt.Errorf("procfd: open pid %d: %w", pid, err)
	}
	if pid <= 0 || uint64(pid) > math.MaxUint32 {
		return fail(syscall.EINVAL)
	}
	backend, err := resolveBackend("")
	if err != nil {
		return fail(err)
	}
	proc, err := windows.OpenProcess(processAccess, false, uint32(pid))
	if err == windows.ERROR_INVALID_PARAMETER {
		// What OpenProcess says of a process id nobody has.
		return fail(fmt.Errorf("%w (OpenProcess: %v)", syscall.ESRCH, err))
	} else if err != nil {
		return fail(os.NewSyscallError("OpenProcess", err))
	}
	sys, err := newHandleProcess(proc, 0, pid, false)
	if err != nil {
		return fail(err)
	}
	return newHandle(pid, backend, false, false, sys), nil
}

func fromProcess(p *os.Process) (*Handle, error) {
	return adoptProcess(p, BackendHandle, "process handle", adoptProcessHandle)
}

// adoptProcessHandle makes the handle backend's process from a duplicate
// of the HANDLE that os.Process lends. It is a child: os started it, and
// KillOnClose ends it alone, as it is in no job of ours.
func adoptProcessHandle(h uintptr, pid int) (process, error) {
	self := windows.CurrentProcess()
	var proc windows.Handle
	if err := windows.DuplicateHandle(self, windows.Handle(h), self, &proc, 0, false, windows.DUPLICATE_SAME_ACCESS); err != nil {
		return nil, os.NewSyscallError("DuplicateHandle", err)
	}
	return newHandleProcess(proc, 0, pid, true)
}
