//go:build unix

/*
 * The XSI strerror_r fills the caller's buffer; the GNU one, which
 * _GNU_SOURCE selects, may return a static string instead and leave the
 * buffer alone. Pin the XSI one, in a file of its own so that the feature
 * macros come before any header.
 */
#undef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <string.h>

/* Hidden: libprocfd.so exports procfd_* and nothing else of ours. */
__attribute__((visibility("hidden"))) int pfd_strerror(int code, char *buf, size_t len)
{
	return strerror_r(code, buf, len);
}
