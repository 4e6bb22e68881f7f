/*
 * Spawning a child together with its handle: a pidfd, or the read end of a
 * death pipe whose only write end the child holds.
 *
 * The child shares the parent's memory until it execs (see clone_linux.c),
 * which is how it reports a failed setup step: it stores errno and the step
 * in the parent's struct spawn_child and exits. The parent is asleep until
 * then, so there is no race on those fields.
 *
 * The pipe backend is the fallback for systems where clone may not keep
 * that promise: user-mode emulators such as qemu-user run CLONE_VM|
 * CLONE_VFORK as a plain fork. There the child also writes its failure to a
 * close-on-exec error pipe, which the parent reads until the bytes or EOF
 * (the exec closed it) arrive, as os/exec does.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clone, pipe2, F_DUPFD_CLOEXEC */
#endif
#include "pfd_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's stack: it only makes system calls, the deepest being a libc
 * sigaction, plus the descriptor table copy of PFD_MAX_FILES ints. */
#define CHILD_STACK_SIZE (32 * 1024)

#define RETRY_EINTR(expr)                                                                         \
	({                                                                                         \
		long _r;                                                                           \
		do                                                                                 \
			_r = (long)(expr);                                                         \
		while (_r == -1 && errno == EINTR);                                                \
		_r;                                                                                \
	})

struct spawn_child {
	const struct pfd_spawn_req *req;
	const sigset_t *child_mask;  /* set just before execve */
	/* The Go runtime's signal handler (SIGURG's, as pfd_sigchld_owner
	 * recognises it), or SIG_DFL if SIGPIPE needs no such check. */
	void (*runtime_handler)(int);
	/* The child's ends of the pipes (-1 on the pidfd backend); the child may
	 * move them, so the parent keeps its own copies of the numbers. */
	int death_pipe;
	int error_pipe;
	/* The group's cgroup.procs where clone3 could not place the child in
	 * its cgroup, or -1. */
	int cgroup_procs;
	volatile int err;            /* written by the child only on failure */
	volatile int step;
};

/* What a failed child writes to the error pipe. */
struct spawn_failure {
	int err;
	int step;
};

/*
 * Whether SIGPIPE was ignored when this code was loaded. The Go runtime then
 * catches SIGPIPE, in a program and in a c-shared library alike; a library
 * hands the signal on to the host's SIG_IGN, so the host still ignores it,
 * and its children keep it ignored as a child of a C program would. Priority
 * 101 runs this ahead of the runtime's own start (see nofile_posix.c).
 */
static int sigpipe_ignored_at_load;

__attribute__((constructor(101))) static void record_sigpipe(void)
{
	struct sigaction sa;

	sigpipe_ignored_at_load = sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
}

/*
 * --- Everything from here to the end of child_main runs in the child ---
 *
 * The child shares the parent's memory, its libc state and even its thread
 * pointer, and runs with every signal blocked. Only async-signal-safe calls
 * are allowed: no malloc, no stdio, no locks, nothing that touches memory the
 * parent may be using other than this child's own stack and struct
 * spawn_child.
 */

static int child_fail(struct spawn_child *c, int step)
{
	struct spawn_failure f = {errno ? errno : EINVAL, step};

	c->err = f.err;
	c->step = step;
	/* A short or failed write leaves c->err, or the exit status, to tell. */
	if (c->error_pipe >= 0)
		(void)RETRY_EINTR(write(c->error_pipe, &f, sizeof(f)));
	_exit(127);
}

/* Reset every caught signal to its default before the mask is lifted, as
 * posix_spawn does: the parent's handlers (the Go runtime's) must never run
 * in the child, which has the parent's memory but not its threads. The
 * signals in sigdefault (bit sig - 1) are reset too, ignored ones included,
 * as posix_spawnattr_setsigdefault asks. SIGPIPE, caught by the runtime
 * for a host that ignored it at load, is ignored in the child instead.
 *
 * One sigaction per signal sets the default and returns the old action; the
 * rare ignored signal is then ignored again. (A query first, then a set,
 * would double the calls, and the runtime catches nearly every signal.)
 * The child has its own copy of the actions, since clone was not given
 * CLONE_SIGHAND, and every signal is blocked here: an ignored signal that
 * arrives while it is briefly at its default stays pending, and ignoring
 * it again discards it, as it would have been. */
