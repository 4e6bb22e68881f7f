/*
 * procfd.h - process handles for C
 *
 * A handle owns exactly one process: it becomes readable when the process
 * ends, it signals the process without a PID-reuse race, and it yields the
 * exit status exactly once, to every waiter. On Linux the handle is a pidfd
 * (Linux 5.4+) or, where pidfds are missing or forbidden, a "death pipe"
 * whose write end only the child holds, confirmed with waitid(2). On
 * Windows the handle is the process HANDLE (the "handle" backend).
 *
 * This header is the whole contract of libprocfd.so. Link with -lprocfd
 * (pkg-config procfd; CMake: find_package(procfd) and procfd::procfd).
 *
 * Windows. The same header is the contract of procfd.dll, built with
 * mingw-w64 (go build -buildmode=c-shared); mingw's gcc links against the
 * dll itself (-L DIR -lprocfd, or the dll's path), and the program finds it
 * beside its .exe or in PATH. What Windows cannot keep of a promise below
 * is said where the promise is made, under "Windows:". The dll also
 * exports the library's internal pfdgo_* functions: they are not part of
 * the contract. Once loaded it stays: its Go runtime cannot be unloaded,
 * so do not FreeLibrary() it.
 *
 * Conventions
 *
 *   Errors. Every int-returning function returns 0, or the non-negative value
 *   it documents, on success, and a negative errno on failure (-ENOENT, ...);
 *   errno itself is left alone. procfd_strerror() describes such a value.
 *   A NULL pointer where one is required is -EINVAL.
 *   Windows: the errnos are those of the C runtime's <errno.h> (mingw-w64's
 *   and MSVC's agree: ENOENT 2, ENOTSUP 129, ETIMEDOUT 138, ...), never
 *   Windows error codes; the error of a Windows call is mapped as the C
 *   runtime maps them (ERROR_FILE_NOT_FOUND and ERROR_PATH_NOT_FOUND:
 *   -ENOENT, ERROR_ACCESS_DENIED: -EACCES, ERROR_BAD_EXE_FORMAT: -ENOEXEC,
 *   ERROR_DIRECTORY: -ENOTDIR, ERROR_INVALID_PARAMETER: -EINVAL, ...), and
 *   one with no errno of its own is -EIO.
 *
 *   Handles. procfd_spawn() and procfd_open() return a procfd_t *, an opaque
 *   token that is never dereferenced: a pointer that is not an open handle,
 *   a closed one included, gets -EBADF (NULL from the string-returning
 *   functions). procfd_close() releases it, like free(): the address is not
 *   handed out to a new handle until at least 4096 more handles have been
 *   closed, so a stale pointer used within that window is reported as -EBADF
 *   rather than acting on someone else's process. Do not rely on more.
 *
 *   Threads. Every function may be called from any number of threads at once.
 *   procfd_wait() blocks only its calling thread; waiting processes otherwise
 *   cost no thread (the library parks them on epoll). The library runs a Go
 *   runtime with a few threads of its own. Do not call it in the child of a
 *   fork() until that child has called exec. Windows: there is no epoll;
 *   the library waits for up to 63 processes on each thread of its own
 *   (WaitForMultipleObjects), so one thread per 63 waited processes.
 *
 *   Signals. The pidfd backend installs no signal handler, nor does the
 *   death-pipe backend while each of its children comes with a pidfd (where
 *   clone takes CLONE_PIDFD, or pidfd_open works). For a child without one it
 *   catches SIGCHLD, but only if nobody else does: if the host has a SIGCHLD
 *   handler (or ignores SIGCHLD) when the first such child is spawned, it
 *   is left alone, and the backend looks at each running child once a
 *   second instead (one waitid(2) each), which is how soon it then sees a
 *   child end whose death pipe a background process still holds. A host
 *   that installs its SIGCHLD handler later replaces the backend's, with the
 *   same effect. A handler that reaps other children than its own, with
 *   waitpid(-1, ...), takes their status from procfd: see -ECHILD.
 *   Windows: none of this applies. The library's Go runtime adds a console
 *   control handler, which passes every event (Ctrl+C, close, ...) on to
 *   the host's handlers, and vectored exception handlers, which leave an
 *   exception outside the library's Go code to the host.
 *
 *   Limits. The Go runtime inside the library raises the process's soft
 *   RLIMIT_NOFILE when it starts, on a thread of its own; the library puts
 *   back the limit the host had before dlopen() returns (for a program
 *   linked with it, before main() starts), waiting up to 5 seconds for the
 *   runtime to get there. A limit the host sets after that is its own, and
 *   children get the host's limit of the moment. Windows: there are no
 *   such limits; the library changes none.
 *
 *   Nothing a caller passes, other than a pointer to memory it does not own,
 *   crashes the host process: an internal failure is reported as -EIO.
 */
