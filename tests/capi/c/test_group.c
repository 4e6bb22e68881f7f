/*
 * Groups through the header: a tree whose grandchild calls setsid and
 * forks again, on the "cgroup" and the "pgroup" mechanism (forced through
 * the attr): signals reach the tree, waiting waits for it, closing with
 * PROCFD_GROUP_KILL_ON_CLOSE leaves no process, the group's descriptor
 * polls readable exactly while the group is empty, and bad input and
 * closed groups get their errnos. "pgroup" does not hold a process that
 * calls setsid: that one survives, and is killed here.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfd.h"
#include "check.h"
#include "util.h"

/* The child prints the pid of a background sleep (a member on every
 * mechanism), then that of a sleep started by a shell that called setsid
 * and exited (a member of a cgroup, not of a process group), then becomes
 * a sleep itself. */
static const char *tree_script =
	"sleep 100 </dev/null >/dev/null 2>&1 & echo $!; "
	"setsid sh -c 'sleep 200 </dev/null >/dev/null 2>&1 & echo $!'; "
	"exec sleep 300 >/dev/null";

/* The state letter of /proc/PID/stat, or 0 if there is no such process. */
static char proc_state(int pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *paren = strrchr(buf, ')');
	if (paren == NULL || paren[1] != ' ')
		return 0;
	return paren[2];
}

/* A process is gone once kill(pid, 0) fails or it is a zombie. */
static int gone(int pid)
{
	if (kill(pid, 0) != 0 && errno == ESRCH)
		return 1;
	return proc_state(pid) == 'Z' || proc_state(pid) == 0;
}

/* 1 if pid runs the program sleep. */
static int is_sleep(int pid)
{
	char path[64], comm[32] = "";
	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	int ok = fgets(comm, sizeof comm, f) != NULL && strcmp(comm, "sleep\n") == 0;
	fclose(f);
	return ok;
}

static int readable(intptr_t fd, int timeout_ms)
{
	struct pollfd p = {.fd = (int)fd, .events = POLLIN};
	int n;
	while ((n = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	return n == 1 && (p.revents & POLLIN);
}

static int contains(const int *pids, int n, int pid)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return 1;
	return 0;
}

/* Reads the two pids the tree script prints, within 10 s. */
static int read_pids(int fd, int out[2])
{
	char buf[128];
	size_t len = 0;
	int lines = 0;
	long long deadline = now_ms() + 10000;
	while (lines < 2 && len < sizeof buf - 1 && now_ms() < deadline) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			lines += buf[len + i] == '\n';
		len += (size_t)n;
	}
	buf[len] = '\0';
	return lines == 2 && sscanf(buf, "%d %d", &out[0], &out[1]) == 2;
}

struct tree {
	procfd_t *h;
	int child, sleeper, escaper; /* sh (then sleep 300), sleep 100, sleep 200 */
};

/* Starts the tree script in g; 1 on success. */
static int start_tree(procfd_group_t *g, struct tree *t)
{
	int p[2];
	if (pipe(p) != 0)
		return 0;
	int fds[] = {0, p[1], 2};
	procfd_attr_t attr = {.fds = fds, .nfds = 3, .flags = PROCFD_GROUP, .group = g};
	memset(t, 0, sizeof *t);
	int rc = spawn_sh(&t->h, tree_script, NULL, &attr);
	CHECK_INT(rc, 0);
	close(p[1]);
	int pids[2] = {0, 0};
	int ok = rc == 0 && read_pids(p[0], pids);
	close(p[0]);
	CHECK(ok);
	if (rc == 0)
		t->child = procfd_pid(t->h);
	t->sleeper = pids[0];
	t->escaper = pids[1];
	/* Settled once the child has exec'd its sleep: the shell that called
	 * setsid has exited and been reaped by then. */
	long long deadline = now_ms() + 10000;
	while (ok && !is_sleep(t->child) && now_ms() < deadline)
		sleep_ms(5);
	CHECK(!ok || is_sleep(t->child));
	return ok;
}

/* What a test leaves: the tree's handle, and a setsid'd process that the
 * "pgroup" mechanism does not hold. */