static int reset_signal_handlers(uint64_t sigdefault, void (*runtime_handler)(int))
{
	struct sigaction old, dfl, ign;
	int sig;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	ign = dfl;
	ign.sa_handler = SIG_IGN;
	for (sig = 1; sig < NSIG; sig++) {
		int keep_default = sig <= 64 && (sigdefault & ((uint64_t)1 << (sig - 1)));

		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* EINVAL: a signal libc keeps for itself and will not show us;
		 * only this process's own threads send those, and it has none. */
		if (sigaction(sig, &dfl, &old) < 0)
			continue;
		if (keep_default)
			continue;
		if (old.sa_handler == SIG_IGN ||
		    (sig == SIGPIPE && sigpipe_ignored_at_load && runtime_handler != SIG_DFL &&
		     old.sa_handler == runtime_handler))
			if (sigaction(sig, &ign, NULL) < 0)
				return -1;
	}
	return 0;
}

static int clear_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0)
		return -1;
	return fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
}

/* Moves *fd, if it lies in [0, n), to a new descriptor above n. */
static int move_above(int *fd, int n)
{
	if (*fd >= 0 && *fd < n) {
		*fd = fcntl(*fd, F_DUPFD_CLOEXEC, n);
		if (*fd < 0)
			return -1;
	}
	return 0;
}

/*
 * Makes descriptor i of the child be req->fds[i], for i < nfds. A source that
 * lies inside [0, nfds) would be overwritten by an earlier dup2, so it is
 * first copied above nfds; those copies are close-on-exec and vanish at
 * execve. The child's ends of the death and error pipes move out of the way
 * too, or a dup2 would replace them.
 */