#ifndef PROCFD_H
#define PROCFD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PROCFD_VERSION_MAJOR 0
#define PROCFD_VERSION_MINOR 3
#define PROCFD_VERSION_PATCH 0

/* A process handle. Opaque: only the library knows what it stands for. */
typedef struct procfd procfd_t;

/* A group of processes (procfd_group_new()). Opaque, like procfd_t. Since
 * 0.3. */
typedef struct procfd_group procfd_group_t;

/* The exit status of a process. */
typedef struct procfd_status {
	int pid;
	int exited;      /* 1: exited normally and code is valid */
	int code;        /* exit code when exited, else -1 */
	int signal;      /* terminating signal when !exited, else 0 */
	int core_dumped; /* 1: the signal dumped core */
} procfd_status_t;

/* procfd_attr_t.flags */
enum {
	/* Start the child in a new session (setsid(2)).
	 * Windows: -ENOTSUP. */
	PROCFD_SETSID = 1 << 0,
	/* Start the child in a new process group led by itself.
	 * Windows: -ENOTSUP. */
	PROCFD_SETPGID = 1 << 1,
	/* procfd_close() kills a still running process with SIGKILL and reaps
	 * it before it returns. Windows: with TerminateProcess (exit code 1);
	 * the child runs in a job object that kills it and every process it
	 * started once the handle is closed, or the caller ends. */
	PROCFD_KILL_ON_CLOSE = 1 << 2,
	/* A path without a slash is looked for in the directories of the
	 * caller's PATH, as execvp(3) does. Without it, such a path is taken
	 * relative to the child's working directory.
	 * Windows: a path without a slash, backslash or colon is looked for in
	 * the directories of PATH (separated by ';', empty ones skipped; the
	 * current directory only if PATH names it), as itself and with ".exe"
	 * appended, the first regular file found; nothing checks that it is
	 * executable. */
	PROCFD_SEARCH_PATH = 1 << 3,
	/* Reset the signals in attr->sigdefault to their default action in
	 * the child (posix_spawnattr_setsigdefault). Since 0.2.
	 * Windows: -ENOTSUP. */
	PROCFD_SIGDEFAULT = 1 << 4,
	/* Give the child attr->sigmask as its signal mask
	 * (posix_spawnattr_setsigmask). Since 0.2. Windows: -ENOTSUP. */
	PROCFD_SIGMASK = 1 << 5,
	/* Start the child in the group attr->group (see procfd_group_new()):
	 * it, and every process it starts, belongs to the group from its
	 * first instruction on. In a group of the "pgroup" mechanism the
	 * child joins the group's process group, so PROCFD_SETSID and
	 * PROCFD_SETPGID are refused there (-EINVAL): either would leave it.
	 * Since 0.3. */
	PROCFD_GROUP = 1 << 6
};

/* The bit of signal sig (1 to 64) in procfd_attr_t.sigdefault and .sigmask. */
#define PROCFD_SIGBIT(sig) ((uint64_t)1 << ((sig) - 1))

/* How procfd_spawn() starts a process. A NULL procfd_attr_t *, or one that
 * is all zeros, means the defaults below.
 *
 * Windows: fds are descriptors of the C runtime that procfd.dll is built
 * with (msvcrt.dll with Debian's mingw-w64, as its programs use; a dll built
 * by a UCRT toolchain takes UCRT's): 0, 1, 2, or one from _pipe, _open or
 * _open_osfhandle. fds[0], fds[1] and fds[2] become the child's standard
 * input, output and error (the HANDLE that _get_osfhandle gives); there are
 * no others, so nfds is at most 3 (more: -EINVAL), and -1 or an entry past
 * nfds leaves the child without that handle. With NULL fds the child gets
 * the HANDLEs behind the C runtime's 0, 1 and 2 at the time of the call. */
typedef struct procfd_attr {
	const char *dir;     /* working directory; NULL: the caller's */
	const int *fds;      /* the child's descriptor i is fds[i]; -1: closed;
	                      * NULL (or nfds 0): the child inherits 0, 1, 2 */
	int nfds;            /* number of entries in fds */
	unsigned flags;      /* PROCFD_SETSID | ... */
	const char *backend; /* NULL or "": the best available; else "pidfd",
	                      * "pipe", "procdesc" or "handle" (Windows:
	                      * "handle" is the only one that works) */
	/* Since 0.2, and read only with the flag that names them, so that a
	 * program built against 0.1's shorter struct still works. Each is a
	 * set of signals 1 to 64, PROCFD_SIGBIT(sig) per signal. */
	uint64_t sigdefault; /* with PROCFD_SIGDEFAULT: reset to SIG_DFL */
	uint64_t sigmask;    /* with PROCFD_SIGMASK: the child's mask */
	/* Since 0.3, read only with PROCFD_GROUP, as above. */
	procfd_group_t *group; /* with PROCFD_GROUP: the group to start in */
} procfd_attr_t;

