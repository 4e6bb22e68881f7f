//go:build unix

/*
 * The RLIMIT_NOFILE this process started with. The Go runtime raises the
 * soft limit to the hard one when it starts; os/exec gives its children the
 * original back, so that a program written for the usual 1024 (select(2)
 * and its fd_set) is not handed a limit in the millions, and procfd does
 * the same. A constructor runs when the program or library is loaded,
 * before the runtime's package initialisation.
 */
#include "pfd_internal.h"

#include <sys/resource.h>

static struct rlimit startup_nofile;
static int have_startup_nofile;

/* Priority 101, the first one free to programs: the linker puts it ahead of
 * every constructor without one, the Go runtime's among them. In a c-shared
 * library the runtime starts its initialisation, the raise included, on a
 * thread of its own from that constructor, so this must come first. */
__attribute__((constructor(101))) static void record_startup_nofile(void)
{
	/* No limit to restore if this fails: the child keeps the caller's. */
	have_startup_nofile = getrlimit(RLIMIT_NOFILE, &startup_nofile) == 0;
}

int pfd_raised_nofile(struct rlimit *startup)
{
	struct rlimit now;

	if (!have_startup_nofile || getrlimit(RLIMIT_NOFILE, &now) < 0)
		return 0;
	/* The runtime raises the soft limit to one below the hard one, to tell
	 * its own raise from others (syscall/rlimit.go): any other value, or a
	 * new hard limit, is a change the program made, and stays. */
	if (now.rlim_max != startup_nofile.rlim_max || now.rlim_max == RLIM_INFINITY ||
	    now.rlim_cur != now.rlim_max - 1 || now.rlim_cur <= startup_nofile.rlim_cur)
		return 0;
	*startup = startup_nofile;
	return 1;
}

int pfd_take_raised_nofile(struct rlimit *startup)
{
	int raised = pfd_raised_nofile(startup);

	have_startup_nofile = 0;
	return raised;
}
