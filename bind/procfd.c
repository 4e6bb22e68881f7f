/*
 * procfd.c - the functions of include/procfd.h, each a one-line call of its
 * Go export (exports.go), but procfd_version, which needs nothing of Go.
 *
 * They are defined here, in C, against the header, so that the compiler
 * checks every signature: a function that drifts from its prototype in
 * procfd.h is a conflicting declaration, and an argument the Go side takes
 * as another type is an incompatible conversion (an error under -Werror).
 * cgo cannot spell const, so a const pointer is cast to the same pointer
 * without it; a handle goes to Go as a number (uintptr_t), which Go only
 * compares with its keys (bind/table.go). The pfdgo_* functions stay inside
 * the library: bind/libprocfd.map exports procfd_* alone.
 */
#include <errno.h>

#include "procfd.h"
#include "_cgo_export.h"

/* procfd.h promises to leave errno alone, but what a call runs on the
 * caller's thread does not: the spawn's and pidfd_open's system calls set
 * it (procfd_spawn left EINVAL behind even on success). Each function keeps
 * the caller's errno across its Go call. */
#define KEEP_ERRNO(type, call)                   \
	do {                                     \
		int saved_errno_ = errno;        \
		type result_ = (call);           \
		errno = saved_errno_;            \
		return result_;                  \
	} while (0)

/* procfd.dll exports each of these: the .def file that Go's linker hands
 * mingw-w64's ld names only the Go exports (pfdgo_*), and with a .def file
 * ld exports nothing else unless it is marked so. Elsewhere a no-op. */
#ifdef _WIN32
#define PFD_EXPORT __declspec(dllexport)
#else
#define PFD_EXPORT
#endif

PFD_EXPORT int procfd_spawn(procfd_t **out, const char *path, char *const argv[], char *const envp[],
                 const procfd_attr_t *attr)
{
	KEEP_ERRNO(int, pfdgo_spawn(out, (char *)path, (char **)argv, (char **)envp, (procfd_attr_t *)attr));
}

PFD_EXPORT int procfd_open(procfd_t **out, int pid) { KEEP_ERRNO(int, pfdgo_open(out, pid)); }

PFD_EXPORT int procfd_pid(const procfd_t *h) { KEEP_ERRNO(int, pfdgo_pid((uintptr_t)h)); }

PFD_EXPORT intptr_t procfd_fd(const procfd_t *h) { KEEP_ERRNO(intptr_t, pfdgo_fd((uintptr_t)h)); }

PFD_EXPORT const char *procfd_backend(const procfd_t *h) { KEEP_ERRNO(const char *, pfdgo_backend((uintptr_t)h)); }

PFD_EXPORT const char *procfd_default_backend(void) { KEEP_ERRNO(const char *, pfdgo_default_backend()); }

PFD_EXPORT int procfd_signal(procfd_t *h, int sig) { KEEP_ERRNO(int, pfdgo_signal((uintptr_t)h, sig)); }

PFD_EXPORT int procfd_wait(procfd_t *h, int timeout_ms, procfd_status_t *st) { KEEP_ERRNO(int, pfdgo_wait((uintptr_t)h, timeout_ms, st)); }

PFD_EXPORT int procfd_on_exit(procfd_t *h, void (*cb)(procfd_t *h, const procfd_status_t *st, void *arg),
                   void *arg)
{
	KEEP_ERRNO(int, pfdgo_on_exit((uintptr_t)h, cb, arg));
}

PFD_EXPORT int procfd_close(procfd_t *h) { KEEP_ERRNO(int, pfdgo_close((uintptr_t)h)); }

PFD_EXPORT int procfd_group_new(procfd_group_t **out, const procfd_group_attr_t *attr)
{
	KEEP_ERRNO(int, pfdgo_group_new(out, (procfd_group_attr_t *)attr));
}

PFD_EXPORT const char *procfd_group_mechanism(const procfd_group_t *g) { KEEP_ERRNO(const char *, pfdgo_group_mechanism((uintptr_t)g)); }

PFD_EXPORT int procfd_group_signal(procfd_group_t *g, int sig) { KEEP_ERRNO(int, pfdgo_group_signal((uintptr_t)g, sig)); }

PFD_EXPORT int procfd_group_wait(procfd_group_t *g, int timeout_ms) { KEEP_ERRNO(int, pfdgo_group_wait((uintptr_t)g, timeout_ms)); }

PFD_EXPORT intptr_t procfd_group_fd(const procfd_group_t *g) { KEEP_ERRNO(intptr_t, pfdgo_group_fd((uintptr_t)g)); }

PFD_EXPORT int procfd_group_pids(const procfd_group_t *g, int *pids, int npids) { KEEP_ERRNO(int, pfdgo_group_pids((uintptr_t)g, pids, npids)); }

PFD_EXPORT int procfd_group_close(procfd_group_t *g) { KEEP_ERRNO(int, pfdgo_group_close((uintptr_t)g)); }

/* procfd.h promises a string. The Go side returns NULL only when it caught
 * a panic of its own (exports.go), and the caller gets a text even then. */
static const char *text_or_internal_error(const char *text)
{
	return text ? text : "Unknown error (libprocfd internal error)";
}

PFD_EXPORT const char *procfd_strerror(int err) { KEEP_ERRNO(const char *, text_or_internal_error(pfdgo_strerror(err))); }

/* The version lives in procfd.h alone; a literal is static storage for
 * free, and touches no errno. */
#define PFD_STR_(x) #x
#define PFD_STR(x) PFD_STR_(x)

PFD_EXPORT const char *procfd_version(void)
{
	return PFD_STR(PROCFD_VERSION_MAJOR) "." PFD_STR(PROCFD_VERSION_MINOR) "." PFD_STR(PROCFD_VERSION_PATCH);
}