/*
 * procfd_spawn - start a program and return a handle that owns it
 *
 * Executes path with arguments argv (argv[0] included, NULL-terminated) and
 * environment envp (NULL-terminated; NULL: the caller's environment), with
 * the attributes in attr. The child's descriptors are exactly those that
 * attr->fds gives it (or the caller's 0, 1 and 2): every other one is closed
 * before the exec, with or without close-on-exec. The descriptors in
 * attr->fds stay open and unchanged in the caller. On success *out is the new handle,
 * to be released with procfd_close(). No process is left behind on failure.
 *
 * Windows: CreateProcessW runs path as given: no ".exe" is appended without
 * PROCFD_SEARCH_PATH, and a relative path is joined to attr->dir (the
 * library does so: CreateProcessW alone would take it in the caller's
 * directory). argv becomes one command line, each argument quoted as the C
 * runtime and CommandLineToArgvW take it apart again; a child that parses
 * its command line otherwise (cmd.exe) sees those quotes. envp NULL is the
 * process's environment as it is at the call (SetEnvironmentVariable and
 * _putenv both change it). The child inherits its three standard handles
 * and no other HANDLE of the caller, inheritable or not.
 *
 * Signals. The child execs with no signal blocked, whatever the calling
 * thread blocks, or with exactly attr->sigmask under PROCFD_SIGMASK; the C
 * library's own signals (32 and 33 with glibc) are never blocked. To give
 * the child the calling thread's mask, as posix_spawn does by default,
 * pass what pthread_sigmask(3) reports as attr->sigmask. A signal the
 * caller catches has its default action in the child, as execve(2) gives
 * it; one the caller ignores stays ignored, unless it is in
 * attr->sigdefault under PROCFD_SIGDEFAULT. That includes SIGPIPE ignored
 * before the library was loaded, which the library's Go runtime then
 * catches on the caller's behalf (handing it on to SIG_IGN). Windows: a
 * process has no signal mask or dispositions to inherit, and none of this
 * applies.
 *
 * RETURN VALUE
 *   0 on success, a negative errno on failure; *out is set only on success.
 *
 * ERRORS
 *   -EINVAL   out, path or argv is NULL; argv is empty; attr->nfds is
 *             negative, or attr->fds is NULL with attr->nfds > 0, or too
 *             many descriptors (over 1024; Windows: over 3);
 *             attr->flags has an unknown bit; attr->backend (or, without
 *             one, the PROCFD_BACKEND environment variable) is not a
 *             backend's name; PROCFD_GROUP with attr->group NULL, or
 *             with PROCFD_SETSID or PROCFD_SETPGID in a group of the
 *             "pgroup" mechanism.
 *   -EBADF    (PROCFD_GROUP) attr->group is not an open group, a closed
 *             one included, or it was closed while the spawn ran; no
 *             process is left behind.
 *   -EMFILE, -ENFILE
 *             no descriptor could be made for the handle, for the death
 *             pipe and error pipe of the pipe backend, or for the copies
 *             of attr->fds that the child is handed.
 *   -ENOTSUP  attr->backend (or the PROCFD_BACKEND environment variable)
 *             names a backend that does not work on this system.
 *             Windows: also PROCFD_SETSID, PROCFD_SETPGID,
 *             PROCFD_SIGDEFAULT or PROCFD_SIGMASK in attr->flags.
 *   -EBADF    an entry of attr->fds is neither -1 nor an open descriptor.
 *             Windows: or one that the C runtime has no HANDLE for.
 *   -ENOENT, -EACCES, -ENOEXEC, -E2BIG, ...
 *             execve(2) failed in the child (with PROCFD_SEARCH_PATH,
 *             -ENOENT also when no directory of PATH holds the program).
 *             Windows: CreateProcessW failed, its error mapped as under
 *             Errors above (a missing program or directory of the path:
 *             -ENOENT; not a program: -ENOEXEC).
 *   -ENOENT, -ENOTDIR, -EACCES
 *             attr->dir is not a directory the child may enter. Windows:
 *             CreateProcessW says -ENOTDIR of a missing one too.
 *   -EAGAIN, -ENOMEM
 *             the process could not be created.
 */
int procfd_spawn(procfd_t **out, const char *path, char *const argv[], char *const envp[],
                 const procfd_attr_t *attr);

