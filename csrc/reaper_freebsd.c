/*
 * Groups on FreeBSD: the reaper facility of procctl(2), always asked of this
 * process itself (P_PID, getpid()).
 *
 * Once this process is a reaper, every process that descends from it and
 * was forked after that belongs to a subtree: the one of the child of this
 * process it descends from, whose pid names the subtree. The kernel keeps a
 * process in its subtree when it calls setsid or setpgid, and when its parent
 * dies (it is then reparented to this process), so a subtree cannot be left.
 * procfd's Go side keeps, for each group, the children it started in it:
 * the group is the union of their subtrees.
 *
 * The structures are the kernel's, from <sys/procctl.h>; what crosses to Go
 * is struct pfd_reap_pid, this layer's own, so that Go never mirrors a
 * kernel layout. Flags a kernel's header lacks (REAPER_PIDINFO_ZOMBIE and
 * _EXITING are newer than the facility) are left clear.
 */
#include "pfd_freebsd.h"

#include <sys/types.h>
#include <sys/procctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* procctl on this process, EINTR retried: 0 or a negative errno. */
static int reap_ctl(int cmd, void *data)
{
	int r;

	while ((r = procctl(P_PID, getpid(), cmd, data)) < 0 && errno == EINTR)
		;
	return r < 0 ? -errno : 0;
}

int pfd_reap_acquire(void)
{
	int r = reap_ctl(PROC_REAP_ACQUIRE, NULL);

	/* EBUSY: this process is a reaper already, which is all we ask. */
	return r == -EBUSY ? 0 : r;
}

static unsigned reap_flags(unsigned kernel)
{
	unsigned flags = 0;

	if (kernel & REAPER_PIDINFO_CHILD)
		flags |= PFD_REAP_CHILD;
	if (kernel & REAPER_PIDINFO_REAPER)
		flags |= PFD_REAP_REAPER;
#ifdef REAPER_PIDINFO_ZOMBIE
	if (kernel & REAPER_PIDINFO_ZOMBIE)
		flags |= PFD_REAP_ZOMBIE;
#endif
#ifdef REAPER_PIDINFO_EXITING
	if (kernel & REAPER_PIDINFO_EXITING)
		flags |= PFD_REAP_EXITING;
#endif
	return flags;
}

int pfd_reap_pids(struct pfd_reap_pid *out, unsigned cap, unsigned *n)
{
	struct procctl_reaper_pids rp;
	struct procctl_reaper_pidinfo *info;
	unsigned i;
	int r;

	*n = 0;
	if (cap == 0)
		return 0;
	/* Zeroed: the kernel fills a prefix, each entry marked VALID. */
	info = calloc(cap, sizeof(*info));
	if (!info)
		return -ENOMEM;
	memset(&rp, 0, sizeof(rp));
	rp.rp_count = cap;
	rp.rp_pids = info;
	r = reap_ctl(PROC_REAP_GETPIDS, &rp);
	if (r == 0) {
		for (i = 0; i < cap && (info[i].pi_flags & REAPER_PIDINFO_VALID); i++) {
			out[i].pid = info[i].pi_pid;
			out[i].subtree = info[i].pi_subtree;
			out[i].flags = reap_flags(info[i].pi_flags);
		}
		*n = i;
	}
	free(info);
	return r;
}

int pfd_reap_kill(int subtree, int sig, unsigned *killed)
{
	struct procctl_reaper_kill rk;
	int r;

	*killed = 0;
	memset(&rk, 0, sizeof(rk));
	rk.rk_sig = sig;
	rk.rk_flags = REAPER_KILL_SUBTREE;
	rk.rk_subtree = subtree;
	r = reap_ctl(PROC_REAP_KILL, &rk);
	if (r == 0)
		*killed = rk.rk_killed;
	return r;
}