static void end_tree(struct tree *t)
{
	if (t->escaper > 0 && !gone(t->escaper))
		kill(t->escaper, SIGKILL);
	if (t->h != NULL) {
		procfd_signal(t->h, SIGKILL);
		procfd_wait(t->h, -1, NULL);
		CHECK_INT(procfd_close(t->h), 0);
	}
}

static procfd_group_t *new_group(const char *mechanism, unsigned flags)
{
	procfd_group_attr_t attr = {.flags = flags, .mechanism = mechanism};
	procfd_group_t *g = NULL;
	CHECK_INT(procfd_group_new(&g, &attr), 0);
	if (g != NULL)
		CHECK(strcmp(procfd_group_mechanism(g), mechanism) == 0);
	return g;
}

/* An empty group, then a tree in it: the descriptor, the pids, signal 0,
 * wait with a timeout; then SIGTERM reaches the tree and wait waits for it. */
static void test_signal_and_wait(const char *mechanism)
{
	int cgroup = strcmp(mechanism, "cgroup") == 0;
	procfd_group_t *g = new_group(mechanism, 0);
	if (g == NULL)
		return;
	intptr_t fd = procfd_group_fd(g);
	CHECK(fd >= 0);

	/* Empty: readable, waited for, nothing to signal or list. */
	CHECK(readable(fd, 0));
	CHECK_INT(procfd_group_wait(g, 0), 0);
	CHECK_INT(procfd_group_wait(g, -1), 0);
	CHECK_INT(procfd_group_pids(g, NULL, 0), 0);
	CHECK_INT(procfd_group_signal(g, 0), -ESRCH);
	CHECK_INT(procfd_group_signal(g, SIGTERM), -ESRCH);

	struct tree t;
	if (!start_tree(g, &t)) {
		end_tree(&t);
		procfd_group_close(g);
		return;
	}
	CHECK(!readable(fd, 0));
	CHECK_INT(procfd_group_signal(g, 0), 0);
	long long t0 = now_ms();
	CHECK_INT(procfd_group_wait(g, 0), -ETIMEDOUT);
	CHECK_INT(procfd_group_wait(g, 100), -ETIMEDOUT);
	CHECK(now_ms() - t0 >= 100);
	CHECK(!readable(fd, 0));

	/* A short buffer: the count, and no more than fits. */
	int one[2] = {-7, -7};
	int n = procfd_group_pids(g, one, 1);
	CHECK_INT(n, cgroup ? 3 : 2);
	CHECK(one[0] == t.child || one[0] == t.sleeper || one[0] == t.escaper);
	CHECK_INT(one[1], -7);
	int pids[16];
	n = procfd_group_pids(g, pids, 16);
	CHECK_INT(n, cgroup ? 3 : 2);
	CHECK(contains(pids, n, t.child));
	CHECK(contains(pids, n, t.sleeper));
	CHECK_INT(contains(pids, n, t.escaper), cgroup);

	/* The signal reaches the tree, the setsid'd process too in a cgroup. */
	CHECK_INT(procfd_group_signal(g, SIGTERM), 0);
	CHECK_INT(procfd_group_wait(g, 20000), 0);
	CHECK(readable(fd, 0));
	CHECK(gone(t.child));
	CHECK(gone(t.sleeper));
	if (cgroup) {
		CHECK(gone(t.escaper));
	} else {
		/* The limit of "pgroup": setsid left the group. */
		CHECK(!gone(t.escaper));
	}
	CHECK_INT(procfd_group_pids(g, pids, 16), 0);
	CHECK_INT(procfd_group_signal(g, 0), -ESRCH);
	procfd_status_t st;
	CHECK_INT(procfd_wait(t.h, 5000, &st), 0);
	CHECK_INT(st.signal, SIGTERM);

	CHECK_INT(procfd_group_close(g), 0);
	end_tree(&t);
}

/* Close with PROCFD_GROUP_KILL_ON_CLOSE leaves no process of the group:
 * none in the list taken before, none of the pids known. Then every call
 * on the closed group is -EBADF, and a spawn into it fails cleanly. */