/*
 * procfd_open - take a handle on an existing process
 *
 * The process need not be a child of the caller. procfd_wait() on such a
 * handle returns once the process has ended: it reaps our own child; for
 * any other process it returns the status the kernel keeps once the parent
 * has reaped it (Linux 6.15+), or -ENODATA if the parent has not done so
 * within 250 ms of the exit. That answer is final for the handle.
 *
 * Windows: OpenProcess, for waiting, the exit code and TerminateProcess.
 * procfd_wait() returns the true status of any process, whoever started
 * it, as soon as it has ended: never -ENODATA, and no 250 ms wait.
 *
 * RETURN VALUE
 *   0 on success, a negative errno on failure; *out is set only on success.
 *
 * ERRORS
 *   -EINVAL   out is NULL, or pid <= 0; the PROCFD_BACKEND environment
 *             variable is not a backend's name; pid is a thread of a
 *             process but not the process itself (its thread-group
 *             leader), on older kernels.
 *   -ENOENT   pid is a thread of a process but not the process itself,
 *             on recent kernels (6.18 says so; older ones say -EINVAL).
 *             Never for a pid that names no process or thread at all:
 *             that is -ESRCH.
 *   -ESRCH    no process pid exists.
 *   -EACCES   Windows: the caller may not open the process (OpenProcess
 *             says ERROR_ACCESS_DENIED). Windows has no -ENOENT case: a
 *             thread id is no process id.
 *   -ENOTSUP  the backend in use cannot refer to an existing process (the
 *             death pipe cannot).
 *   -EMFILE, -ENFILE, -ENOMEM
 *             no descriptor could be made.
 */
int procfd_open(procfd_t **out, int pid);

/*
 * procfd_pid - the process id of the handle's process
 *
 * Once the process has been reaped the number may belong to another process:
 * use the handle, not the number, to act on the process.
 *
 * RETURN VALUE
 *   The pid (> 0), or a negative errno.
 *
 * ERRORS
 *   -EINVAL   h is NULL.
 *   -EBADF    h is not an open handle.
 */
int procfd_pid(const procfd_t *h);

/*
 * procfd_fd - the native handle, to wait in an event loop of your own
 *
 * On POSIX systems a descriptor that polls readable (poll, epoll, select)
 * exactly when the status can be collected, and from then on: once it is
 * readable, procfd_wait(h, 0, ...) returns the status (or the -ECHILD or
 * -ENODATA that is final for h), never -ETIMEDOUT; while it is not, the
 * process has not ended. On Windows a HANDLE that becomes signalled. It
 * stays valid until procfd_close(h): do not close it, read from it or change
 * its flags.
 *
 * Windows: the process HANDLE itself, as an intptr_t: cast it to HANDLE and
 * wait for it with WaitForSingleObject, WaitForMultipleObjects,
 * RegisterWaitForSingleObject or MsgWaitForMultipleObjects. It is
 * signalled exactly when the process has ended, and from then on, with the
 * same rule for procfd_wait(h, 0, ...). Do not CloseHandle it or pass it
 * to DuplicateHandle with DUPLICATE_CLOSE_SOURCE.
 *
 * The rule is the same on every backend; what the descriptor is differs. On
 * the pidfd backend it is the pidfd, which the kernel wakes again when the
 * status is collected, so an edge-triggered loop may see a second edge for
 * a handle it has already waited on (procfd_wait() then returns the same
 * status). On the death-pipe backend it is an eventfd that the library
 * makes at the first procfd_fd() call and writes once it has confirmed the
 * child's end with waitid(2); the death pipe itself, whose end of file can
 * come early (a child that closed its descriptors) or late (a background
 * process that holds it), is never handed out.
 *
 * RETURN VALUE
 *   The descriptor or HANDLE (>= 0), or a negative errno.
 *
 * ERRORS
 *   -EINVAL   h is NULL.
 *   -EBADF    h is not an open handle.
 *   -EMFILE   the death-pipe backend could not make its eventfd: the
 *             process is out of descriptors. A later call tries again.
 *             Never on Windows.
 */
intptr_t procfd_fd(const procfd_t *h);

/*
 * procfd_backend - the backend behind a handle
 *
 * RETURN VALUE
 *   "pidfd", "pipe", "procdesc" or "handle" (Windows: always "handle"): a
 *   static string, never to be freed. NULL if h is NULL or not an open
 *   handle.
 */
const char *procfd_backend(const procfd_t *h);

