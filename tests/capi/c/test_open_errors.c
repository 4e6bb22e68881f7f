/*
 * The errors of procfd_open that the header documents beyond the obvious:
 * a thread id that is not a process, a pid beyond pid_max, and a
 * PROCFD_BACKEND that names no backend (checked in a copy of this program
 * started with it, since the library reads its environment at load).
 */
#define _GNU_SOURCE /* syscall, SYS_gettid */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procfd.h"
#include "check.h"
#include "util.h"

static atomic_int thread_id;
static atomic_int thread_may_end;

static void *thread_main(void *arg)
{
	(void)arg;
	atomic_store(&thread_id, (int)syscall(SYS_gettid));
	while (!atomic_load(&thread_may_end))
		sleep_ms(1);
	return NULL;
}

static void test_thread_id(void)
{
	pthread_t t;
	procfd_t *h = NULL;

	CHECK_INT(pthread_create(&t, NULL, thread_main, NULL), 0);
	while (!atomic_load(&thread_id))
		sleep_ms(1);
	int rc = procfd_open(&h, atomic_load(&thread_id));
	if (strcmp(procfd_default_backend(), "pipe") == 0)
		CHECK_INT(rc, -ENOTSUP);
	else
		CHECK(rc == -ENOENT || rc == -EINVAL);
	CHECK(h == NULL);
	atomic_store(&thread_may_end, 1);
	CHECK_INT(pthread_join(t, NULL), 0);
}

static void test_bad_backend_in_a_copy(void)
{
	char *argv[] = {"test_open_errors", "bad-backend", NULL};
	char *envp[] = {"PROCFD_BACKEND=no-such-backend", NULL};
	procfd_t *h = NULL;
	procfd_status_t st = {0};

	CHECK_INT(procfd_spawn(&h, "/proc/self/exe", argv, envp, NULL), 0);
	if (!h)
		return;
	CHECK_INT(procfd_wait(h, -1, &st), 0);
	CHECK_INT(st.exited, 1);
	CHECK_INT(st.code, 0);
	CHECK_INT(procfd_close(h), 0);
}

int main(int argc, char **argv)
{
	procfd_t *h = NULL;

	if (argc > 1 && strcmp(argv[1], "bad-backend") == 0) {
		/* Only the exit status tells: the summary is the parent's. */
		int ok = procfd_open(&h, getpid()) == -EINVAL && h == NULL;
		return ok ? 0 : 1;
	}
	test_thread_id();
	/* Beyond any pid_max (2^22): no such process. */
	if (strcmp(procfd_default_backend(), "pipe") != 0)
		CHECK_INT(procfd_open(&h, (1 << 22) + 1), -ESRCH);
	test_bad_backend_in_a_copy();
	return check_summary();
}
