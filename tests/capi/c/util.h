/* Helpers the C tests share: starting a shell snippet, clocks, waiting. */
#ifndef PROCFD_TEST_UTIL_H
#define PROCFD_TEST_UTIL_H

#include <time.h>

#include "procfd.h"

/* Starts /bin/sh -c script, with "sh" as $0 and arg (if not NULL) as $1. */
static inline int spawn_sh(procfd_t **h, const char *script, const char *arg,
                           const procfd_attr_t *attr)
{
	char *argv[] = {"sh", "-c", (char *)script, "sh", (char *)arg, NULL};
	if (arg == NULL)
		argv[3] = NULL;
	return procfd_spawn(h, "/bin/sh", argv, NULL, attr);
}

static inline long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

#endif
