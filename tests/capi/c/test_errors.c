/*
 * Every bad input gets its documented errno, and none crashes the process:
 * NULL and malformed arguments, unknown backends and flags, invalid signals,
 * closed, never-opened and NULL handles. And no call, failing or not,
 * changes errno: the header promises to leave it alone.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include "procfd.h"
#include "check.h"
#include "util.h"

static void ignore_exit(procfd_t *h, const procfd_status_t *st, void *arg)
{
	(void)h, (void)st, (void)arg;
}

static void test_spawn_arguments(void)
{
	char *argv[] = {"true", NULL};
	char *empty[] = {NULL};
	procfd_t *h = NULL;

	CHECK_INT(procfd_spawn(NULL, "/bin/true", argv, NULL, NULL), -EINVAL);
	CHECK_INT(procfd_spawn(&h, NULL, argv, NULL, NULL), -EINVAL);
	CHECK_INT(procfd_spawn(&h, "/bin/true", NULL, NULL, NULL), -EINVAL);
	CHECK_INT(procfd_spawn(&h, "/bin/true", empty, NULL, NULL), -EINVAL);

	procfd_attr_t attr = {.backend = "no-such-backend"};
	CHECK_INT(procfd_spawn(&h, "/bin/true", argv, NULL, &attr), -EINVAL);
	/* Known backends of other systems. */
	attr.backend = "procdesc";
	CHECK_INT(procfd_spawn(&h, "/bin/true", argv, NULL, &attr), -ENOTSUP);
	attr.backend = "handle";
	CHECK_INT(procfd_spawn(&h, "/bin/true", argv, NULL, &attr), -ENOTSUP);

	procfd_attr_t bad_flags = {.flags = 1u << 20};
	CHECK_INT(procfd_spawn(&h, "/bin/true", argv, NULL, &bad_flags), -EINVAL);

	int fds[] = {0, 1, 2};
	procfd_attr_t bad_fds = {.fds = fds, .nfds = -1};
	CHECK_INT(procfd_spawn(&h, "/bin/true", argv, NULL, &bad_fds), -EINVAL);
	bad_fds.nfds = 100000;
	CHECK_INT(procfd_spawn(&h, "/bin/true", argv, NULL, &bad_fds), -EINVAL);
	bad_fds = (procfd_attr_t){.fds = NULL, .nfds = 3};
	CHECK_INT(procfd_spawn(&h, "/bin/true", argv, NULL, &bad_fds), -EINVAL);
	int not_open[] = {0, 987654};
	bad_fds = (procfd_attr_t){.fds = not_open, .nfds = 2};
	CHECK_INT(procfd_spawn(&h, "/bin/true", argv, NULL, &bad_fds), -EBADF);
	/* Negative but not -1 is not a descriptor either. */
	int negative[] = {-2};
	bad_fds = (procfd_attr_t){.fds = negative, .nfds = 1};
	CHECK_INT(procfd_spawn(&h, "/bin/true", argv, NULL, &bad_fds), -EBADF);

	CHECK(h == NULL); /* no failure above wrote it */
}

static void test_open_arguments(void)
{
	procfd_t *h = NULL;
	CHECK_INT(procfd_open(NULL, getpid()), -EINVAL);
	CHECK_INT(procfd_open(&h, -1), -EINVAL);
	CHECK_INT(procfd_open(&h, 0), -EINVAL);
	CHECK_INT(procfd_open(&h, INT_MIN), -EINVAL);
	CHECK(h == NULL);
}

static void test_invalid_signals(void)
{
	procfd_t *h = NULL;
	CHECK_INT(spawn_sh(&h, "exec sleep 60", NULL, NULL), 0);
	CHECK_INT(procfd_signal(h, -1), -EINVAL);
	CHECK_INT(procfd_signal(h, 65), -EINVAL);
	CHECK_INT(procfd_signal(h, INT_MAX), -EINVAL);
	CHECK_INT(procfd_signal(h, INT_MIN), -EINVAL);
	CHECK_INT(procfd_wait(h, 0, NULL), -ETIMEDOUT); /* untouched by all that */
	CHECK_INT(procfd_signal(h, SIGKILL), 0);
	CHECK_INT(procfd_wait(h, -1, NULL), 0);
	CHECK_INT(procfd_close(h), 0);
}

/* Every call that takes a handle, with h: int results must be want, the
 * backend NULL. */
static void check_all_calls(procfd_t *h, int want)
{
	procfd_status_t st = {.pid = -42};
	CHECK_INT(procfd_pid(h), want);
	CHECK_INT(procfd_fd(h), want);
	CHECK(procfd_backend(h) == NULL);
	CHECK_INT(procfd_signal(h, SIGTERM), want);
	CHECK_INT(procfd_signal(h, 0), want);
	CHECK_INT(procfd_wait(h, 0, &st), want);
	CHECK_INT(procfd_wait(h, -1, &st), want);
	CHECK_INT(procfd_wait(h, 10, &st), want);
	CHECK_INT(st.pid, -42);
	CHECK_INT(procfd_on_exit(h, ignore_exit, NULL), want);
	CHECK_INT(procfd_close(h), want);
	CHECK_INT(procfd_close(h), want);
}

