/*
 * Closing every descriptor a child was not given, so that it inherits only
 * what the caller named: a descriptor that the host opened without
 * O_CLOEXEC must not reach the program (it would, for one, hold a pipe's
 * write end open and keep its reader from ever seeing EOF).
 *
 * Runs in the child between clone and execve, so only async-signal-safe
 * calls: raw system calls, no libc state, no allocation; the buffer lives on
 * the child's stack.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pfd_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* close_range(2) is Linux 5.9+; its number is the same on every
 * architecture, as for all system calls added since 5.1. */
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* Closes what is open of [lo, hi]. 0, or -1 with errno. */
static int close_range_syscall(unsigned lo, unsigned hi)
{
	if (lo > hi)
		return 0;
	return syscall(SYS_close_range, lo, hi, 0) < 0 ? -1 : 0;
}

/* Is fd in keep[0..nkeep)? */
static int kept(int fd, const int *keep, int nkeep)
{
	for (int i = 0; i < nkeep; i++)
		if (keep[i] == fd)
			return 1;
	return 0;
}

/* Without close_range: read /proc/self/fd and close what it lists. Reading
 * on after a close is fine, since the directory's position is an fd number. */
static int close_listed(int first, const int *keep, int nkeep)
{
	char buf[1024] __attribute__((aligned(8)));
	int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dir < 0)
		return -1;
	for (;;) {
		long n = syscall(SYS_getdents64, dir, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = errno;
			(void)close(dir);
			errno = saved;
			return n < 0 ? -1 : 0;
		}
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			int fd = 0, digits = 0;
			for (const char *p = d->d_name; *p >= '0' && *p <= '9'; p++, digits++)
				fd = fd * 10 + (*p - '0');
			off += d->d_reclen;
			if (digits == 0 || fd < first || fd == dir || kept(fd, keep, nkeep))
				continue;
			/* EINTR on close still closes the descriptor on Linux. */
			if (close(fd) < 0 && errno != EBADF && errno != EINTR)
				return -1;
		}
	}
}

int pfd_close_fds_from(int first, const int *keep, int nkeep)
{
	/* keep, sorted, are the holes in the ranges to close. */
	int sorted[PFD_CLOSE_KEEP_MAX], n = 0, lo = first;

	if (nkeep > PFD_CLOSE_KEEP_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < nkeep; i++) {
		int fd = keep[i], j;
		if (fd < first)
			continue;
		for (j = n; j > 0 && sorted[j - 1] > fd; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = fd;
		n++;
	}
	for (int i = 0; i <= n; i++) {
		unsigned hi = i < n ? (unsigned)sorted[i] - 1 : ~0U;
		if (i < n && sorted[i] < lo) /* a duplicate */
			continue;
		if (close_range_syscall((unsigned)lo, hi) < 0) {
			if (errno == ENOSYS || errno == EPERM) /* old kernel, or a seccomp filter */
				return close_listed(first, keep, nkeep);
			return -1;
		}
		if (i < n)
			lo = sorted[i] + 1;
	}
	return 0;
}
