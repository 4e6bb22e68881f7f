//go:build unix

/*
 * Who takes SIGCHLD in this process. Plain POSIX: the death-pipe backend
 * asks it on every system that has one.
 */
#include "pfd_internal.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>

/* The handler installed for sig, or SIG_ERR. sa_handler and sa_sigaction
 * share their storage, so this reads either kind. */
static void (*installed_handler(int sig))(int)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &sa) < 0)
		return SIG_ERR;
	return sa.sa_handler;
}

int pfd_sigchld_owner(void)
{
	struct sigaction sa;
	void (*runtime_handler)(int);

	if (sigaction(SIGCHLD, NULL, &sa) < 0)
		return -errno;
	if (sa.sa_handler == SIG_IGN || (sa.sa_flags & SA_NOCLDWAIT))
		return PFD_SIGCHLD_KERNEL;
	if (sa.sa_handler == SIG_DFL)
		return PFD_SIGCHLD_NOBODY;
	runtime_handler = installed_handler(SIGURG);
	if (runtime_handler != SIG_ERR && runtime_handler == sa.sa_handler)
		return PFD_SIGCHLD_RUNTIME;
	runtime_handler = installed_handler(SIGSEGV);
	if (runtime_handler != SIG_ERR && runtime_handler == sa.sa_handler)
		return PFD_SIGCHLD_RUNTIME;
	return PFD_SIGCHLD_HOST;
}