static void test_bad_handles(void)
{
	check_all_calls(NULL, -EINVAL);

	/* Pointers that were never handles: the library never reads them. */
	int not_a_handle = 0;
	check_all_calls((procfd_t *)&not_a_handle, -EBADF);
	check_all_calls((procfd_t *)(uintptr_t)0x1000, -EBADF);
	/* Small integers: held in a Go pointer, such a value aborts the host
	 * when the Go runtime copies a stack (the fuzzer found it). */
	for (uintptr_t v = 1; v < 0x1000; v += 13)
		check_all_calls((procfd_t *)v, -EBADF);

	/* Closed, twice. */
	procfd_t *h = NULL;
	CHECK_INT(spawn_sh(&h, "exit 0", NULL, NULL), 0);
	CHECK_INT(procfd_wait(h, -1, NULL), 0);
	CHECK_INT(procfd_close(h), 0);
	check_all_calls(h, -EBADF);

	/* Closed while running: the process is not touched through it. */
	CHECK_INT(spawn_sh(&h, "exec sleep 1", NULL, NULL), 0);
	int pid = procfd_pid(h);
	CHECK_INT(procfd_close(h), 0);
	check_all_calls(h, -EBADF);
	CHECK_INT(kill(pid, 0), 0);

	/* A stale pointer does not reach the handle made after it. */
	procfd_t *first = NULL, *second = NULL;
	CHECK_INT(spawn_sh(&first, "exit 0", NULL, NULL), 0);
	CHECK_INT(procfd_close(first), 0);
	CHECK_INT(spawn_sh(&second, "exec sleep 60", NULL, NULL), 0);
	CHECK(second != first);
	CHECK_INT(procfd_close(first), -EBADF);
	CHECK_INT(procfd_signal(second, 0), 0);
	CHECK_INT(procfd_signal(second, SIGKILL), 0);
	CHECK_INT(procfd_wait(second, -1, NULL), 0);
	CHECK_INT(procfd_close(second), 0);
}

static void test_on_exit_arguments(void)
{
	procfd_t *h = NULL;
	CHECK_INT(spawn_sh(&h, "exit 0", NULL, NULL), 0);
	CHECK_INT(procfd_on_exit(h, NULL, NULL), -EINVAL);
	CHECK_INT(procfd_wait(h, -1, NULL), 0);
	CHECK_INT(procfd_close(h), 0);
}

/* errno is EDOM before call, and still EDOM after it. */
#define CHECK_ERRNO_KEPT(call)                                                     \
	do {                                                                       \
		errno = EDOM;                                                      \
		(void)(call);                                                      \
		int errno_after_ = errno;                                          \
		CHECK_INT(errno_after_, EDOM);                                     \
		if (errno_after_ != EDOM)                                          \
			fprintf(stderr, "  errno changed by %s\n", #call);          \
	} while (0)

static void test_errno_left_alone(void)
{
	char *argv[] = {"true", NULL};
	char *missing[] = {"no-such-program", NULL};
	procfd_t *h = NULL;
	procfd_status_t st;

	CHECK_ERRNO_KEPT(procfd_spawn(&h, "/no/such/program", missing, NULL, NULL));
	CHECK_ERRNO_KEPT(procfd_spawn(&h, "/bin/true", argv, NULL, NULL));
	CHECK(h != NULL);
	CHECK_ERRNO_KEPT(procfd_pid(h));
	CHECK_ERRNO_KEPT(procfd_fd(h));
	CHECK_ERRNO_KEPT(procfd_backend(h));
	CHECK_ERRNO_KEPT(procfd_default_backend());
	CHECK_ERRNO_KEPT(procfd_wait(h, -1, &st));
	CHECK_ERRNO_KEPT(procfd_signal(h, 0));
	CHECK_ERRNO_KEPT(procfd_on_exit(h, ignore_exit, NULL));
	CHECK_ERRNO_KEPT(procfd_close(h));
	CHECK_ERRNO_KEPT(procfd_close(h)); /* -EBADF */
	CHECK_ERRNO_KEPT(procfd_open(&h, -1));
	CHECK_ERRNO_KEPT(procfd_open(&h, INT_MAX)); /* no such process */
	CHECK_ERRNO_KEPT(procfd_strerror(-ENOENT));
	CHECK_ERRNO_KEPT(procfd_version());

	procfd_group_t *g = NULL;
	procfd_group_attr_t bad = {.mechanism = "no-such-mechanism"};
	CHECK_ERRNO_KEPT(procfd_group_new(&g, &bad));
	CHECK_ERRNO_KEPT(procfd_group_new(&g, NULL));
	if (g == NULL)
		return; /* no mechanism here: reported by the group test */
	int pids[4];
	CHECK_ERRNO_KEPT(procfd_group_mechanism(g));
	CHECK_ERRNO_KEPT(procfd_group_pids(g, pids, 4));
	CHECK_ERRNO_KEPT(procfd_group_wait(g, 0));
	CHECK_ERRNO_KEPT(procfd_group_fd(g));
	CHECK_ERRNO_KEPT(procfd_group_signal(g, SIGTERM)); /* -ESRCH: empty */
	CHECK_ERRNO_KEPT(procfd_group_close(g));
}

int main(void)
{
	test_spawn_arguments();
	test_open_arguments();
	test_invalid_signals();
	test_bad_handles();
	test_on_exit_arguments();
	test_errno_left_alone();
	return check_summary();
}
