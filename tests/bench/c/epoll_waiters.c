/* epoll_waiters N PROBES PAUSE CHILD: the C floor of waiting, one thread.
 *
 * Spawns N CHILD children (posix_spawn; reader.c, or /bin/cat) that read
 * one shared pipe to its end, opens
 * a pidfd for each and waits for all of them with one epoll loop, reaping
 * with waitid(P_PIDFD), as an event loop written for the purpose would. It
 * prints, in the same "key value" lines as the Go worker:
 *
 *   threads, rss_kib  while the N children are awaited;
 *   lat_us            PROBES times, one per line: a PAUSE child is spawned
 *                     beside the N, killed with SIGKILL, and the time from
 *                     the kill to the return of its waitid is taken;
 *   release_ms        from closing the pipe's write end (each child then
 *                     reads end of file and exits) to the last reap.
 */
#include "bench.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

/* The epoll tag of the probe; the children are tagged by their pidfd. */
#define PROBE_TAG (-1)

/* What a "Field: N" line of /proc/self/status says. */
static long proc_status(const char *field)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (f == NULL)
		die("/proc/self/status", errno);
	char line[256];
	size_t len = strlen(field);
	long v = -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, field, len) == 0 && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	if (fclose(f) != 0)
		die("/proc/self/status", errno);
	if (v < 0) {
		fprintf(stderr, "no %s in /proc/self/status\n", field);
		exit(2);
	}
	return v;
}

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("getrlimit", errno);
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("setrlimit", errno);
}

static int spawn_pidfd(const char *prog, const posix_spawn_file_actions_t *fa)
{
	char *argv[] = {(char *)prog, NULL};
	pid_t pid;
	int err = posix_spawn(&pid, prog, fa, NULL, argv, environ);
	if (err != 0)
		die("posix_spawn", err);
	int fd = pidfd_open_raw(pid);
	if (fd < 0)
		die("pidfd_open", errno);
	return fd;
}

static void watch(int ep, int fd, int tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = tag};
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		die("epoll_ctl", errno);
}

static int wait_events(int ep, struct epoll_event *evs, int max)
{
	for (;;) {
		int n = epoll_wait(ep, evs, max, -1);
		if (n >= 0)
			return n;
		if (errno != EINTR)
			die("epoll_wait", errno);
	}
}

/* Reaps the child of pidfd fd and says how it ended. */
static int reap(int fd)
{
	siginfo_t si;
	while (waitid(P_PIDFD, (id_t)fd, &si, WEXITED) != 0) {
		if (errno != EINTR)
			die("waitid", errno);
	}
	return si.si_code == CLD_EXITED && si.si_status == 0;
}

static void probe(int ep, const char *pause_prog, const posix_spawn_file_actions_t *fa)
{
	int fd = spawn_pidfd(pause_prog, fa);
	watch(ep, fd, PROBE_TAG);
	/* The Go side gives its waiting goroutine the same time to park. */
	sleep_us(500);
	long long t0 = now_ns();
	if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) != 0)
		die("pidfd_send_signal", errno);
	struct epoll_event ev;
	if (wait_events(ep, &ev, 1) != 1 || ev.data.fd != PROBE_TAG) {
		fprintf(stderr, "a child ended before its release\n");
		exit(2);
	}
	reap(fd);
	long long t1 = now_ns();
	if (close(fd) != 0) /* also takes it out of the epoll set */
		die("close", errno);
	printf("lat_us %.3f\n", (double)(t1 - t0) / 1e3);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s N PROBES PAUSE CHILD\n", argv[0]);
		return 2;
	}
	long n = arg_count(argv[1]), probes = arg_count(argv[2]);
	raise_nofile();

	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		die("pipe2", errno);
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		die("/dev/null", errno);
	posix_spawn_file_actions_t fa;
	int err = posix_spawn_file_actions_init(&fa);
	if (err == 0)
		err = posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	if (err == 0)
		err = posix_spawn_file_actions_adddup2(&fa, devnull, 1);
	if (err == 0)
		err = posix_spawn_file_actions_adddup2(&fa, devnull, 2);
	if (err != 0)
		die("posix_spawn_file_actions", err);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1", errno);

	for (long i = 0; i < n; i++) {
		int fd = spawn_pidfd(argv[4], &fa);
		watch(ep, fd, fd);
	}
	printf("threads %ld\nrss_kib %ld\n", proc_status("Threads"), proc_status("VmRSS"));

	/* The probes get /dev/null as stdin too, and so no pipe of ours. */
	posix_spawn_file_actions_t probe_fa;
	err = posix_spawn_file_actions_init(&probe_fa);
	for (int i = 0; err == 0 && i < 3; i++)
		err = posix_spawn_file_actions_adddup2(&probe_fa, devnull, i);
	if (err != 0)
		die("posix_spawn_file_actions", err);
	for (long i = 0; i < probes; i++)
		probe(ep, argv[3], &probe_fa);

	long long t0 = now_ns();
	if (close(p[1]) != 0)
		die("close", errno);
	struct epoll_event evs[256];
	long reaped = 0, failed = 0;
	while (reaped < n) {
		int k = wait_events(ep, evs, 256);
		for (int i = 0; i < k; i++) {
			int fd = evs[i].data.fd;
			failed += !reap(fd);
			reaped++;
			if (close(fd) != 0)
				die("close", errno);
		}
	}
	long long t1 = now_ns();
	printf("release_ms %.3f\n", (double)(t1 - t0) / 1e6);
	if (failed > 0) {
		fprintf(stderr, "%ld children did not exit 0\n", failed);
		return 2;
	}
	return 0;
}
