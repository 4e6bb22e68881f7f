//go:build unix

/*
 * loadwait.c - loading libprocfd.so returns only once the library has put
 * back the host's RLIMIT_NOFILE.
 *
 * In a c-shared library the Go runtime starts on a thread of its own, from a
 * constructor (_rt0_*_lib), and the loader goes on at once: into the host's
 * main(), or back from dlopen(). The runtime raises the soft RLIMIT_NOFILE
 * as it starts and bind/rlimit.go puts the host's back; a host that set its
 * own limit in between would find it overwritten. So a constructor of ours
 * waits for rlimit.go's init. cgo objects are linked after the runtime's,
 * so this constructor (without a priority) runs after the one that started
 * the runtime; the thread it waits for exists.
 *
 * The wait holds the loader (and, under dlopen, glibc's load lock), which
 * the runtime's start does not need. Should it ever hang regardless, the
 * wait ends after PFD_LOAD_WAIT_S seconds and the load goes on as if there
 * were no wait.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sys/auxv.h>
#include <time.h>

#include "bind.h"

#define PFD_LOAD_WAIT_S 5

/* Statically initialised: the runtime's thread may get to
 * pfd_nofile_restored before this file's constructor runs. */
static pthread_mutex_t restored_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t restored_cv = PTHREAD_COND_INITIALIZER;
static int restored;

int pfd_nofile_restored(void)
{
	pthread_mutex_lock(&restored_mu);
	restored = 1;
	pthread_cond_broadcast(&restored_cv);
	pthread_mutex_unlock(&restored_mu);
	return 0;
}

/* 1 if this code is in a shared object, not in the program: go test builds
 * bind into an executable, where Go's main starts the runtime only after
 * every constructor has returned, and waiting would never end. */
static int in_shared_object(void)
{
	Dl_info self, program;
	unsigned long entry = getauxval(AT_ENTRY);

	if (entry == 0 || dladdr((void *)&in_shared_object, &self) == 0 ||
	    dladdr((void *)entry, &program) == 0)
		return 0;
	return self.dli_fbase != program.dli_fbase;
}

__attribute__((constructor)) static void await_nofile_restored(void)
{
	struct timespec deadline;

	if (!in_shared_object() || clock_gettime(CLOCK_REALTIME, &deadline) != 0)
		return;
	deadline.tv_sec += PFD_LOAD_WAIT_S;
	pthread_mutex_lock(&restored_mu);
	while (!restored)
		if (pthread_cond_timedwait(&restored_cv, &restored_mu, &deadline) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&restored_mu);
}