static void test_kill_on_close(const char *mechanism)
{
	int cgroup = strcmp(mechanism, "cgroup") == 0;
	procfd_group_t *g = new_group(mechanism, PROCFD_GROUP_KILL_ON_CLOSE);
	if (g == NULL)
		return;
	struct tree t;
	if (!start_tree(g, &t)) {
		end_tree(&t);
		procfd_group_close(g);
		return;
	}
	int pids[16];
	int n = procfd_group_pids(g, pids, 16);
	CHECK_INT(n, cgroup ? 3 : 2);
	if (n > 16)
		n = 16;

	CHECK_INT(procfd_group_close(g), 0);
	for (int i = 0; i < n; i++)
		CHECK(gone(pids[i]));
	CHECK(gone(t.child));
	CHECK(gone(t.sleeper));
	/* "pgroup" cannot kill what left the process group. */
	CHECK_INT(gone(t.escaper), cgroup);
	procfd_status_t st;
	CHECK_INT(procfd_wait(t.h, 5000, &st), 0);
	CHECK_INT(st.signal, SIGKILL);

	/* Closed: -EBADF everywhere, NULL from the mechanism. */
	CHECK_INT(procfd_group_close(g), -EBADF);
	CHECK_INT(procfd_group_signal(g, SIGTERM), -EBADF);
	CHECK_INT(procfd_group_signal(g, 0), -EBADF);
	CHECK_INT(procfd_group_wait(g, 0), -EBADF);
	CHECK_INT(procfd_group_wait(g, -1), -EBADF);
	CHECK_INT(procfd_group_fd(g), -EBADF);
	CHECK_INT(procfd_group_pids(g, pids, 16), -EBADF);
	CHECK_INT(procfd_group_pids(g, NULL, 0), -EBADF);
	CHECK(procfd_group_mechanism(g) == NULL);

	procfd_attr_t attr = {.flags = PROCFD_GROUP, .group = g};
	procfd_t *h = NULL;
	CHECK_INT(spawn_sh(&h, "exit 0", NULL, &attr), -EBADF);
	CHECK(h == NULL);
	end_tree(&t);
}

struct waiter {
	procfd_group_t *g;
	int rc;
};

static void *wait_group(void *arg)
{
	struct waiter *w = arg;
	w->rc = procfd_group_wait(w->g, -1);
	return NULL;
}

/* A wait blocked in another thread returns 0 once the group is empty:
 * here through the kill of procfd_group_close. */
static void test_close_ends_a_wait(const char *mechanism)
{
	procfd_group_t *g = new_group(mechanism, PROCFD_GROUP_KILL_ON_CLOSE);
	if (g == NULL)
		return;
	char *argv[] = {"sleep", "100", NULL};
	procfd_attr_t attr = {.flags = PROCFD_GROUP | PROCFD_SEARCH_PATH, .group = g};
	procfd_t *h = NULL;
	CHECK_INT(procfd_spawn(&h, "sleep", argv, NULL, &attr), 0);
	struct waiter w = {.g = g, .rc = 1};
	pthread_t th;
	CHECK_INT(pthread_create(&th, NULL, wait_group, &w), 0);
	sleep_ms(100);
	CHECK_INT(w.rc, 1); /* still waiting */
	CHECK_INT(procfd_group_close(g), 0);
	CHECK_INT(pthread_join(th, NULL), 0);
	CHECK_INT(w.rc, 0);
	if (h != NULL)
		CHECK_INT(procfd_close(h), 0);
}

struct hammer {
	procfd_group_t *g;
	atomic_int *stop;
	int bad; /* a result no call on an open or just closed group may give */
};

static void *hammer_group(void *arg)
{
	struct hammer *w = arg;
	int pids[8];
	for (int i = 0; !atomic_load(w->stop) || i < 100; i++) {
		int rc = procfd_group_signal(w->g, 0);
		w->bad += rc != 0 && rc != -ESRCH && rc != -EBADF;
		rc = procfd_group_wait(w->g, 0);
		w->bad += rc != 0 && rc != -ETIMEDOUT && rc != -EBADF;
		rc = procfd_group_pids(w->g, pids, 8);
		w->bad += rc < 0 && rc != -EBADF;
		intptr_t fd = procfd_group_fd(w->g);
		w->bad += fd < 0 && fd != -EBADF;
		const char *m = procfd_group_mechanism(w->g);
		w->bad += m != NULL && strcmp(m, "cgroup") != 0 && strcmp(m, "pgroup") != 0;
	}
	return NULL;
}

