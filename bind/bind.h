/*
 * bind.h - what bind/'s C pieces share: the cgo preambles of exports.go and
 * handles.go, and procfd.c. Not installed: include/procfd.h is the contract.
 */
#ifndef PFD_BIND_H
#define PFD_BIND_H

#include "procfd.h"

/* The callback of procfd_on_exit, named so that Go can hold one. */
typedef void (*pfd_exit_cb)(procfd_t *h, const procfd_status_t *st, void *arg);

#endif /* PFD_BIND_H */
