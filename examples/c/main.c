/*
 * A C program that owns its processes through libprocfd: exit statuses,
 * a bounded wait, a kill, an exit callback, and an event loop of its own
 * (poll(2) on the handles) waiting for several processes at once.
 *
 * ./build.sh builds and runs it; by hand, after ./build.sh:
 *   cc -Ibuild/include examples/c/main.c -Lbuild/lib -lprocfd -Wl,-rpath,build/lib
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <procfd.h>

static procfd_t *start(const char *script, const procfd_attr_t *attr)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	procfd_t *h;
	int rc = procfd_spawn(&h, "/bin/sh", argv, NULL, attr);
	if (rc < 0) {
		fprintf(stderr, "procfd_spawn %s: %s\n", script, procfd_strerror(rc));
		exit(1);
	}
	return h;
}

static void describe(const char *what, const procfd_status_t *st)
{
	if (st->exited)
		printf("%s: pid %d exited with %d\n", what, st->pid, st->code);
	else
		printf("%s: pid %d killed by signal %d%s\n", what, st->pid, st->signal,
		       st->core_dumped ? " (core dumped)" : "");
}

/* Runs on a library thread: it only passes the news on, through a pipe. */
static void on_exit_cb(procfd_t *h, const procfd_status_t *st, void *arg)
{
	int fd = *(int *)arg;
	int code = st ? st->code : -1;
	if (write(fd, &code, sizeof code) != (ssize_t)sizeof code)
		perror("write");
	procfd_close(h); /* nobody else needs the handle */
}

int main(void)
{
	printf("libprocfd %s, default backend %s\n", procfd_version(), procfd_default_backend());

	const char *backends[] = {"pidfd", "pipe"};
	for (int i = 0; i < 2; i++) {
		procfd_attr_t attr = {.backend = backends[i]};
		char *argv[] = {"sh", "-c", "exit 3", NULL};
		procfd_t *h;
		int rc = procfd_spawn(&h, "/bin/sh", argv, NULL, &attr);
		if (rc < 0) {
			printf("%-5s  not here: %s\n", backends[i], procfd_strerror(rc));
			continue;
		}
		procfd_status_t st;
		procfd_wait(h, -1, &st);
		describe(procfd_backend(h), &st);
		procfd_close(h);
	}

	/* A bounded wait leaves the process ours to kill. */
	procfd_t *h = start("exec sleep 60", NULL);
	procfd_status_t st;
	int rc = procfd_wait(h, 50, &st);
	printf("sleep 60, waited 50 ms: %s\n", procfd_strerror(rc));
	procfd_signal(h, SIGKILL);
	procfd_wait(h, -1, &st);
	describe("after SIGKILL", &st);
	printf("signal after the reap: %s\n", procfd_strerror(procfd_signal(h, SIGTERM)));
	procfd_close(h);

	/* An exit callback, relayed to this thread through a pipe. */
	int p[2];
	if (pipe(p) != 0)
		return 1;
	h = start("exit 5", NULL);
	procfd_on_exit(h, on_exit_cb, &p[1]);
	int code;
	if (read(p[0], &code, sizeof code) == (ssize_t)sizeof code)
		printf("on_exit callback: exit code %d\n", code);
	close(p[0]);
	close(p[1]);

	/* Our own event loop: poll the handles, collect whoever is done. */
	enum { N = 4 };
	procfd_t *hs[N];
	struct pollfd pfds[N];
	for (int i = 0; i < N; i++) {
		char script[64];
		snprintf(script, sizeof script, "sleep 0.%d; exit %d", N - i, i);
		hs[i] = start(script, NULL);
		pfds[i] = (struct pollfd){.fd = (int)procfd_fd(hs[i]), .events = POLLIN};
	}
	for (int left = N; left > 0;) {
		if (poll(pfds, N, -1) < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < N; i++) {
			if (pfds[i].fd < 0 || !(pfds[i].revents & (POLLIN | POLLHUP)))
				continue;
			/* Readable: ended. A moment may pass before the status is in. */
			if (procfd_wait(hs[i], 0, &st) == -ETIMEDOUT)
				continue;
			describe("poll loop", &st);
			procfd_close(hs[i]);
			pfds[i].fd = -1;
			left--;
		}
	}

	char *argv[] = {"prog", NULL};
	rc = procfd_spawn(&h, "/no/such/prog", argv, NULL, NULL);
	printf("missing program: %s\n", procfd_strerror(rc));
	return 0;
}
