/*
 * Leaks through the C ABI: 2,000 spawn/wait/close cycles of six kinds
 * (wait and close; procfd_fd, poll-free wait and close; PROCFD_KILL_ON_CLOSE
 * while it runs; close without wait; an exit callback that closes; failed
 * starts) leave the process with the descriptors it had, no child (zombie
 * or not), and its threads within a small slack for the Go runtime inside
 * the library, which keeps the idle threads it made for a peak of blocking
 * calls.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfd.h"
#include "check.h"
#include "util.h"

enum { KINDS = 6, CYCLES_PER_KIND = 334, WARMUP_PER_KIND = 10, THREAD_SLACK = 4 };

/* The entries of /proc/self/fd, less the one that reading it takes. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL) {
		perror("opendir /proc/self/fd");
		exit(2);
	}
	while ((e = readdir(d)) != NULL)
		n += isdigit((unsigned char)e->d_name[0]) != 0;
	if (closedir(d) < 0) {
		perror("closedir");
		exit(2);
	}
	return n - 1;
}

/* This process's children, and how many of them are zombies. */
static int count_children(int *zombies)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	*zombies = 0;
	if (d == NULL) {
		perror("opendir /proc");
		exit(2);
	}
	while ((e = readdir(d)) != NULL) {
		char path[300], buf[512], state;
		int ppid;
		FILE *f;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue; /* gone while we looked */
		char *line = fgets(buf, sizeof buf, f);
		(void)fclose(f); /* read only: nothing to lose */
		char *end = line ? strrchr(line, ')') : NULL;
		if (end == NULL || sscanf(end + 1, " %c %d", &state, &ppid) != 2)
			continue;
		if (ppid == getpid()) {
			n++;
			*zombies += state == 'Z';
		}
	}
	if (closedir(d) < 0) {
		perror("closedir");
		exit(2);
	}
	return n;
}

static int count_threads(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL) {
		perror("fopen /proc/self/status");
		exit(2);
	}
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	(void)fclose(f);
	return n;
}

/* Waits (up to 20 s) until the library has reaped every child. */
static int settle_children(int *zombies)
{
	long long deadline = now_ms() + 20000;
	int n;

	while ((n = count_children(zombies)) > 0 && now_ms() < deadline)
		sleep_ms(2);
	return n;
}

static atomic_int callbacks;

static void close_on_exit(procfd_t *h, const procfd_status_t *st, void *arg)
{
	(void)arg;
	CHECK(st != NULL && st->exited && st->code == 0);
	CHECK_INT(procfd_close(h), 0);
	atomic_fetch_add(&callbacks, 1);
}

static void cycle(int kind)
{
	char *true_argv[] = {"true", NULL};
	char *sleep_argv[] = {"sleep", "60", NULL};
	procfd_attr_t search = {.flags = PROCFD_SEARCH_PATH};
	procfd_attr_t kill = {.flags = PROCFD_SEARCH_PATH | PROCFD_KILL_ON_CLOSE};
	procfd_status_t st;
	procfd_t *h = NULL;
	int rc;

	switch (kind) {
	case 0: /* spawn, wait, close */
		CHECK_INT(rc = procfd_spawn(&h, "true", true_argv, NULL, &search), 0);
		if (rc == 0) {
			CHECK_INT(procfd_wait(h, -1, &st), 0);
			CHECK_INT(st.code, 0);
			CHECK_INT(procfd_close(h), 0);
		}
		break;
	case 1: /* spawn, fd, wait, close: the pipe backend's eventfd */
		CHECK_INT(rc = procfd_spawn(&h, "true", true_argv, NULL, &search), 0);
		if (rc == 0) {
			CHECK(procfd_fd(h) >= 0);
			CHECK_INT(procfd_wait(h, -1, &st), 0);
			CHECK_INT(procfd_close(h), 0);
		}
		break;
	case 2: /* close with PROCFD_KILL_ON_CLOSE while it runs */
		CHECK_INT(rc = procfd_spawn(&h, "sleep", sleep_argv, NULL, &kill), 0);
		if (rc == 0)
			CHECK_INT(procfd_close(h), 0);
		break;
	case 3: /* close without wait: the library reaps it */
		CHECK_INT(rc = procfd_spawn(&h, "true", true_argv, NULL, &search), 0);
		if (rc == 0)
			CHECK_INT(procfd_close(h), 0);
		break;
	case 4: /* a callback that closes */
		CHECK_INT(rc = procfd_spawn(&h, "true", true_argv, NULL, &search), 0);
		if (rc == 0)
			CHECK_INT(procfd_on_exit(h, close_on_exit, NULL), 0);
		break;
	case 5: /* a failed start: the exec fails in the child */
		CHECK_INT(procfd_spawn(&h, "/nonexistent/procfd-leak-test", true_argv, NULL, NULL),
		          -ENOENT);
		break;
	}
}

int main(void)
{
	int zombies, children, fds, threads;

	for (int k = 0; k < KINDS; k++)
		for (int i = 0; i < WARMUP_PER_KIND; i++)
			cycle(k);
	CHECK_INT(settle_children(&zombies), 0);
	fds = count_fds();
	threads = count_threads();

	for (int k = 0; k < KINDS; k++)
		for (int i = 0; i < CYCLES_PER_KIND; i++)
			cycle(k);

	children = settle_children(&zombies);
	long long deadline = now_ms() + 20000;
	while (atomic_load(&callbacks) < WARMUP_PER_KIND + CYCLES_PER_KIND &&
	       now_ms() < deadline)
		sleep_ms(2);
	/* A callback's close may still be releasing its descriptor. */
	while (count_fds() != fds && now_ms() < deadline)
		sleep_ms(2);
	CHECK_INT(atomic_load(&callbacks), WARMUP_PER_KIND + CYCLES_PER_KIND);
	CHECK_INT(children, 0);
	CHECK_INT(zombies, 0);
	CHECK_INT(count_fds(), fds);
	CHECK(count_threads() <= threads + THREAD_SLACK);
	printf("%d cycles on %s: descriptors %d -> %d, threads %d -> %d, children %d, zombies %d\n",
	       KINDS * CYCLES_PER_KIND, procfd_default_backend(), fds, count_fds(), threads,
	       count_threads(), children, zombies);
	return check_summary();
}