/* Calls from several threads while the group is closed under them: each
 * gets an answer of an open group or -EBADF, and none crashes. */
static void test_calls_racing_close(const char *mechanism)
{
	procfd_group_t *g = new_group(mechanism, PROCFD_GROUP_KILL_ON_CLOSE);
	if (g == NULL)
		return;
	procfd_t *h = NULL;
	CHECK_INT(spawn_sh(&h, "exec sleep 100", NULL, &(procfd_attr_t){.flags = PROCFD_GROUP, .group = g}), 0);
	atomic_int stop = 0;
	struct hammer w[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct hammer){.g = g, .stop = &stop};
		CHECK_INT(pthread_create(&th[i], NULL, hammer_group, &w[i]), 0);
	}
	sleep_ms(50);
	CHECK_INT(procfd_group_close(g), 0);
	atomic_store(&stop, 1);
	for (int i = 0; i < 4; i++) {
		CHECK_INT(pthread_join(th[i], NULL), 0);
		CHECK_INT(w[i].bad, 0);
	}
	if (h != NULL) {
		CHECK_INT(procfd_wait(h, 5000, NULL), 0);
		CHECK_INT(procfd_close(h), 0);
	}
}

/* "pgroup" refuses a child that would leave it at once; "cgroup" holds it. */
static void test_setsid_child(const char *mechanism)
{
	int cgroup = strcmp(mechanism, "cgroup") == 0;
	procfd_group_t *g = new_group(mechanism, PROCFD_GROUP_KILL_ON_CLOSE);
	if (g == NULL)
		return;
	procfd_attr_t attr = {.flags = PROCFD_GROUP | PROCFD_SETSID, .group = g};
	procfd_t *h = NULL;
	int rc = spawn_sh(&h, "exec sleep 100", NULL, &attr);
	CHECK_INT(rc, cgroup ? 0 : -EINVAL);
	attr.flags = PROCFD_GROUP | PROCFD_SETPGID;
	procfd_t *h2 = NULL;
	CHECK_INT(spawn_sh(&h2, "exec sleep 100", NULL, &attr), cgroup ? 0 : -EINVAL);
	if (cgroup) {
		int pids[4];
		CHECK_INT(procfd_group_pids(g, pids, 4), 2);
	} else {
		CHECK_INT(procfd_group_pids(g, NULL, 0), 0);
		CHECK(h == NULL && h2 == NULL);
	}
	CHECK_INT(procfd_group_close(g), 0);
	if (h != NULL) {
		procfd_status_t st;
		CHECK_INT(procfd_wait(h, 5000, &st), 0);
		CHECK_INT(st.signal, SIGKILL);
		CHECK_INT(procfd_close(h), 0);
	}
	if (h2 != NULL) {
		CHECK_INT(procfd_wait(h2, 5000, NULL), 0);
		CHECK_INT(procfd_close(h2), 0);
	}
}

