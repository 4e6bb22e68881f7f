/*
 * The C layer of procfd: spawning a child together with its handle, and the
 * raw pidfd system calls. Nothing here is public API: the Go package calls it
 * through cgo, and every symbol is prefixed pfd_ and hidden from libprocfd.so.
 *
 * Every int-returning function returns 0 (or a documented non-negative
 * value) on success and a negative errno on failure.
 */
#ifndef PFD_INTERNAL_H
#define PFD_INTERNAL_H

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* pfd_spawn_req.flags */
enum {
	PFD_SETSID = 1 << 0,
	PFD_SETPGID = 1 << 1,
};

/* The step of the child's setup that failed, reported in pfd_spawn_res. */
enum pfd_step {
	PFD_STEP_NONE = 0,
	PFD_STEP_SIGNALS,
	PFD_STEP_SETSID,
	PFD_STEP_SETPGID,
	PFD_STEP_FILES,
	PFD_STEP_CHDIR,
	PFD_STEP_RLIMIT,
	PFD_STEP_EXEC,
	PFD_STEP_PIPE, /* the parent's pipe2, for the death pipe or the error pipe */
	PFD_STEP_CGROUP, /* the child's write of itself to cgroup.procs */
};

/* The most descriptors a child may be given: bounds the child's stack use. */
#define PFD_MAX_FILES 1024

struct pfd_spawn_req {
	const char *path;    /* executed as is: no PATH search */
	char *const *argv;   /* NULL-terminated */
	char *const *envp;   /* NULL-terminated */
	const char *dir;     /* NULL: the caller's */
	const int *fds;      /* the child's descriptor i is fds[i]; -1: closed */
	int nfds;            /* 0: the child inherits the caller's descriptors */
	int flags;           /* PFD_SETSID, PFD_SETPGID */
	int want_pidfd;      /* 1: the handle is a pidfd; 0: a death pipe */
	/* Death pipe only: 1 asks clone for the child's pidfd too
	 * (res->pidfd, -1 where clone refuses or ignores CLONE_PIDFD). */
	int pipe_pidfd;
	/* 1: set the child's RLIMIT_NOFILE to nofile before the exec. The Go
	 * runtime raises the process's soft limit at start; as os/exec does,
	 * the child gets back the limit the process started with. */
	int restore_nofile;
	struct rlimit nofile;
	/* Signals as bit (sig - 1), for signals 1 to 64. The child resets
	 * those in sigdefault to SIG_DFL, ignored ones included (every caught
	 * signal is reset anyway), and execs with exactly sigmask blocked. */
	uint64_t sigdefault;
	uint64_t sigmask;
	/* The cgroup directory the child starts in, or -1. clone3 places it
	 * there with CLONE_INTO_CGROUP (Linux 5.7+); where it cannot (no
	 * clone3, an older kernel), the child writes itself to the cgroup's
	 * cgroup.procs before anything else, and so before it execs. */
	int cgroup_fd;
	/* > 0: the child joins that process group (setpgid(0, pgid)), which
	 * must exist in the caller's session. */
	int pgid;
};

struct pfd_spawn_res {
	int pid;
	int fd;              /* pidfd or the death pipe's read end; close-on-exec, non-blocking */
	int pidfd;           /* death pipe only: the child's pidfd (close-on-exec), or -1 */
	int failed_step;     /* enum pfd_step: which setup step failed */
};

/*
 * pfd_spawn starts req->path as a child with vfork semantics and returns its
 * handle descriptor in res. If the child cannot exec, it returns the child's
 * errno (step in res->failed_step) and the child is already reaped.
 */
int pfd_spawn(const struct pfd_spawn_req *req, struct pfd_spawn_res *res);

/* Raw pidfd system calls; they need no libc support. */
int pfd_pidfd_open(int pid, unsigned int flags);
int pfd_pidfd_send_signal(int pidfd, int sig);

/* waitid idtypes understood by pfd_waitid. */
enum { PFD_P_PID = 1, PFD_P_PIDFD = 3 };

/*
 * pfd_waitid calls waitid(idtype, id, options) and, on success, stores the
 * child's pid (0 with WNOHANG while it still runs) and a wait(2)-style status
 * word in *pid and *wstatus, and its resource usage in *ru if ru is not NULL.
 */
