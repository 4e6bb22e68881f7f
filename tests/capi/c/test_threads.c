/*
 * Many threads at once: 16 threads spawn and wait at the same moment, many
 * threads wait on one handle, callbacks fire while handles close around
 * them, a handle from procfd_open is closed under a waiting thread. Each
 * thread's results must be its own.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procfd.h"
#include "check.h"
#include "util.h"

enum { THREADS = 16, ROUNDS = 8 };

static pthread_barrier_t start;

static void *spawn_and_wait(void *arg)
{
	int t = (int)(intptr_t)arg;
	pthread_barrier_wait(&start);
	for (int i = 0; i < ROUNDS; i++) {
		char code[8];
		snprintf(code, sizeof code, "%d", t * ROUNDS + i);
		procfd_t *h = NULL;
		CHECK_INT(spawn_sh(&h, "exit $1", code, NULL), 0);
		if (h == NULL)
			continue;
		procfd_status_t st;
		/* Alternate the blocking and the timed wait. */
		CHECK_INT(procfd_wait(h, i % 2 ? 10000 : -1, &st), 0);
		CHECK_INT(st.pid, procfd_pid(h));
		CHECK_INT(st.exited, 1);
		CHECK_INT(st.code, t * ROUNDS + i);
		CHECK_INT(procfd_close(h), 0);
	}
	return NULL;
}

static void test_spawn_wait_at_once(void)
{
	pthread_t threads[THREADS];
	pthread_barrier_init(&start, NULL, THREADS);
	for (int t = 0; t < THREADS; t++)
		CHECK_INT(pthread_create(&threads[t], NULL, spawn_and_wait, (void *)(intptr_t)t), 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	pthread_barrier_destroy(&start);
}

static procfd_t *shared;

static void *wait_shared(void *arg)
{
	procfd_status_t *st = arg;
	CHECK_INT(procfd_wait(shared, -1, st), 0);
	return NULL;
}

static void test_many_waiters_one_handle(void)
{
	CHECK_INT(spawn_sh(&shared, "sleep 0.2; exit 42", NULL, NULL), 0);
	pthread_t threads[THREADS];
	procfd_status_t st[THREADS];
	for (int t = 0; t < THREADS; t++)
		CHECK_INT(pthread_create(&threads[t], NULL, wait_shared, &st[t]), 0);
	for (int t = 0; t < THREADS; t++) {
		pthread_join(threads[t], NULL);
		CHECK_INT(st[t].code, 42);
		CHECK_INT(st[t].pid, procfd_pid(shared));
	}
	CHECK_INT(procfd_close(shared), 0);
}

static atomic_int callbacks;

static void count_and_close(procfd_t *h, const procfd_status_t *st, void *arg)
{
	(void)arg;
	CHECK(st != NULL && st->exited && st->code == 3);
	CHECK_INT(procfd_close(h), 0);
	atomic_fetch_add(&callbacks, 1);
}

static void *spawn_with_callbacks(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		procfd_t *h = NULL;
		CHECK_INT(spawn_sh(&h, "exit 3", NULL, NULL), 0);
		CHECK_INT(procfd_on_exit(h, count_and_close, NULL), 0);
	}
	return NULL;
}

static void test_callbacks_from_many_threads(void)
{
	pthread_t threads[THREADS];
	for (int t = 0; t < THREADS; t++)
		CHECK_INT(pthread_create(&threads[t], NULL, spawn_with_callbacks, NULL), 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	long long deadline = now_ms() + 10000;
	while (atomic_load(&callbacks) < THREADS * ROUNDS && now_ms() < deadline)
		sleep_ms(5);
	sleep_ms(100);
	CHECK_INT(atomic_load(&callbacks), THREADS * ROUNDS);
}

static procfd_t *racing;
static atomic_int racers_done;

/* Calls everything on a handle that another thread closes meanwhile: each
 * result must be a success or -EBADF, never anything else, never a crash.
 * The close kills the process: a look by a racer may collect its status. */
static void *race_close(void *arg)
{
	(void)arg;
	for (int bad = 0; bad < 50;) {
		int pid = procfd_pid(racing);
		intptr_t fd = procfd_fd(racing);
		int sig = procfd_signal(racing, 0);
		int wait = procfd_wait(racing, 0, NULL);
		CHECK(pid > 0 || pid == -EBADF);
		CHECK(fd >= 0 || fd == -EBADF);
		CHECK(sig == 0 || sig == -EBADF);
		CHECK(wait == 0 || wait == -ETIMEDOUT || wait == -EBADF);
		if (pid == -EBADF && fd == -EBADF && sig == -EBADF && wait == -EBADF)
			bad++;
	}
	atomic_fetch_add(&racers_done, 1);
	return NULL;
}

static void test_close_racing_with_calls(void)
{
	procfd_attr_t attr = {.flags = PROCFD_KILL_ON_CLOSE};
	CHECK_INT(spawn_sh(&racing, "exec sleep 60", NULL, &attr), 0);
	pthread_t threads[THREADS];
	for (int t = 0; t < THREADS; t++)
		CHECK_INT(pthread_create(&threads[t], NULL, race_close, NULL), 0);
	sleep_ms(20);
	CHECK_INT(procfd_close(racing), 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	CHECK_INT(atomic_load(&racers_done), THREADS);
}

/* procfd_close promises a procfd_wait blocked at that moment the status,
 * for procfd_open handles too, not -EBADF. The process is a child of our
 * own, forked, so that the kernel has its status on every version. */
static procfd_t *opened;
static procfd_status_t opened_st;
static atomic_int opened_waited;

static void *wait_opened(void *arg)
{
	(void)arg;
	int rc = procfd_wait(opened, -1, &opened_st);
	atomic_store(&opened_waited, 1);
	return (void *)(intptr_t)rc;
}

static void test_close_under_a_waiter_on_an_open_handle(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		/* Only async-signal-safe calls in a child of a threaded process. */
		pause();
		_exit(0);
	}
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	int rc = procfd_open(&opened, pid);
	if (rc == -ENOTSUP && strcmp(procfd_default_backend(), "pipe") == 0) {
		/* The pipe backend opens no process it did not start. */
		CHECK_INT(kill(pid, SIGKILL), 0);
		CHECK_INT(waitpid(pid, NULL, 0), pid);
		return;
	}
	CHECK_INT(rc, 0);
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, wait_opened, NULL), 0);
	sleep_ms(200); /* time for the waiter to block */
	CHECK_INT(procfd_close(opened), 0);
	sleep_ms(100);
	CHECK_INT(atomic_load(&opened_waited), 0); /* the process still runs */
	CHECK_INT(kill(pid, SIGKILL), 0);
	void *waited;
	CHECK_INT(pthread_join(t, &waited), 0);
	CHECK_INT((intptr_t)waited, 0);
	CHECK_INT(opened_st.pid, pid);
	CHECK_INT(opened_st.signal, SIGKILL);
}

int main(void)
{
	test_spawn_wait_at_once();
	test_many_waiters_one_handle();
	test_callbacks_from_many_threads();
	test_close_racing_with_calls();
	test_close_under_a_waiter_on_an_open_handle();
	return check_summary();
}