static void test_bad_input(void)
{
	procfd_group_t *g = NULL;
	CHECK_INT(procfd_group_new(NULL, NULL), -EINVAL);
	procfd_group_attr_t attr = {.mechanism = "no-such-mechanism"};
	CHECK_INT(procfd_group_new(&g, &attr), -EINVAL);
	attr = (procfd_group_attr_t){.flags = 1u << 20};
	CHECK_INT(procfd_group_new(&g, &attr), -EINVAL);
	/* The mechanisms of other systems. */
	attr = (procfd_group_attr_t){.mechanism = "job"};
	CHECK_INT(procfd_group_new(&g, &attr), -ENOTSUP);
	attr = (procfd_group_attr_t){.mechanism = "reaper"};
	CHECK_INT(procfd_group_new(&g, &attr), -ENOTSUP);
	CHECK(g == NULL); /* no failure above wrote it */

	CHECK_INT(procfd_group_signal(NULL, SIGTERM), -EINVAL);
	CHECK_INT(procfd_group_wait(NULL, 0), -EINVAL);
	CHECK_INT(procfd_group_fd(NULL), -EINVAL);
	CHECK_INT(procfd_group_pids(NULL, NULL, 0), -EINVAL);
	CHECK_INT(procfd_group_close(NULL), -EINVAL);
	CHECK(procfd_group_mechanism(NULL) == NULL);

	/* Never a group: a garbage pointer, and a process handle. */
	procfd_group_t *garbage = (procfd_group_t *)(uintptr_t)1;
	CHECK_INT(procfd_group_signal(garbage, SIGTERM), -EBADF);
	CHECK_INT(procfd_group_wait(garbage, -1), -EBADF);
	CHECK_INT(procfd_group_close(garbage), -EBADF);
	procfd_t *h = NULL;
	CHECK_INT(spawn_sh(&h, "exec sleep 100", NULL, &(procfd_attr_t){.flags = PROCFD_KILL_ON_CLOSE}), 0);
	procfd_group_t *handle_as_group = (procfd_group_t *)(void *)h;
	CHECK_INT(procfd_group_signal(handle_as_group, SIGKILL), -EBADF);
	CHECK_INT(procfd_group_close(handle_as_group), -EBADF);
	CHECK(procfd_group_mechanism(handle_as_group) == NULL);
	CHECK_INT(procfd_signal(h, 0), 0); /* untouched */

	/* The default group, and its arguments. */
	CHECK_INT(procfd_group_new(&g, NULL), 0);
	if (g != NULL) {
		const char *m = procfd_group_mechanism(g);
		CHECK(m != NULL && (strcmp(m, "cgroup") == 0 || strcmp(m, "pgroup") == 0));
		int pids[2];
		CHECK_INT(procfd_group_pids(g, pids, -1), -EINVAL);
		CHECK_INT(procfd_group_pids(g, NULL, 2), -EINVAL);
		CHECK_INT(procfd_group_signal(g, -1), -EINVAL);
		CHECK_INT(procfd_group_signal(g, 65), -EINVAL);
		/* A handle is not a group either way round. */
		CHECK_INT(procfd_signal((procfd_t *)(void *)g, 0), -EBADF);
		CHECK_INT(procfd_close((procfd_t *)(void *)g), -EBADF);
	}

	/* PROCFD_GROUP without a group; with a garbage one. */
	procfd_t *h2 = NULL;
	CHECK_INT(spawn_sh(&h2, "exit 0", NULL, &(procfd_attr_t){.flags = PROCFD_GROUP}), -EINVAL);
	CHECK_INT(spawn_sh(&h2, "exit 0", NULL, &(procfd_attr_t){.flags = PROCFD_GROUP, .group = garbage}),
	          -EBADF);
	CHECK(h2 == NULL);
	/* A group without the flag is not read. */
	CHECK_INT(spawn_sh(&h2, "exit 0", NULL, &(procfd_attr_t){.group = garbage}), 0);
	if (h2 != NULL) {
		CHECK_INT(procfd_wait(h2, -1, NULL), 0);
		CHECK_INT(procfd_close(h2), 0);
	}
	if (g != NULL)
		CHECK_INT(procfd_group_close(g), 0);
	CHECK_INT(procfd_close(h), 0);
}

/* "cgroup" where one can be made here; say so when not. */
static int have_cgroup(void)
{
	procfd_group_attr_t attr = {.mechanism = "cgroup"};
	procfd_group_t *g = NULL;
	int rc = procfd_group_new(&g, &attr);
	if (rc != 0) {
		printf("no cgroup mechanism here (%s): its tests are skipped\n", procfd_strerror(rc));
		return 0;
	}
	CHECK_INT(procfd_group_close(g), 0);
	return 1;
}

int main(void)
{
	test_bad_input();
	const char *mechanisms[] = {"cgroup", "pgroup"};
	for (size_t i = 0; i < sizeof mechanisms / sizeof mechanisms[0]; i++) {
		if (strcmp(mechanisms[i], "cgroup") == 0 && !have_cgroup())
			continue;
		test_signal_and_wait(mechanisms[i]);
		test_kill_on_close(mechanisms[i]);
		test_close_ends_a_wait(mechanisms[i]);
		test_setsid_child(mechanisms[i]);
		test_calls_racing_close(mechanisms[i]);
	}
	return check_summary();
}