int pfd_waitid(int idtype, int id, int options, int *pid, int *wstatus, struct rusage *ru);

/*
 * pfd_pidfd_exit_status reads the exit status that the kernel keeps with a
 * pidfd after the process was reaped (PIDFD_GET_INFO with PIDFD_INFO_EXIT,
 * Linux 6.15+). Returns 1 and stores a wait(2)-style status in *wstatus, 0 if
 * the kernel has no exit status for it (not reaped yet, too old a kernel, or
 * qemu-user, which knows no PIDFD_GET_INFO).
 */
int pfd_pidfd_exit_status(int pidfd, int *wstatus);

/*
 * pfd_raised_nofile returns 1, and the RLIMIT_NOFILE the process had when
 * it was loaded in *startup, if the soft limit is the Go runtime's raise
 * (one below an unchanged hard limit, above the startup soft limit); else 0.
 */
int pfd_raised_nofile(struct rlimit *startup);

/* pfd_take_raised_nofile is pfd_raised_nofile, once: it returns 0 after. */
int pfd_take_raised_nofile(struct rlimit *startup);

/* The most descriptors pfd_close_fds_from may be asked to keep. */
#define PFD_CLOSE_KEEP_MAX 8

/*
 * pfd_close_fds_from closes every descriptor from first up, except the
 * nkeep in keep: close_range(2) where the kernel has it, else what
 * /proc/self/fd lists. Async-signal-safe, for the child before execve.
 * Returns 0, or -1 with errno.
 */
int pfd_close_fds_from(int first, const int *keep, int nkeep);

/* Who takes this process's SIGCHLD: see pfd_sigchld_owner. */
enum pfd_sigchld_owner {
	PFD_SIGCHLD_NOBODY,  /* SIG_DFL: the signal is discarded */
	PFD_SIGCHLD_KERNEL,  /* SIG_IGN or SA_NOCLDWAIT: the kernel reaps children */
	PFD_SIGCHLD_RUNTIME, /* the Go runtime's handler */
	PFD_SIGCHLD_HOST     /* a handler of other code in the process */
};

/*
 * pfd_sigchld_owner says who takes SIGCHLD now, or returns a negative errno.
 * The Go runtime does not pass a signal it catches for os/signal on to the
 * handler it replaced, so the death-pipe backend catches SIGCHLD only when
 * that takes it from nobody. The runtime's handler is recognised as the one
 * it installs, in a Go program and in a c-shared library alike, for SIGURG
 * (preemption) and SIGSEGV; where other code replaced both, the runtime's
 * SIGCHLD handler reads as a host's, which costs speed, not correctness.
 */
int pfd_sigchld_owner(void);

/*
 * pfd_probe_pidfd checks that every pidfd operation procfd relies on works
 * here: pidfd_open, waitid(P_PIDFD), pidfd_send_signal and clone with
 * CLONE_PIDFD. On failure *failed_call names the call that failed.
 */
int pfd_probe_pidfd(const char **failed_call);

/*
 * pfd_clone_vfork runs fn(arg) in a new child that shares the caller's memory
 * on the given stack (CLONE_VM|CLONE_VFORK) and returns its pid once the
 * child has called execve or exited. With want_pidfd it also stores a pidfd
 * for the child in *pidfd. SIGCHLD is the child's exit signal. With
 * cgroup_fd >= 0 the child starts in that cgroup (clone3 with
 * CLONE_INTO_CGROUP); -ENOSYS then means clone3 is missing, and -E2BIG
 * that the kernel predates CLONE_INTO_CGROUP (5.7).
 */
int pfd_clone_vfork(int want_pidfd, int cgroup_fd, int (*fn)(void *), void *arg, void *stack,
		    size_t stack_size, int *pidfd);

/*
 * pfd_spawn_anchor starts a child that makes itself the leader of a new
 * process group and exits at once. The caller keeps it unreaped: its zombie
 * holds the group's id, so that no other process can be given it while the
 * caller's group needs it. Returns the pid (the group's id) or a negative
 * errno; -EPERM if the child's setpgid failed (it is reaped then).
 */
int pfd_spawn_anchor(void);

#endif