/*
 * procfd_default_backend - the backend procfd_spawn() and procfd_open() use
 * when none is asked for
 *
 * That is the backend named by the environment variable PROCFD_BACKEND if it
 * is set and works here, else the best one that works here (probed once).
 *
 * RETURN VALUE
 *   A static string, never to be freed; "" if no backend works here.
 */
const char *procfd_default_backend(void);

/*
 * procfd_signal - send a signal to the handle's process
 *
 * Never signals a process the handle does not own: once the process has
 * ended, nothing is sent. sig 0 sends nothing and tells whether the process
 * still runs (0) or has ended (-ESRCH).
 *
 * Windows: a process has no signals. sig 9 (SIGKILL, which Windows'
 * <signal.h> does not define) ends it with TerminateProcess and exit code 1:
 * its status is then exited, code 1, as if it had called exit(1). sig 0
 * answers as above. Any other signal is -ENOTSUP, and nothing is sent.
 *
 * RETURN VALUE
 *   0 on success, a negative errno on failure.
 *
 * ERRORS
 *   -EINVAL   h is NULL, or sig is not 0 and not a valid signal number
 *             (1 to 64).
 *   -EBADF    h is not an open handle.
 *   -ESRCH    the process has ended (it may still be a zombie).
 *   -EPERM    the caller may not signal that process (Windows: -EACCES,
 *             TerminateProcess's ERROR_ACCESS_DENIED).
 *   -ENOTSUP  Windows: sig is not 0 or 9.
 *             On Linux: the death-pipe backend has no pidfd for the process
 *             (pidfd_open(2) fails here: Linux before 5.3, or a seccomp
 *             policy) and SIGCHLD is ignored (SIG_IGN or SA_NOCLDWAIT):
 *             the kernel may reap the process and give its PID to another
 *             at any moment, so nothing is sent. sig 0 still answers.
 */
int procfd_signal(procfd_t *h, int sig);

/*
 * procfd_wait - wait for the process to end and get its exit status
 *
 * timeout_ms is how long to wait: negative (-1) for as long as it takes,
 * 0 to only look, which collects the status of a process that has ended
 * (the way to call it once procfd_fd() is readable). A look at a process
 * that is not our child and has ended, but whose parent has not reaped it
 * yet, waits for that up to 250 ms, whatever timeout_ms says. The first
 * successful procfd_wait() (or the collection that procfd_on_exit() starts)
 * reaps the process; every procfd_wait() from then on, from any thread,
 * returns the same status. If st is not NULL, the status is stored there.
 * Waiting on a handle from procfd_open() for a process that is not our
 * child returns once its parent has reaped it.
 *
 * Windows: the status is always exited = 1 with the exit code in code (a
 * DWORD stored in an int: an NTSTATUS such as 0xC0000005 of a crashed
 * process is negative), signal 0 and core_dumped 0, for procfd_open()
 * handles too, as soon as the process has ended. -ECHILD and -ENODATA are
 * never returned.
 *
 * RETURN VALUE
 *   0 on success, with *st filled; a negative errno on failure, with *st
 *   untouched.
 *
 * ERRORS
 *   -EINVAL    h is NULL.
 *   -EBADF     h is not an open handle.
 *   -ETIMEDOUT the process is still running when timeout_ms has passed;
 *              the handle is unchanged, so wait again at will.
 *   -ECHILD    other code in this process (a waitpid(-1, ...) loop, or
 *              SIGCHLD set to SIG_IGN) reaped the child first, and the
 *              kernel kept no copy of its status.
 *   -ENODATA   the process was not our child and the kernel offers no status
 *              for it (Linux older than 6.15, or its parent did not reap it
 *              within 250 ms of its exit).
 */
int procfd_wait(procfd_t *h, int timeout_ms, procfd_status_t *st);

/*
 * procfd_on_exit - have a function called when the process has ended
 *
 * Starts collecting the status, as procfd_wait() would, and calls
 * cb(h, st, arg) exactly once, after the status is collected, on a thread
 * that the library owns (never the caller's thread, even if the process has
 * already ended). st points to the status and is valid only during the call;
 * it is NULL if the status could not be collected (procfd_wait() then tells
 * why: -ECHILD or -ENODATA; never on Windows). Each successful call registers one more call of
 * its own cb.
 *
 * What cb may do: call any procfd function, procfd_close(h) included (the
 * usual way to release a handle that only its callback still needs), and
 * hand the news to another thread or event loop. What it must not do: block
 * for long (each callback that runs holds one OS thread), unwind out of the
 * call (longjmp, C++ exceptions) or end its thread.
 *
 * If h is closed before the process ends, cb is still called once the
 * process has ended (with PROCFD_KILL_ON_CLOSE: once it has been killed and
 * reaped), with the status; h is then no longer open, so calls on it return
 * -EBADF, but its address stays reserved until cb has returned.
 *
 * RETURN VALUE
 *   0 on success (cb will be called), a negative errno on failure (it will
 *   not).
 *
 * ERRORS
 *   -EINVAL   h or cb is NULL.
 *   -EBADF    h is not an open handle.
 */
