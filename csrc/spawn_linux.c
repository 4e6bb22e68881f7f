/*
 * Spawning a child together with its handle: a pidfd, or the read end of a
 * death pipe whose only write end the child holds.
 *
 * The child shares the parent's memory until it execs (see clone_linux.c),
 * which is how it reports a failed setup step: it stores errno and the step
 * in the parent's struct spawn_child and exits. The parent is asleep until
 * then, so there is no race on those fields.
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
	const sigset_t *parent_mask; /* restored just before execve */
	int death_pipe;              /* the write end, or -1 on the pidfd backend */
	volatile int err;            /* written by the child only on failure */
	volatile int step;
};

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
	c->err = errno ? errno : EINVAL;
	c->step = step;
	_exit(127);
}

/* Reset every caught signal to its default before the mask is lifted, as
 * posix_spawn does: the parent's handlers (the Go runtime's) must never run
 * in the child, which has the parent's memory but not its threads. */
static int reset_signal_handlers(void)
{
	struct sigaction sa, dfl;
	int sig;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* EINVAL: a signal libc keeps for itself and will not show us;
		 * only this process's own threads send those, and it has none. */
		if (sigaction(sig, NULL, &sa) < 0)
			continue;
		if (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN)
			continue;
		if (sigaction(sig, &dfl, NULL) < 0)
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

/*
 * Makes descriptor i of the child be req->fds[i], for i < nfds. A source that
 * lies inside [0, nfds) would be overwritten by an earlier dup2, so it is
 * first copied above nfds; those copies are close-on-exec and vanish at
 * execve. The death pipe is moved out of the way too.
 */
static int arrange_files(const struct pfd_spawn_req *req, int *death_pipe)
{
	int src[PFD_MAX_FILES];
	int n = req->nfds, i;

	for (i = 0; i < n; i++) {
		src[i] = req->fds[i];
		if (src[i] >= 0 && src[i] < n && src[i] != i) {
			src[i] = fcntl(src[i], F_DUPFD_CLOEXEC, n);
			if (src[i] < 0)
				return -1;
		}
	}
	if (*death_pipe >= 0 && *death_pipe < n) {
		*death_pipe = fcntl(*death_pipe, F_DUPFD_CLOEXEC, n);
		if (*death_pipe < 0)
			return -1;
	}
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
	int death_pipe = c->death_pipe;

	errno = 0;
	if (reset_signal_handlers() < 0)
		return child_fail(c, PFD_STEP_SIGNALS);
	if ((req->flags & PFD_SETSID) && setsid() < 0)
		return child_fail(c, PFD_STEP_SETSID);
	/* A new session leader already leads its own process group. */
	if ((req->flags & PFD_SETPGID) && !(req->flags & PFD_SETSID) && setpgid(0, 0) < 0)
		return child_fail(c, PFD_STEP_SETPGID);
	if (req->nfds > 0 && arrange_files(req, &death_pipe) < 0)
		return child_fail(c, PFD_STEP_FILES);
	/* The write end is the child's alone: it stays open across execve and
	 * closes when the last process holding it ends. */
	if (death_pipe >= 0 && clear_cloexec(death_pipe) < 0)
		return child_fail(c, PFD_STEP_FILES);
	if (req->dir && RETRY_EINTR(chdir(req->dir)) < 0)
		return child_fail(c, PFD_STEP_CHDIR);
	if (sigprocmask(SIG_SETMASK, c->parent_mask, NULL) < 0)
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

int pfd_spawn(const struct pfd_spawn_req *req, struct pfd_spawn_res *res)
{
	char stack[CHILD_STACK_SIZE] __attribute__((aligned(16)));
	struct spawn_child child;
	sigset_t all, parent_mask;
	int pipefd[2] = {-1, -1};
	int pidfd = -1, pid, err;

	res->pid = -1;
	res->fd = -1;
	res->failed_step = PFD_STEP_NONE;
	if (req->nfds < 0 || req->nfds > PFD_MAX_FILES || (req->nfds > 0 && !req->fds))
		return -EINVAL;

	if (!req->want_pidfd && pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;

	memset(&child, 0, sizeof(child));
	child.req = req;
	child.parent_mask = &parent_mask;
	child.death_pipe = pipefd[1];

	/* Block every signal so that no handler of the parent runs on the
	 * child's stack before the child has reset them. */
	sigfillset(&all);
	err = pthread_sigmask(SIG_SETMASK, &all, &parent_mask);
	if (err) {
		err = -err;
		goto out_pipe;
	}
	pid = pfd_clone_vfork(req->want_pidfd, child_main, &child, stack, sizeof(stack), &pidfd);
	/* Cannot fail: the mask is one pthread_sigmask just returned. */
	(void)pthread_sigmask(SIG_SETMASK, &parent_mask, NULL);
	if (pid < 0) {
		err = pid;
		goto out_pipe;
	}
	close_keep_errno(pipefd[1]);
	pipefd[1] = -1;

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
	res->pid = pid;
	return 0;

out_pidfd:
	close_keep_errno(pidfd);
out_pipe:
	close_keep_errno(pipefd[0]);
	close_keep_errno(pipefd[1]);
	return err;
}
