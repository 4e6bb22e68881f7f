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
	return time_spawns(argc, argv, spawn_wait);
}
