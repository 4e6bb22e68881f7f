/*
 * The harness of the Windows C tests: one line per check, "ok" or "FAIL",
 * and check_summary() for the "N passed, N failed" line and exit status.
 * Atomic counters: procfd_on_exit callbacks check from the library's
 * threads.
 */
#ifndef PROCFD_WINDOWS_TEST_CHECK_H
#define PROCFD_WINDOWS_TEST_CHECK_H

#include <stdatomic.h>
#include <stdio.h>

static atomic_int check_passed, check_failed;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (cond) {                                                          \
			atomic_fetch_add(&check_passed, 1);                          \
			printf("ok   %s:%d: %s\n", __func__, __LINE__, #cond);       \
		} else {                                                             \
			atomic_fetch_add(&check_failed, 1);                          \
			printf("FAIL %s:%d: %s\n", __func__, __LINE__, #cond);       \
		}                                                                    \
		fflush(stdout);                                                      \
	} while (0)

#define CHECK_INT(got, want)                                                             \
	do {                                                                             \
		long long got_ = (long long)(got), want_ = (long long)(want);            \
		if (got_ == want_) {                                                     \
			atomic_fetch_add(&check_passed, 1);                              \
			printf("ok   %s:%d: %s == %s (%lld)\n", __func__, __LINE__, #got,  \
			       #want, got_);                                             \
		} else {                                                                 \
			atomic_fetch_add(&check_failed, 1);                              \
			printf("FAIL %s:%d: %s is %lld, want %s (%lld)\n", __func__,       \
			       __LINE__, #got, got_, #want, want_);                      \
		}                                                                        \
		fflush(stdout);                                                          \
	} while (0)

static inline int check_summary(void)
{
	int failed = atomic_load(&check_failed);
	printf("%d passed, %d failed\n", atomic_load(&check_passed), failed);
	return failed == 0 ? 0 : 1;
}

#endif
