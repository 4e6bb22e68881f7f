/*
 * Spawning a child with a process descriptor: pdfork(2), FreeBSD.
 *
 * pdfork is fork with a descriptor: the child is a copy of this process
 * with the calling thread alone, and shares no memory with the parent. So a
 * failed setup step comes back through a close-on-exec error pipe, as in
 * os/exec: the parent reads until the child's failure or end of file, which
 * the exec brings.
 *
 * The descriptor is close-on-exec (PD_CLOEXEC), so no other child execs
 * holding it, and PD_DAEMON unless the caller asked for kill on close (see
 * pfd_freebsd.h). Nothing here waits for a running child: procfd waits on
 * the descriptor through kqueue and reaps with wait4.
 */
#include "pfd_freebsd.h"

#include <sys/types.h>
#include <sys/procdesc.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* What a failed child writes to the error pipe. */
struct spawn_failure {
	int err;
	int step;
};

/*
 * Whether SIGPIPE was ignored when this code was loaded. The Go runtime then
 * catches SIGPIPE, in a program and in a c-shared library alike, and a
 * child would otherwise get it back at its default. Priority 101 runs this
 * ahead of the runtime's own start (see nofile_posix.c).
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
 * The child of a fork in a threaded process may only call async-signal-safe
 * functions: a lock that another thread held at the fork (malloc's,
 * libthr's) stays held in the child for ever. So the child makes system
 * calls and nothing else, and retries those that EINTR interrupts.
 * sigaction and sigprocmask go through syscall(2), not through libthr's
 * wrappers: those keep state of their own (sigaction takes a lock per
 * signal), which a pdfork that libthr does not interpose, as it does fork,
 * leaves as the parent's threads had it. The other calls are libc's system
 * call stubs, to which libthr adds at most a cancellation check, which takes
 * no lock. Every signal is blocked until the mask is set just before
 * execve, so no handler of the parent's ever runs here.
 */

static void child_fail(int error_pipe, int step) __attribute__((noreturn));

static void child_fail(int error_pipe, int step)
{
	struct spawn_failure f = {errno ? errno : EINVAL, step};

	/* A short or failed write leaves the parent to see a failure it cannot
	 * name, or end of file and the exit status 127. */
	while (write(error_pipe, &f, sizeof(f)) < 0 && errno == EINTR)
		;
	_exit(127);
}

static int sys_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return syscall(SYS_sigaction, sig, act, old);
}

/*
 * Resets every caught signal to its default, as posix_spawn does, and the
 * signals in sigdefault (bit sig - 1) too, ignored ones included, as
 * posix_spawnattr_setsigdefault asks; other ignored signals stay ignored.
 * SIGPIPE, caught since load in a process that ignored it then, is ignored
 * in the child. To the kernel, whose answer this reads, a handler installed
 * through libthr is libthr's own, so "caught" is all that can be told here.
 *
 * One sigaction per signal sets the default and returns the old action; the
 * rare ignored signal is then ignored again. Every signal is blocked, so one
 * that arrives meanwhile stays pending and is discarded, as it would have
 * been.
 */
