/*
 * A host with a SIGCHLD handler of its own, installed before its first
 * procfd call, as a C program or an interpreter sets one up at start. procfd
 * must leave that handler in place and still collect every status, whatever
 * the backend: the handler goes on running for the children procfd starts,
 * and a child whose own child holds on to its descriptors is still seen to
 * end.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "procfd.h"
#include "check.h"
#include "util.h"

static atomic_int host_sigchlds;

/* The host's handler only counts: it reaps nothing, so procfd keeps every
 * status to itself. */
static void host_handler(int sig)
{
	(void)sig;
	atomic_fetch_add(&host_sigchlds, 1);
}

static int handler_in_place(void)
{
	struct sigaction sa;
	return sigaction(SIGCHLD, NULL, &sa) == 0 && sa.sa_handler == host_handler;
}

static void test_handler_stays(void)
{
	int before = atomic_load(&host_sigchlds);
	procfd_t *h = NULL;
	CHECK_INT(spawn_sh(&h, "exit 3", NULL, NULL), 0);
	procfd_status_t st = {0};
	CHECK_INT(procfd_wait(h, -1, &st), 0);
	CHECK_INT(st.exited, 1);
	CHECK_INT(st.code, 3);
	CHECK_INT(procfd_close(h), 0);
	CHECK(handler_in_place());
	/* The kernel queued SIGCHLD before the status was collectable; the
	 * handler may still be about to run, on another thread. */
	for (int i = 0; i < 1000 && atomic_load(&host_sigchlds) == before; i++)
		sleep_ms(1);
	CHECK(atomic_load(&host_sigchlds) > before);
}

/*
 * The child exits at once, leaving behind a cat that holds every descriptor
 * the child had (on the pipe backend, the death pipe's write end too) and
 * lives until the test closes the pipe that is its stdin. The wait must end
 * with the child, not with the cat: its timeout is a bound on a hang, not a
 * measure of speed.
 */
static void test_descendant_holds_descriptors(void)
{
	int in[2];
	CHECK_INT(pipe(in), 0);
	int fds[] = {in[0], 1, 2};
	procfd_attr_t attr = {.fds = fds, .nfds = 3};
	procfd_t *h = NULL;
	CHECK_INT(spawn_sh(&h, "cat >/dev/null & exit 5", NULL, &attr), 0);
	CHECK_INT(close(in[0]), 0);
	procfd_status_t st = {0};
	CHECK_INT(procfd_wait(h, 60 * 1000, &st), 0);
	CHECK_INT(st.exited, 1);
	CHECK_INT(st.code, 5);
	CHECK_INT(procfd_close(h), 0);
	CHECK_INT(close(in[1]), 0); /* the cat ends */
	CHECK(handler_in_place());
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = host_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) != 0)
		return 2;

	test_handler_stays();
	test_descendant_holds_descriptors();
	return check_summary();
}
