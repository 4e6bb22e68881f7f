/* What the C floor programs share: a monotonic clock, failing loudly, the
 * timing loop of the spawn benchmarks, and the raw pidfd_open that older C
 * libraries do not wrap (P_PIDFD, which waitid takes, is in glibc since
 * 2.35). */
#ifndef PROCFD_BENCH_H
#define PROCFD_BENCH_H

/* pipe2, and the rest of Linux; bench.h comes first in every program. */
#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* A benchmark that cannot do what it measures has no figure to give. */
static inline void die(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(err));
	exit(2);
}

static inline long long now_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		die("clock_gettime", errno);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	while (nanosleep(&ts, &ts) != 0) {
		if (errno != EINTR)
			die("nanosleep", errno);
	}
}

static inline int pidfd_open_raw(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* A positive count from the command line. */
static inline long arg_count(const char *s)
{
	char *end;
	errno = 0;
	long n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0) {
		fprintf(stderr, "not a count: %s\n", s);
		exit(2);
	}
	return n;
}

/* The main of a spawn loop, "PROG N": 20 spawns to warm up, then N timed,
 * printed as us_per_spawn. spawn_wait starts PROG and waits for it. */
static inline int time_spawns(int argc, char **argv, void (*spawn_wait)(const char *prog))
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s PROG N\n", argv[0]);
		return 2;
	}
	long n = arg_count(argv[2]);
	for (int i = 0; i < 20; i++)
		spawn_wait(argv[1]);
	long long t0 = now_ns();
	for (long i = 0; i < n; i++)
		spawn_wait(argv[1]);
	long long t1 = now_ns();
	printf("us_per_spawn %.3f\n", (double)(t1 - t0) / 1e3 / (double)n);
	return 0;
}

#endif
