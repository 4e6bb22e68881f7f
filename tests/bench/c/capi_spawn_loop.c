/* capi_spawn_loop PROG N: procfd through its C ABI, as a C program uses it.
 * The same loop as posix_spawn_loop.c, with procfd_spawn, procfd_wait and
 * procfd_close; prints "us_per_spawn X". */
#include "bench.h"
#include "procfd.h"

static void spawn_wait(const char *prog)
{
	char *argv[] = {(char *)prog, NULL};
	procfd_t *h;
	int rc = procfd_spawn(&h, prog, argv, NULL, NULL);
	if (rc < 0)
		die("procfd_spawn", -rc);
	procfd_status_t st;
	rc = procfd_wait(h, -1, &st);
	if (rc < 0)
		die("procfd_wait", -rc);
	if (!st.exited || st.code != 0) {
		fprintf(stderr, "%s: exited %d code %d signal %d\n", prog, st.exited, st.code, st.signal);
		exit(2);
	}
	rc = procfd_close(h);
	if (rc < 0)
		die("procfd_close", -rc);
}

int main(int argc, char **argv)
{
	return time_spawns(argc, argv, spawn_wait);
}
