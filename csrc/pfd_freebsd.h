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

#endif
