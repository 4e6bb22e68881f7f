/*
 * bind.h - what bind/'s C pieces share: the cgo preambles of exports.go and
 * handles.go, and procfd.c. Not installed: include/procfd.h is the contract.
 */
#ifndef PFD_BIND_H
#define PFD_BIND_H

#include "procfd.h"

/* The callback of procfd_on_exit, named so that Go can hold one. */
typedef void (*pfd_exit_cb)(procfd_t *h, const procfd_status_t *st, void *arg);

/* Called by bind/rlimit.go once the host's RLIMIT_NOFILE is back: ends the
 * wait of loadwait.c's constructor. It returns 0, and returns something only
 * so that cgo's wrapper for it has no unused parameter. */
int pfd_nofile_restored(void);

#endif /* PFD_BIND_H */