static int reset_signal_handlers(uint64_t sigdefault)
{
	struct sigaction old, dfl, ign;
	int sig;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	ign = dfl;
	ign.sa_handler = SIG_IGN;
	for (sig = 1; sig <= SIGRTMAX; sig++) {
		int keep_default = sig <= 64 && (sigdefault & ((uint64_t)1 << (sig - 1)));

		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* EINVAL: no such signal (34 to 64 are unassigned). */
		if (sys_sigaction(sig, &dfl, &old) < 0)
			continue;
		if (keep_default)
			continue;
		if (old.sa_handler == SIG_IGN ||
		    (sig == SIGPIPE && sigpipe_ignored_at_load && old.sa_handler != SIG_DFL))
			if (sys_sigaction(sig, &ign, NULL) < 0)
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

/* Moves *fd, if it lies in [0, n), to a new close-on-exec descriptor above n. */
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
 * Makes descriptor i of the child be req->fds[i], for i < nfds. A source in
 * [0, nfds) would be overwritten by an earlier dup2, so it is first copied
 * above nfds (close-on-exec: gone at execve); so is the error pipe.
 */
static int arrange_files(const struct pfd_spawn_req *req, int *error_pipe)
{
	int src[PFD_MAX_FILES];
	int n = req->nfds, i;

	for (i = 0; i < n; i++) {
		src[i] = req->fds[i];
		if (src[i] != i && move_above(&src[i], n) < 0)
			return -1;
	}
	if (move_above(error_pipe, n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (src[i] < 0) {
			if (close(i) < 0 && errno != EBADF)
				return -1;
		} else if (src[i] == i) {
			if (clear_cloexec(i) < 0)
				return -1;
		} else {
			int r;

			while ((r = dup2(src[i], i)) < 0 && errno == EINTR)
				;
			if (r < 0)
				return -1;
		}
	}
	return 0;
}

/* Closes every descriptor from first up but keep: close_range(2), FreeBSD 13+. */
static int close_others(int first, int keep)
{
	if (keep < first)
		return close_range((u_int)first, ~0U, 0);
	if (keep > first && close_range((u_int)first, (u_int)keep - 1, 0) < 0)
		return -1;
	return close_range((u_int)keep + 1, ~0U, 0);
}

static void child_main(const struct pfd_spawn_req *req, const sigset_t *child_mask, int error_pipe)
	__attribute__((noreturn));

static void child_main(const struct pfd_spawn_req *req, const sigset_t *child_mask, int error_pipe)
{
	errno = 0;
	if (reset_signal_handlers(req->sigdefault) < 0)
		child_fail(error_pipe, PFD_STEP_SIGNALS);
	if ((req->flags & PFD_SETSID) && setsid() < 0)
		child_fail(error_pipe, PFD_STEP_SETSID);
	/* A new session leader already leads its own process group. */
	if ((req->flags & PFD_SETPGID) && !(req->flags & PFD_SETSID) && setpgid(0, 0) < 0)
		child_fail(error_pipe, PFD_STEP_SETPGID);
	if (req->nfds > 0 && arrange_files(req, &error_pipe) < 0)
		child_fail(error_pipe, PFD_STEP_FILES);
	/* The child gets the descriptors it was given and no others, even
	 * those the caller opened without close-on-exec. The error pipe stays
	 * until execve closes it. */
	if (close_others(req->nfds > 0 ? req->nfds : 3, error_pipe) < 0)
		child_fail(error_pipe, PFD_STEP_FILES);
	if (req->dir) {
		int r;

		while ((r = chdir(req->dir)) < 0 && errno == EINTR)
			;
		if (r < 0)
			child_fail(error_pipe, PFD_STEP_CHDIR);
	}
	if (req->restore_nofile && setrlimit(RLIMIT_NOFILE, &req->nofile) < 0)
		child_fail(error_pipe, PFD_STEP_RLIMIT);
	if (syscall(SYS_sigprocmask, SIG_SETMASK, child_mask, NULL) < 0)
		child_fail(error_pipe, PFD_STEP_SIGNALS);
	execve(req->path, req->argv, req->envp);
	child_fail(error_pipe, PFD_STEP_EXEC);
}

/* --- End of the code that runs in the child --- */

/* Closes a descriptor on an error path; the caller keeps the first error. */
static void close_keep_errno(int fd)
{
	int saved = errno;

	if (fd >= 0)
		(void)close(fd);
	errno = saved;
}

/* Reads the child's failure from the error pipe: 1 if it failed, 0 if it
 * exec'd (end of file), a negative errno if the read itself failed. */
static int read_error_pipe(int fd, struct spawn_failure *f)
{
	ssize_t n;

	while ((n = read(fd, f, sizeof(*f))) < 0 && errno == EINTR)
		;
	if (n < 0)
		return -errno;
	if (n > 0 && n != (ssize_t)sizeof(*f)) {
		/* Cannot happen (a write of less than PIPE_BUF is whole);
		 * the child failed, but said not how. */
		f->err = EIO;
		f->step = PFD_STEP_EXEC;
	}
	return n > 0;
}

/* Reaps a child that failed or was killed; it is ending, so the wait is
 * short. It fails only if other code reaped the child first (a waitpid(0)
 * loop), which leaves nothing to clean up either. */
static void reap_child(int pid)
{
	int status;

	while (wait4(pid, &status, 0, NULL) < 0 && errno == EINTR)
		;
}

int pfd_pdspawn(const struct pfd_spawn_req *req, int kill_on_close, struct pfd_spawn_res *res)
{
	struct spawn_failure failure = {0, PFD_STEP_NONE};
	sigset_t all, parent_mask, child_mask;
	int errpipe[2] = {-1, -1};
	int pd = -1, pid, err;

	res->pid = -1;
	res->fd = -1;
	res->pidfd = -1;
	res->failed_step = PFD_STEP_NONE;
	if (req->nfds < 0 || req->nfds > PFD_MAX_FILES || (req->nfds > 0 && !req->fds))
		return -EINVAL;
	if (pipe2(errpipe, O_CLOEXEC) < 0) {
		res->failed_step = PFD_STEP_PIPE;
		return -errno;
	}

	/* The child's mask is req->sigmask alone, whatever this thread blocks,
	 * less libthr's and librt's own signals, which a threaded program
	 * needs unblocked (procfd.go promises that the C library's signals are
	 * never blocked). */
	sigemptyset(&child_mask);
	for (int sig = 1; sig <= 64; sig++)
		if (req->sigmask & ((uint64_t)1 << (sig - 1)))
			(void)sigaddset(&child_mask, sig);
#ifdef SIGTHR
	(void)sigdelset(&child_mask, SIGTHR);
#endif
#ifdef SIGLIBRT
	(void)sigdelset(&child_mask, SIGLIBRT);
#endif

	/* Block every signal so that no handler of the parent's runs in the
	 * child before it has reset them. */
	sigfillset(&all);
	err = pthread_sigmask(SIG_SETMASK, &all, &parent_mask);
	if (err) {
		err = -err;
		goto out;
	}
	pid = pdfork(&pd, PD_CLOEXEC | (kill_on_close ? 0 : PD_DAEMON));
	if (pid == 0)
		child_main(req, &child_mask, errpipe[1]);
	err = pid < 0 ? -errno : 0;
	/* Cannot fail: the mask is one pthread_sigmask just returned. */
	(void)pthread_sigmask(SIG_SETMASK, &parent_mask, NULL);
	if (pid < 0)
		goto out;

	close_keep_errno(errpipe[1]);
	errpipe[1] = -1;
	err = read_error_pipe(errpipe[0], &failure);
	if (err < 0) {
		/* Cannot tell whether it exec'd: do not hand out a child we
		 * know nothing about. */
		(void)pdkill(pd, SIGKILL);
		reap_child(pid);
		goto out_pd;
	}
	if (err == 1) {
		reap_child(pid);
		res->failed_step = failure.step;
		err = -failure.err;
		goto out_pd;
	}
	close_keep_errno(errpipe[0]);
	res->pid = pid;
	res->fd = pd;
	return 0;

out_pd:
	close_keep_errno(pd);
out:
	close_keep_errno(errpipe[0]);
	close_keep_errno(errpipe[1]);
	return err;
}