int procfd_on_exit(procfd_t *h, void (*cb)(procfd_t *h, const procfd_status_t *st, void *arg),
                   void *arg);

/*
 * procfd_close - release a handle
 *
 * With PROCFD_KILL_ON_CLOSE, a process that still runs is killed with SIGKILL
 * and reaped before procfd_close() returns. Without it, the process keeps
 * running and is not left as a zombie: the library reaps it when it ends.
 * Calls of procfd_wait() on h that are blocked at that moment still return
 * the status, for procfd_open() handles too.
 *
 * Windows: PROCFD_KILL_ON_CLOSE terminates the process (exit code 1) and
 * waits until it has ended; closing its job object also kills the processes
 * it started. Windows keeps no zombies: without the flag the process runs
 * on, and the library closes its HANDLE.
 *
 * RETURN VALUE
 *   0 on success, a negative errno on failure. h is no longer open after
 *   any call that did not return -EINVAL or -EBADF.
 *
 * ERRORS
 *   -EINVAL   h is NULL.
 *   -EBADF    h is not an open handle (a second procfd_close() included).
 *   -EPERM    PROCFD_KILL_ON_CLOSE could not kill the process; it is left
 *             running and will be reaped when it ends. Windows: -EACCES.
 */
int procfd_close(procfd_t *h);

/*
 * Groups (since 0.3)
 *
 * A group owns a tree of processes: each one started into it
 * (PROCFD_GROUP) and every process those start, grandchildren that called
 * setsid(2) or forked twice included where the mechanism holds them. It
 * waits for the whole tree, signals it, and kills it. A procfd_group_t * is
 * a token with the rules of procfd_t * (see Handles above, with a window of
 * its own of 4096 closed groups): a pointer that is not an open group, a
 * closed one or a procfd_t * included, gets -EBADF (NULL from
 * procfd_group_mechanism()). The handles of processes started into a
 * group are handles like any other: each reaps its own process, and is
 * closed on its own.
 *
 * Mechanisms, by name:
 *   "cgroup"  Linux 5.14+ with a cgroup v2 hierarchy the caller may write
 *             in: a cgroup of the group's own, made under the caller's. A
 *             child enters it before it runs anything, and nothing it
 *             starts can leave it (not setsid, not a double fork) without
 *             write access to another cgroup. Killing is cgroup.kill,
 *             which no fork in progress escapes.
 *   "pgroup"  Linux: a POSIX process group, whose id one zombie child of
 *             the caller pins while the group is open, so that no
 *             unrelated process can take it. A descendant that calls
 *             setsid(2) or setpgid(2) leaves the group: it is then
 *             neither waited for nor signalled, nor killed on close, and
 *             so is a member that /proc hides from the caller (mounted
 *             with hidepid, a process of another user). The end of a
 *             member that is not the caller's child is seen up to 100 ms
 *             late (at once with PROCFD_GROUP_SUBREAPER). A host that
 *             ignores SIGCHLD, or reaps with waitpid(-1, ...), can take
 *             that zombie: procfd_group_new() then fails, or a later
 *             signal does.
 *   "job"     Windows (8+, for nested jobs): a job object. A child is
 *             put in it while suspended, so nothing it starts is outside
 *             it. A process has no signals there: procfd_group_signal()
 *             takes 0 and 9 only, as procfd_signal() does (9 is
 *             TerminateJobObject, exit code 1).
 *   "reaper"  FreeBSD, built with cgo: procctl(2)'s reaper facility. The
 *             whole process becomes a reaper at the first group, for
 *             good; each child started into the group roots a subtree
 *             that nothing it starts can leave. Written against FreeBSD's
 *             sources and never built or run on FreeBSD (see the README).
 *
 * On the other systems (macOS, NetBSD, OpenBSD) procfd_group_new() returns
 * -ENOTSUP, so no group exists there to call the other functions on.
 */

/* procfd_group_attr_t.flags */
enum {
	/* procfd_group_close() kills every process in the group and returns
	 * once the group is empty. */
	PROCFD_GROUP_KILL_ON_CLOSE = 1 << 0,
	/* "pgroup" only (the others ignore it): make this whole process a
	 * child subreaper (prctl PR_SET_CHILD_SUBREAPER), for good. Every
	 * orphaned descendant of the process, in a group or not, is then
	 * reparented to it rather than to init; the library reaps those that
	 * are in one of its groups and that no handle owns, and the others
	 * are the host's to reap. In exchange the group sees a member's end
	 * at once, through SIGCHLD. */
	PROCFD_GROUP_SUBREAPER = 1 << 1
};

