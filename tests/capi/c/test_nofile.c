/*
 * Loading libprocfd leaves the host's RLIMIT_NOFILE as it was, though the
 * Go runtime inside raises it when it starts, and children get it too.
 * Run as: test_nofile N [M], with N the soft limit the process was started
 * with (sh -c 'ulimit -Sn N && exec test_nofile N'). With M, the program
 * sets its soft limit to M first thing in main, while the library's runtime
 * may still be starting on a thread of its own, and must find M, not N and
 * not the runtime's raise, afterwards.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "procfd.h"
#include "check.h"
#include "util.h"

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3)
		return 2;
	long want = strtol(argv[1], NULL, 10);
	if (argc == 3) {
		struct rlimit set;
		if (getrlimit(RLIMIT_NOFILE, &set) != 0)
			return 2;
		want = strtol(argv[2], NULL, 10);
		set.rlim_cur = (rlim_t)want;
		if (setrlimit(RLIMIT_NOFILE, &set) != 0)
			return 2;
	}

	/* The child prints its soft limit; the spawn also waits for the
	 * library's initialisation, where the runtime raises the limit. */
	int p[2];
	CHECK_INT(pipe(p), 0);
	int fds[] = {0, p[1], 2};
	procfd_attr_t attr = {.fds = fds, .nfds = 3};
	procfd_t *h = NULL;
	CHECK_INT(spawn_sh(&h, "ulimit -Sn", NULL, &attr), 0);
	CHECK_INT(close(p[1]), 0);
	char buf[32] = {0};
	size_t got = 0;
	ssize_t n;
	while (got < sizeof buf - 1 && (n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)n;
	CHECK_INT(close(p[0]), 0);
	procfd_status_t st;
	CHECK_INT(procfd_wait(h, -1, &st), 0);
	CHECK_INT(st.code, 0);
	CHECK_INT(procfd_close(h), 0);
	CHECK_INT(strtol(buf, NULL, 10), want);

	struct rlimit lim;
	CHECK_INT(getrlimit(RLIMIT_NOFILE, &lim), 0);
	CHECK_INT(lim.rlim_cur, want);
	return check_summary();
}