static int arrange_files(const struct pfd_spawn_req *req, struct spawn_child *c)
{
	int src[PFD_MAX_FILES];
	int n = req->nfds, i;

	for (i = 0; i < n; i++) {
		src[i] = req->fds[i];
		if (src[i] != i && move_above(&src[i], n) < 0)
			return -1;
	}
	if (move_above(&c->death_pipe, n) < 0 || move_above(&c->error_pipe, n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (src[i] < 0) {
			if (close(i) < 0 && errno != EBADF)
				return -1;
		} else if (src[i] == i) {
			if (clear_cloexec(i) < 0)
				return -1;
		} else if (RETRY_EINTR(dup2(src[i], i)) < 0) {
			return -1;
		}
	}
	return 0;
}

static int child_main(void *arg)
{
	struct spawn_child *c = arg;
	const struct pfd_spawn_req *req = c->req;

	errno = 0;
	/* "0" moves the writer: the child enters its group before it runs
	 * anything of the caller's choosing. */
	if (c->cgroup_procs >= 0 && RETRY_EINTR(write(c->cgroup_procs, "0", 1)) != 1)
		return child_fail(c, PFD_STEP_CGROUP);
	if (reset_signal_handlers(req->sigdefault, c->runtime_handler) < 0)
		return child_fail(c, PFD_STEP_SIGNALS);
	if ((req->flags & PFD_SETSID) && setsid() < 0)
		return child_fail(c, PFD_STEP_SETSID);
	/* A new session leader already leads its own process group. */
	if ((req->flags & PFD_SETPGID) && !(req->flags & PFD_SETSID) && setpgid(0, 0) < 0)
		return child_fail(c, PFD_STEP_SETPGID);
	if (req->pgid > 0 && setpgid(0, req->pgid) < 0)
		return child_fail(c, PFD_STEP_SETPGID);
	if (req->nfds > 0 && arrange_files(req, c) < 0)
		return child_fail(c, PFD_STEP_FILES);
	/* The child gets the descriptors it was given and no others, even
	 * those the caller opened without close-on-exec. The error pipe
	 * stays until execve closes it. */
	int keep[] = {c->death_pipe, c->error_pipe};
	if (pfd_close_fds_from(req->nfds > 0 ? req->nfds : 3, keep, 2) < 0)
		return child_fail(c, PFD_STEP_FILES);
	/* The write end is the child's alone: it stays open across execve and
	 * closes when the last process holding it ends. */
	if (c->death_pipe >= 0 && clear_cloexec(c->death_pipe) < 0)
		return child_fail(c, PFD_STEP_FILES);
	if (req->dir && RETRY_EINTR(chdir(req->dir)) < 0)
		return child_fail(c, PFD_STEP_CHDIR);
	if (req->restore_nofile && setrlimit(RLIMIT_NOFILE, &req->nofile) < 0)
		return child_fail(c, PFD_STEP_RLIMIT);
	if (sigprocmask(SIG_SETMASK, c->child_mask, NULL) < 0)
		return child_fail(c, PFD_STEP_SIGNALS);
	execve(req->path, req->argv, req->envp);
	return child_fail(c, PFD_STEP_EXEC);
}

/* --- End of the code that runs in the child --- */

/* Closes a descriptor on an error path. A failed close there changes
 * nothing for the caller, who gets the first error. */
static void close_keep_errno(int fd)
{
	int saved = errno;

	if (fd >= 0)
		(void)close(fd);
	errno = saved;
}

static int set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* Reads the child's failure from the error pipe: 1 if it failed, 0 if it
 * exec'd (EOF), a negative errno if the pipe itself failed. */
static int read_error_pipe(int fd, struct spawn_failure *f)
{
	ssize_t n = RETRY_EINTR(read(fd, f, sizeof(*f)));

	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(*f);
}

/* Reaps a child whose setup failed; it has already called _exit, so the
 * wait is short. It can only fail if other code reaped the child first,
 * which leaves nothing for us to clean up either. */
static void reap_failed_child(int pid, int pidfd)
{
	int wpid, wstatus;

	if (pidfd >= 0)
		(void)pfd_waitid(PFD_P_PIDFD, pidfd, WEXITED, &wpid, &wstatus, NULL);
	else
		(void)pfd_waitid(PFD_P_PID, pid, WEXITED, &wpid, &wstatus, NULL);
}

/*
 * clone_for_death_pipe clones the child of a death-pipe spawn, with
 * CLONE_PIDFD if try_pidfd: a pidfd made with the child names it for
 * certain, while one opened after the spawn may come too late, once other
 * code has reaped the child. Where clone refuses the flag (EINVAL under
 * qemu-user, ENOSYS or EPERM from a seccomp policy) it spawns without; where
 * it ignores it (a kernel before 5.2) *pidfd stays -1. The caller learns
 * either from *pidfd, and stops asking.
 */
static int clone_for_death_pipe(struct spawn_child *child, int cgroup_fd, void *stack,
				size_t stack_size, int try_pidfd, int *pidfd)
{
	int pid;

	*pidfd = -1;
	if (!try_pidfd)
		return pfd_clone_vfork(0, cgroup_fd, child_main, child, stack, stack_size, pidfd);
	pid = pfd_clone_vfork(1, cgroup_fd, child_main, child, stack, stack_size, pidfd);
	if (pid == -EINVAL || pid == -ENOSYS || pid == -EPERM)
		return pfd_clone_vfork(0, cgroup_fd, child_main, child, stack, stack_size, pidfd);
	return pid;
}

/*
 * Clones the child, in req->cgroup_fd's cgroup if there is one. Where clone3
 * cannot place it there (no clone3: Linux < 5.3, qemu-user, a seccomp
 * policy; E2BIG: Linux < 5.7), the child is cloned outside and moves itself
 * in through the cgroup's cgroup.procs (*cgroup_procs, which the caller
 * closes) before it runs anything else.
 */
static int clone_child(const struct pfd_spawn_req *req, struct spawn_child *child, void *stack,
		       size_t stack_size, int *pidfd, int *cgroup_procs)
{
	int cgroup_fd = req->cgroup_fd;
	int pid;

	for (;;) {
		if (req->want_pidfd)
			pid = pfd_clone_vfork(1, cgroup_fd, child_main, child, stack, stack_size,
					      pidfd);
		else
			pid = clone_for_death_pipe(child, cgroup_fd, stack, stack_size,
						   req->pipe_pidfd, pidfd);
		if (cgroup_fd < 0 || (pid != -ENOSYS && pid != -E2BIG))
			return pid;
		*cgroup_procs = openat(cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
		if (*cgroup_procs < 0)
			return -errno;
		child->cgroup_procs = *cgroup_procs;
		cgroup_fd = -1;
	}
}

int pfd_spawn(const struct pfd_spawn_req *req, struct pfd_spawn_res *res)
{
	char stack[CHILD_STACK_SIZE] __attribute__((aligned(16)));
	struct spawn_child child;
	sigset_t all, parent_mask, child_mask;
	struct spawn_failure failure = {0, PFD_STEP_NONE};
	int pipefd[2] = {-1, -1}, errpipe[2] = {-1, -1};
	int pidfd = -1, cgroup_procs = -1, pid, err;

	res->pid = -1;
	res->fd = -1;
	res->pidfd = -1;
	res->failed_step = PFD_STEP_NONE;
	if (req->nfds < 0 || req->nfds > PFD_MAX_FILES || (req->nfds > 0 && !req->fds))
		return -EINVAL;

	if (!req->want_pidfd && pipe2(pipefd, O_CLOEXEC) < 0) {
		res->failed_step = PFD_STEP_PIPE;
		return -errno;
	}
	if (!req->want_pidfd && pipe2(errpipe, O_CLOEXEC) < 0) {
		err = -errno;
		res->failed_step = PFD_STEP_PIPE;
		goto out_pipe;
	}

	/* The child's mask is req->sigmask alone, whatever this thread blocks.
	 * sigaddset refuses the C library's own signals (32 and 33 with
	 * glibc), which stay unblocked, as sigprocmask would leave them. */
	sigemptyset(&child_mask);
	for (int sig = 1; sig <= 64; sig++)
		if (req->sigmask & ((uint64_t)1 << (sig - 1)))
			(void)sigaddset(&child_mask, sig);

	memset(&child, 0, sizeof(child));
	child.req = req;
	child.child_mask = &child_mask;
	child.runtime_handler = SIG_DFL;
	if (sigpipe_ignored_at_load) {
		struct sigaction urg;

		if (sigaction(SIGURG, NULL, &urg) == 0)
			child.runtime_handler = urg.sa_handler;
	}
	child.death_pipe = pipefd[1];
	child.error_pipe = errpipe[1];
	child.cgroup_procs = -1;

	/* Block every signal so that no handler of the parent runs on the
	 * child's stack before the child has reset them. */
	sigfillset(&all);
	err = pthread_sigmask(SIG_SETMASK, &all, &parent_mask);
	if (err) {
		err = -err;
		goto out_pipe;
	}
	pid = clone_child(req, &child, stack, sizeof(stack), &pidfd, &cgroup_procs);
	/* Cannot fail: the mask is one pthread_sigmask just returned. */
	(void)pthread_sigmask(SIG_SETMASK, &parent_mask, NULL);
	close_keep_errno(cgroup_procs);
	if (pid < 0) {
		err = pid;
		goto out_pipe;
	}
	close_keep_errno(pipefd[1]);
	pipefd[1] = -1;
	close_keep_errno(errpipe[1]);
	errpipe[1] = -1;
	if (errpipe[0] >= 0) {
		err = read_error_pipe(errpipe[0], &failure);
		if (err < 0) {
			/* Cannot tell whether it exec'd: do not hand out a
			 * child we know nothing about. */
			(void)kill(pid, SIGKILL);
			reap_failed_child(pid, -1);
			goto out_pipe;
		}
		if (err == 1 && !child.err) {
			child.err = failure.err;
			child.step = failure.step;
		}
		close_keep_errno(errpipe[0]);
		errpipe[0] = -1;
	}

	if (req->want_pidfd && pidfd < 0) {
		/* clone ignored CLONE_PIDFD: reap the child ourselves */
		reap_failed_child(pid, -1);
		err = -ENOSYS;
		goto out_pipe;
	}
	if (child.err) {
		reap_failed_child(pid, pidfd);
		res->failed_step = child.step;
		err = -child.err;
		goto out_pidfd;
	}

	res->fd = req->want_pidfd ? pidfd : pipefd[0];
	err = set_nonblock(res->fd);
	if (err < 0) {
		/* Unreachable in practice (F_SETFL on our own descriptor); the
		 * child runs, so hand it back rather than lose it. */
		res->fd = -1;
		(void)kill(pid, SIGKILL); /* our unreaped child: cannot fail */
		reap_failed_child(pid, pidfd);
		goto out_pidfd;
	}
	if (!req->want_pidfd)
		res->pidfd = pidfd;
	res->pid = pid;
	return 0;

out_pidfd:
	close_keep_errno(pidfd);
out_pipe:
	close_keep_errno(pipefd[0]);
	close_keep_errno(pipefd[1]);
	close_keep_errno(errpipe[0]);
	close_keep_errno(errpipe[1]);
	return err;
}
