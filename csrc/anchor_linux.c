/*
 * The anchor of a process group: a child that makes itself the leader of a
 * new group and exits. Its caller does not reap it, and a zombie keeps its
 * pid and its group: the kernel gives neither number to another process
 * until the zombie is reaped, and a process may still join the group
 * (setpgid) while its only other member is the zombie.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pfd_internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* The anchor's stack: it makes two system calls. */
#define ANCHOR_STACK_SIZE 4096

/*
 * Runs in the child, which shares the caller's memory (CLONE_VM) with every
 * signal blocked: async-signal-safe calls only. The exit status says
 * whether setpgid worked.
 */
static int anchor_main(void *arg)
{
	(void)arg;
	_exit(setpgid(0, 0) < 0 ? 1 : 0);
}

int pfd_spawn_anchor(void)
{
	char stack[ANCHOR_STACK_SIZE] __attribute__((aligned(16)));
	sigset_t all, saved;
	siginfo_t info;
	int pid, pidfd, err, rc;

	/* No handler of the caller's may run on the anchor's stack. */
	sigfillset(&all);
	err = pthread_sigmask(SIG_SETMASK, &all, &saved);
	if (err)
		return -err;
	pid = pfd_clone_vfork(0, -1, anchor_main, NULL, stack, sizeof(stack), &pidfd);
	/* Cannot fail: the mask is one pthread_sigmask just returned. */
	(void)pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (pid < 0)
		return pid;

	/* CLONE_VFORK: it has exited. Look without reaping. */
	do
		rc = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno; /* ECHILD: reaped by others (SIGCHLD ignored) */
	if (info.si_code != CLD_EXITED || info.si_status != 0) {
		do
			rc = waitid(P_PID, (id_t)pid, &info, WEXITED);
		while (rc < 0 && errno == EINTR);
		return -EPERM;
	}
	return pid;
}