/* How procfd_group_new() makes a group. A NULL procfd_group_attr_t *, or
 * one that is all zeros, means the defaults: no flag, the best mechanism.
 * Fields added later are read only under a flag that names them, as in
 * procfd_attr_t. */
typedef struct procfd_group_attr {
	unsigned flags;        /* PROCFD_GROUP_KILL_ON_CLOSE | ... */
	const char *mechanism; /* NULL or "": "cgroup" where one can be made,
	                        * else "pgroup"; or one of those names, which
	                        * then must work (no fall back) */
} procfd_group_attr_t;

/*
 * procfd_group_new - make a group
 *
 * On success *out is the new group, to be released with
 * procfd_group_close(). It is empty until a process is started into it.
 *
 * RETURN VALUE
 *   0 on success, a negative errno on failure; *out is set only on success.
 *
 * ERRORS
 *   -EINVAL   out is NULL; attr->flags has an unknown bit;
 *             attr->mechanism is not a mechanism's name.
 *   -ENOTSUP  no mechanism exists on this system (macOS, NetBSD,
 *             OpenBSD), or attr->mechanism names one that does not exist
 *             here ("job" or "reaper" on Linux; "cgroup" or "pgroup" on
 *             Windows and FreeBSD).
 *   -ENOENT, -EACCES, -EPERM, -EROFS, ...
 *             attr->mechanism is "cgroup" and the cgroup could not be
 *             made: the errno of the step that failed (no cgroup v2
 *             mount, or a kernel without cgroup.kill: -ENOENT; no right
 *             to make a cgroup under the caller's: -EACCES). Without a
 *             mechanism asked for, any such failure falls back to "pgroup".
 *   -EAGAIN, -ENOMEM
 *             "pgroup": the zombie that pins the group's id could not be
 *             started.
 *   -EMFILE, -ENFILE
 *             no descriptor could be made for the group.
 *   -ECHILD   "pgroup": another reaper in this process took the zombie
 *             that pins the group's id at once (SIGCHLD ignored?).
 */
int procfd_group_new(procfd_group_t **out, const procfd_group_attr_t *attr);

/*
 * procfd_group_mechanism - the mechanism behind a group
 *
 * RETURN VALUE
 *   "cgroup", "pgroup", "job" or "reaper": a static string, never to be freed. NULL
 *   if g is NULL or not an open group.
 */
const char *procfd_group_mechanism(const procfd_group_t *g);

/*
 * procfd_group_signal - send a signal to every process in the group
 *
 * Never signals a process outside the group: "cgroup" signals each member
 * through a pidfd checked to be a member, so a process that took the PID
 * of a member that just ended is left alone; "pgroup" signals the process
 * group, whose id only members can have while the group is open. A
 * process that a member starts meanwhile is signalled too, unless it
 * starts after its parent handled the signal, as with kill(2) on a
 * process group. SIGKILL on "cgroup" is cgroup.kill: no fork escapes it.
 * sig 0 sends nothing and tells whether the group has a process (0) or is
 * empty (-ESRCH). The call does not wait for the processes to end: see
 * procfd_group_wait().
 *
 * RETURN VALUE
 *   0 on success, a negative errno on failure.
 *
 * ERRORS
 *   -EINVAL   g is NULL, or sig is not 0 and not a valid signal number
 *             (1 to 64).
 *   -EBADF    g is not an open group.
 *   -ESRCH    the group is empty: nothing was sent.
 *   -EPERM    the caller may not signal a process of the group.
 *   -ENOTSUP  Windows: sig is not 0 or 9.
 *   -ECHILD   "pgroup": another reaper in this process took the zombie
 *             that pins the group's id, which may then be reused: nothing
 *             was sent.
 */
int procfd_group_signal(procfd_group_t *g, int sig);

/*
 * procfd_group_wait - wait for the group to be empty
 *
 * Returns 0 once every process in the group has ended. A process that has
 * ended counts as gone although nobody has reaped it yet (its handle still
 * has its status). A group that nothing was started into is empty.
 * timeout_ms is as for procfd_wait(): negative (-1) waits for as long as
 * it takes, 0 only looks (the way to call it once procfd_group_fd() is
 * readable). procfd_group_close() ends a wait in progress: it returns 0 if
 * the group is empty by then (PROCFD_GROUP_KILL_ON_CLOSE's kill included),
 * -EBADF otherwise.
 *
 * RETURN VALUE
 *   0 once the group is empty, a negative errno on failure.
 *
 * ERRORS
 *   -EINVAL    g is NULL.
 *   -EBADF     g is not an open group, or was closed during the wait with
 *              processes left in it.
 *   -ETIMEDOUT a process of the group still runs when timeout_ms has
 *              passed; nothing changed, so wait again at will.
 */
