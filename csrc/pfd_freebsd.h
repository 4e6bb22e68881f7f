/*
 * The FreeBSD part of procfd's C layer: spawning a child with a process
 * descriptor (pdfork(2)). Waiting, signalling and polling a process
 * descriptor are plain system calls that the Go side makes itself.
 *
 * Returns 0 on success and a negative errno on failure, as everything in
 * pfd_internal.h does.
 */
#ifndef PFD_FREEBSD_H
#define PFD_FREEBSD_H

#include "pfd_internal.h"

/*
 * pfd_pdspawn starts req->path as a child made by pdfork and stores its pid
 * and process descriptor (close-on-exec, blocking) in res->pid and res->fd;
 * res->pidfd is always -1. req->want_pidfd and req->pipe_pidfd are ignored.
 *
 * The descriptor is made with PD_DAEMON unless kill_on_close is set: without
 * it, the kernel kills the child with SIGKILL when the last descriptor for
 * it is closed, which is what KillOnClose asks for even if this process
 * dies without closing it, and what nothing else may do.
 *
 * If the child cannot exec, pfd_pdspawn returns the child's errno, with the
 * step that failed in res->failed_step (PFD_STEP_NONE: the parent's pdfork
 * failed; PFD_STEP_PIPE: the parent's pipe2), and the child is already
 * reaped and its descriptor closed.
 */
int pfd_pdspawn(const struct pfd_spawn_req *req, int kill_on_close, struct pfd_spawn_res *res);

/*
 * Groups: the reaper facility of procctl(2) (FreeBSD 10.2+), always on this
 * process itself. See reaper_freebsd.c.
 */

/* What pfd_reap_pids reports of one descendant: REAPER_PIDINFO_* in this
 * layer's own bits, those the kernel lacks left clear. */
#define PFD_REAP_CHILD 0x1   /* a child of this process (its real parent) */
#define PFD_REAP_REAPER 0x2  /* itself a reaper: its descendants are not listed */
#define PFD_REAP_ZOMBIE 0x4  /* has exited, not reaped yet (kernels that say so) */
#define PFD_REAP_EXITING 0x8 /* exiting, not yet a zombie (kernels that say so) */

struct pfd_reap_pid {
	int pid;
	int subtree; /* the pid of the child of this process it descends from */
	unsigned flags;
};

/*
 * pfd_reap_acquire makes this process a reaper (PROC_REAP_ACQUIRE), for good.
 *
 * RETURN VALUE: 0, also if it was one already (EBUSY); else a negative errno.
 * ERRORS: whatever procctl(2) returns for PROC_REAP_ACQUIRE.
 */
int pfd_reap_acquire(void);

/*
 * pfd_reap_pids stores up to cap of this reaper's descendants in out
 * (PROC_REAP_GETPIDS), and their number in *n. If *n == cap there may be
 * more: call again with a larger array.
 *
 * RETURN VALUE: 0, or a negative errno.
 * ERRORS: -ENOMEM: no memory for the kernel's array; -EINVAL: this process
 * is not a reaper; others from procctl(2).
 */
int pfd_reap_pids(struct pfd_reap_pid *out, unsigned cap, unsigned *n);

/*
 * pfd_reap_kill sends sig (1 or more) to every process of subtree, a child
 * of this process, and to every process that descends from it, wherever it
 * is now (PROC_REAP_KILL with REAPER_KILL_SUBTREE). *killed is the number
 * signalled.
 *
 * RETURN VALUE: 0 if a process was signalled, else a negative errno.
 * ERRORS: -ESRCH: the subtree has no process that can take a signal (it is
 * empty, or holds zombies only); -EPERM: none could be signalled for lack
 * of permission; -EINVAL: a bad signal.
 */
int pfd_reap_kill(int subtree, int sig, unsigned *killed);

#endif
