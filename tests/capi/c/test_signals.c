/*
 * The signal state a child starts with: no signal blocked by default,
 * whatever the calling thread blocks; exactly attr->sigmask under
 * PROCFD_SIGMASK; the caller's ignored signals stay ignored unless
 * PROCFD_SIGDEFAULT names them. Read from /proc/<pid>/status of a running
 * sleep, which does not touch its signals.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procfd.h"
#include "check.h"
#include "util.h"

/* Reads SigBlk and SigIgn of pid; 0 on success. */
static int signal_state(int pid, uint64_t *blocked, uint64_t *ignored)
{
	char path[64], line[256];
	unsigned long long v;
	int seen = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "SigBlk: %llx", &v) == 1) {
			*blocked = v;
			seen++;
		} else if (sscanf(line, "SigIgn: %llx", &v) == 1) {
			*ignored = v;
			seen++;
		}
	}
	fclose(f);
	return seen == 2 ? 0 : -1;
}

/* Spawns sleep from a thread that blocks every signal, reads the child's
 * signal state, and kills it. */
static void spawn_and_read(const procfd_attr_t *attr, uint64_t *blocked, uint64_t *ignored)
{
	char *argv[] = {"sleep", "100", NULL};
	sigset_t all, old;
	procfd_t *h = NULL;

	*blocked = *ignored = ~(uint64_t)0;
	sigfillset(&all);
	CHECK_INT(pthread_sigmask(SIG_SETMASK, &all, &old), 0);
	int rc = procfd_spawn(&h, "/bin/sleep", argv, NULL, attr);
	CHECK_INT(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
	CHECK_INT(rc, 0);
	if (rc < 0)
		return;
	CHECK_INT(signal_state(procfd_pid(h), blocked, ignored), 0);
	CHECK_INT(procfd_signal(h, SIGKILL), 0);
	procfd_status_t st = {0};
	CHECK_INT(procfd_wait(h, -1, &st), 0);
	CHECK_INT(st.signal, SIGKILL);
	CHECK_INT(procfd_close(h), 0);
}

static void test_default(void)
{
	uint64_t blocked, ignored;

	spawn_and_read(NULL, &blocked, &ignored);
	CHECK_INT(blocked, 0);
	CHECK(ignored & PROCFD_SIGBIT(SIGPIPE));
	CHECK(ignored & PROCFD_SIGBIT(SIGUSR2));

	procfd_attr_t zero;
	memset(&zero, 0, sizeof(zero));
	spawn_and_read(&zero, &blocked, &ignored);
	CHECK_INT(blocked, 0);
	CHECK(ignored & PROCFD_SIGBIT(SIGPIPE));
}

static void test_sigmask_and_sigdefault(void)
{
	uint64_t blocked, ignored;
	procfd_attr_t attr = {
		.flags = PROCFD_SIGMASK | PROCFD_SIGDEFAULT,
		.sigmask = PROCFD_SIGBIT(SIGUSR1) | PROCFD_SIGBIT(SIGTERM) | PROCFD_SIGBIT(40),
		.sigdefault = PROCFD_SIGBIT(SIGPIPE) | PROCFD_SIGBIT(SIGKILL) | PROCFD_SIGBIT(64),
	};

	spawn_and_read(&attr, &blocked, &ignored);
	CHECK_INT(blocked, attr.sigmask);
	CHECK_INT(ignored & PROCFD_SIGBIT(SIGPIPE), 0);
	CHECK(ignored & PROCFD_SIGBIT(SIGUSR2));

	/* The fields count only under their flags. */
	attr.flags = 0;
	spawn_and_read(&attr, &blocked, &ignored);
	CHECK_INT(blocked, 0);
	CHECK(ignored & PROCFD_SIGBIT(SIGPIPE));

	/* SIGKILL and SIGSTOP cannot be blocked: the kernel drops them. */
	attr.flags = PROCFD_SIGMASK;
	attr.sigmask = PROCFD_SIGBIT(SIGKILL) | PROCFD_SIGBIT(SIGSTOP) | PROCFD_SIGBIT(SIGHUP);
	spawn_and_read(&attr, &blocked, &ignored);
	CHECK_INT(blocked, PROCFD_SIGBIT(SIGHUP));
}

/*
 * Run in a copy of this program started with SIGPIPE ignored, so that it
 * was ignored when the library was loaded and its Go runtime has caught it
 * since, on the host's behalf: the children still have it ignored.
 */
static void test_sigpipe_ignored_at_load(void)
{
	uint64_t blocked, ignored;
	struct sigaction sa;

	CHECK_INT(sigaction(SIGPIPE, NULL, &sa), 0);
	CHECK(sa.sa_handler != SIG_IGN); /* the runtime's handler */
	spawn_and_read(NULL, &blocked, &ignored);
	CHECK(ignored & PROCFD_SIGBIT(SIGPIPE));
	procfd_attr_t attr = {.flags = PROCFD_SIGDEFAULT, .sigdefault = PROCFD_SIGBIT(SIGPIPE)};
	spawn_and_read(&attr, &blocked, &ignored);
	CHECK_INT(ignored & PROCFD_SIGBIT(SIGPIPE), 0);
}

static void run_copy_loaded_ignoring_sigpipe(void)
{
	char *argv[] = {"test_signals", "loaded-ignoring-sigpipe", NULL};
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	CHECK(devnull >= 0);
	int fds[] = {0, devnull, 2}; /* its summary line is not ours */
	procfd_attr_t attr = {.fds = fds, .nfds = 3};
	procfd_t *h = NULL;
	procfd_status_t st = {0};

	/* This process ignores SIGPIPE (main set it): the copy inherits that. */
	CHECK_INT(procfd_spawn(&h, "/proc/self/exe", argv, NULL, &attr), 0);
	if (h) {
		CHECK_INT(procfd_wait(h, -1, &st), 0);
		CHECK_INT(st.exited, 1);
		CHECK_INT(st.code, 0);
		CHECK_INT(procfd_close(h), 0);
	}
	CHECK_INT(close(devnull), 0);
}

int main(int argc, char **argv)
{
	struct sigaction ign;

	if (argc > 1 && strcmp(argv[1], "loaded-ignoring-sigpipe") == 0) {
		test_sigpipe_ignored_at_load();
		return check_summary();
	}

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	CHECK_INT(sigaction(SIGPIPE, &ign, NULL), 0);
	CHECK_INT(sigaction(SIGUSR2, &ign, NULL), 0);

	test_default();
	test_sigmask_and_sigdefault();
	run_copy_loaded_ignoring_sigpipe();
	return check_summary();
}