int procfd_group_wait(procfd_group_t *g, int timeout_ms);

/*
 * procfd_group_fd - a descriptor that polls readable exactly while the
 * group is empty
 *
 * Once it is readable, procfd_group_wait(g, 0) returns 0; while a process
 * of the group runs, it is not readable. It stays readable while the group
 * is empty, and turns unreadable again when a process is started into the
 * group (before that process exists, so never while a member runs). It is
 * an eventfd that the library writes when the kernel (cgroup.events) or
 * its look at the process group says that the group became empty. It
 * stays valid until procfd_group_close(g): do not close it, read from it
 * or change its flags. Windows: a manual-reset event HANDLE, as an
 * intptr_t, signalled exactly while the group is empty; wait for it as
 * for procfd_fd()'s, and do not CloseHandle, SetEvent or ResetEvent it.
 *
 * RETURN VALUE
 *   The descriptor (>= 0), or a negative errno.
 *
 * ERRORS
 *   -EINVAL   g is NULL.
 *   -EBADF    g is not an open group.
 */
intptr_t procfd_group_fd(const procfd_group_t *g);

/*
 * procfd_group_pids - the processes in the group
 *
 * Stores the PIDs of the processes in the group, in no order, in pids[0]
 * to pids[npids - 1], and returns how many there are. A return value
 * greater than npids means the buffer was short: only the first npids were
 * stored; call again with a larger one (the group may have changed by
 * then). pids may be NULL when npids is 0, to ask only for the count. A
 * PID is a number: the process may end, and its PID be reused, as soon as
 * the call returns; act on the group with procfd_group_signal().
 *
 * RETURN VALUE
 *   The number of processes in the group (>= 0), or a negative errno.
 *
 * ERRORS
 *   -EINVAL   g is NULL; npids is negative; pids is NULL and npids > 0.
 *   -EBADF    g is not an open group.
 *   -EMFILE, -ENFILE
 *             the listing (cgroup.procs, /proc) could not be opened.
 */
int procfd_group_pids(const procfd_group_t *g, int *pids, int npids);

/*
 * procfd_group_close - release a group
 *
 * With PROCFD_GROUP_KILL_ON_CLOSE every process in the group is killed
 * (SIGKILL; "cgroup": cgroup.kill), and procfd_group_close() returns once
 * the group is empty; the cgroup is then removed. Without it the processes
 * run on, out of the library's reach; the library removes the cgroup once
 * they have all ended, if this process still runs then (an empty cgroup
 * left behind can be removed with rmdir). "pgroup" cannot kill a
 * descendant that left the process group (setsid, setpgid). Handles of
 * processes in the group stay open: close them with procfd_close().
 *
 * RETURN VALUE
 *   0 on success, a negative errno on failure. g is no longer open after
 *   any call that did not return -EINVAL or -EBADF.
 *
 * ERRORS
 *   -EINVAL   g is NULL.
 *   -EBADF    g is not an open group (a second procfd_group_close()
 *             included).
 *   -EACCES, -EPERM
 *             PROCFD_GROUP_KILL_ON_CLOSE could not kill the processes;
 *             they run on.
 *   -EBUSY    the group's cgroup could not be removed (a process of it
 *             still ending after a second); it is left behind, empty.
 */
int procfd_group_close(procfd_group_t *g);

/*
 * procfd_strerror - describe an error that a procfd function returned
 *
 * err is a negative errno as the functions above return (a positive errno
 * is accepted too).
 *
 * RETURN VALUE
 *   A static string, never NULL and never to be freed, the same one for the
 *   same err on every call: the C library's text for the errno (strerror),
 *   or "Unknown error" for a value that no errno can be (4096 and over).
 *   Windows: msvcrt's strerror knows the errnos 1 to 42 only; the POSIX
 *   ones of <errno.h> from 100 on (ENOTSUP, ETIMEDOUT, ENODATA, ...) get
 *   the library's own text, in glibc's words ("Not supported", ...).
 */
const char *procfd_strerror(int err);

/*
 * procfd_version - the library's version
 *
 * RETURN VALUE
 *   "MAJOR.MINOR.PATCH" of the library that is loaded, a static string.
 *   Compare it with PROCFD_VERSION_* of the header compiled against.
 */
const char *procfd_version(void);

#ifdef __cplusplus
}
#endif

#endif /* PROCFD_H */
