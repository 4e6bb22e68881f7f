/* posix_spawn_loop PROG N: the 1.0 reference of a spawn. Spawns PROG and
 * waits for it N times, one at a time, after a warm-up that the figure leaves
 * out, and prints "us_per_spawn X". */
#include "bench.h"

#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

static void spawn_wait(const char *prog)
{
	char *argv[] = {(char *)prog, NULL};
	pid_t pid;
	int err = posix_spawn(&pid, prog, NULL, NULL, argv, environ);
	if (err != 0)
		die("posix_spawn", err);
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			die("waitpid", errno);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "%s: status %#x\n", prog, st);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s PROG N\n", argv[0]);
		return 2;
	}
	long n = arg_count(argv[2]);
	for (int i = 0; i < 20; i++)
		spawn_wait(argv[1]);
	long long t0 = now_ns();
	for (long i = 0; i < n; i++)
		spawn_wait(argv[1]);
	long long t1 = now_ns();
	printf("us_per_spawn %.3f\n", (double)(t1 - t0) / 1e3 / (double)n);
	return 0;
}
