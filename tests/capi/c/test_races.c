/*
 * Races through the C ABI: 16 threads call procfd_wait, procfd_signal,
 * procfd_fd and procfd_close on one handle at the same moment. Exactly one
 * procfd_close returns 0 and the others -EBADF; every procfd_wait returns
 * the one status or -EBADF; nothing crashes; no child is left behind.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "procfd.h"
#include "check.h"
#include "util.h"

enum { THREADS = 16, ROUNDS = 40 };

struct round {
	procfd_t *h;
	int sig;                     /* what the signalling threads send */
	pthread_barrier_t start;
	int waits[THREADS];          /* each thread's results, by role */
	procfd_status_t st[THREADS];
	int signals[THREADS];
	intptr_t fds[THREADS];
	int closes[THREADS];
};

struct racer_arg {
	struct round *r;
	int t;
};

static void *race(void *arg)
{
	struct racer_arg *a = arg;
	struct round *r = a->r;
	int t = a->t;

	int rc = pthread_barrier_wait(&r->start);
	CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
	switch (t % 4) {
	case 0:
		r->waits[t] = procfd_wait(r->h, -1, &r->st[t]);
		break;
	case 1:
		r->signals[t] = procfd_signal(r->h, r->sig);
		break;
	case 2:
		r->fds[t] = procfd_fd(r->h);
		break;
	case 3:
		r->closes[t] = procfd_close(r->h);
		break;
	}
	return NULL;
}

/* Whether pid is a child of this process, zombie or not, from /proc. */
static int is_child(int pid)
{
	char path[64], buf[512];
	FILE *f;
	int ppid = -1;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) != NULL) {
		char *end = strrchr(buf, ')');
		if (end != NULL && sscanf(end + 1, " %*c %d", &ppid) != 1)
			ppid = -1;
	}
	(void)fclose(f); /* read only: nothing to lose */
	return ppid == getpid();
}

static void run_round(int n)
{
	static struct round r;
	struct racer_arg args[THREADS];
	pthread_t threads[THREADS];
	procfd_attr_t attr = {0};
	int rc, pid, closed = 0;
	procfd_status_t want = {0};

	memset(&r, 0, sizeof r);
	if (n % 2 == 0) {
		/* A sleeper that a signal or the close kills. */
		char *argv[] = {"sleep", "60", NULL};
		attr.flags = PROCFD_KILL_ON_CLOSE | PROCFD_SEARCH_PATH;
		rc = procfd_spawn(&r.h, "sleep", argv, NULL, &attr);
		r.sig = SIGKILL;
		want.exited = 0;
		want.signal = SIGKILL;
		want.code = -1;
	} else {
		/* A process that exits alone; the signal only probes it. */
		rc = spawn_sh(&r.h, "exit 5", NULL, NULL);
		r.sig = 0;
		want.exited = 1;
		want.code = 5;
	}
	CHECK_INT(rc, 0);
	if (rc != 0)
		return;
	pid = procfd_pid(r.h);
	CHECK(pid > 0);
	CHECK_INT(pthread_barrier_init(&r.start, NULL, THREADS), 0);
	for (int t = 0; t < THREADS; t++) {
		args[t].r = &r;
		args[t].t = t;
		CHECK_INT(pthread_create(&threads[t], NULL, race, &args[t]), 0);
	}
	for (int t = 0; t < THREADS; t++)
		CHECK_INT(pthread_join(threads[t], NULL), 0);
	CHECK_INT(pthread_barrier_destroy(&r.start), 0);

	for (int t = 0; t < THREADS; t++) {
		switch (t % 4) {
		case 0:
			CHECK(r.waits[t] == 0 || r.waits[t] == -EBADF);
			if (r.waits[t] == 0) {
				CHECK_INT(r.st[t].pid, pid);
				CHECK_INT(r.st[t].exited, want.exited);
				CHECK_INT(r.st[t].code, want.code);
				CHECK_INT(r.st[t].signal, want.signal);
			}
			break;
		case 1:
			CHECK(r.signals[t] == 0 || r.signals[t] == -ESRCH || r.signals[t] == -EBADF);
			break;
		case 2:
			CHECK(r.fds[t] >= 0 || r.fds[t] == -EBADF);
			break;
		case 3:
			CHECK(r.closes[t] == 0 || r.closes[t] == -EBADF);
			closed += r.closes[t] == 0;
			break;
		}
	}
	CHECK_INT(closed, 1);
	CHECK_INT(procfd_close(r.h), -EBADF);

	/* The library reaps it: killed by the close or by a signal, or
	 * exiting alone. */
	long long deadline = now_ms() + 20000;
	while (is_child(pid) && now_ms() < deadline)
		sleep_ms(1);
	CHECK(!is_child(pid));
}

int main(void)
{
	for (int n = 0; n < ROUNDS; n++)
		run_round(n);
	return check_summary();
}
