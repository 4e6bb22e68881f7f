/*
 * The C tests' whole harness: CHECK counts and reports, check_summary()
 * prints the "N passed, N failed" line that the Ginkgo suite reads and gives
 * the exit status. Counters are atomic because several tests check from many
 * threads, callbacks included.
 */
#ifndef PROCFD_TEST_CHECK_H
#define PROCFD_TEST_CHECK_H

#include <stdatomic.h>
#include <stdio.h>

static atomic_int check_passed, check_failed;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (cond) {                                                          \
			atomic_fetch_add(&check_passed, 1);                          \
		} else {                                                             \
			atomic_fetch_add(&check_failed, 1);                          \
			fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                    \
	} while (0)

/* For results worth seeing when they are wrong: an errno, a pid, a code. */
#define CHECK_INT(got, want)                                                             \
	do {                                                                             \
		long long got_ = (long long)(got), want_ = (long long)(want);            \
		if (got_ == want_) {                                                     \
			atomic_fetch_add(&check_passed, 1);                              \
		} else {                                                                 \
			atomic_fetch_add(&check_failed, 1);                              \
			fprintf(stderr, "%s:%d: FAIL: %s is %lld, want %s (%lld)\n", __FILE__, \
			        __LINE__, #got, got_, #want, want_);                     \
		}                                                                        \
	} while (0)

static inline int check_summary(void)
{
	int failed = atomic_load(&check_failed);
	printf("%d passed, %d failed\n", atomic_load(&check_passed), failed);
	return failed == 0 ? 0 : 1;
}

#endif
