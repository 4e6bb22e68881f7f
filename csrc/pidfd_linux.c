/*
 * Raw pidfd system calls. They go through syscall(2) rather than libc
 * wrappers so that procfd builds with any libc (glibc < 2.36 and musl have
 * no pidfd_open), and waitid goes raw to get the child's rusage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clone, pipe2, F_DUPFD_CLOEXEC */
#endif
#include "pfd_internal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* The first version of struct pidfd_info (PIDFD_INFO_SIZE_VER0, Linux 6.13);
 * the kernel accepts any size from this one up and fills what it knows. */
struct pfd_pidfd_info {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};
#define PFD_PIDFS_IOCTL_MAGIC 0xFF
#define PFD_PIDFD_GET_INFO _IOWR(PFD_PIDFS_IOCTL_MAGIC, 11, struct pfd_pidfd_info)
#define PFD_PIDFD_INFO_EXIT 0x08u

int pfd_pidfd_open(int pid, unsigned int flags)
{
	long fd = syscall(SYS_pidfd_open, pid, flags);
	return fd < 0 ? -errno : (int)fd;
}

int pfd_pidfd_send_signal(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

/* A wait(2) status word from waitid's siginfo, so that one decoder serves
 * waitid and PIDFD_INFO_EXIT (which already stores a status word). */
static int wait_status_from_siginfo(const siginfo_t *info)
{
	switch (info->si_code) {
	case CLD_EXITED:
		return (info->si_status & 0xff) << 8;
	case CLD_DUMPED:
		return (info->si_status & 0x7f) | 0x80;
	default: /* CLD_KILLED */
		return info->si_status & 0x7f;
	}
}

int pfd_waitid(int idtype, int id, int options, int *pid, int *wstatus, struct rusage *ru)
{
	siginfo_t info;
	long r;

	memset(&info, 0, sizeof(info));
	do
		r = syscall(SYS_waitid, idtype, id, &info, options, ru);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	*pid = info.si_pid; /* 0 under WNOHANG while the child runs */
	*wstatus = info.si_pid ? wait_status_from_siginfo(&info) : 0;
	return 0;
}

int pfd_pidfd_exit_status(int pidfd, int *wstatus)
{
	struct pfd_pidfd_info info;

	memset(&info, 0, sizeof(info));
	info.mask = PFD_PIDFD_INFO_EXIT;
	if (ioctl(pidfd, PFD_PIDFD_GET_INFO, &info) < 0) {
		/* ENOTTY/EINVAL: no PIDFD_GET_INFO (ENOSYS from qemu-user, which
		 * passes no ioctl it does not know on); ESRCH: reaped, no exit
		 * info kept */
		if (errno == ENOTTY || errno == EINVAL || errno == ENOSYS || errno == ESRCH)
			return 0;
		return -errno;
	}
	if (!(info.mask & PFD_PIDFD_INFO_EXIT))
		return 0;
	*wstatus = info.exit_code;
	return 1;
}

static int probe_child(void *arg)
{
	(void)arg;
	_exit(0);
}

int pfd_probe_pidfd(const char **failed_call)
{
	char stack[4096] __attribute__((aligned(16)));
	int self, child_fd, pid, status, r;

	*failed_call = "pidfd_open";
	self = pfd_pidfd_open(getpid(), 0);
	if (self < 0)
		return self;

	/* We are not our own child: a working waitid(P_PIDFD) says ECHILD;
	 * a kernel without P_PIDFD (5.3) says EINVAL. */
	*failed_call = "waitid";
	r = pfd_waitid(PFD_P_PIDFD, self, WEXITED | WNOHANG, &pid, &status, NULL);
	if (r != -ECHILD) {
		(void)close(self);
		return r < 0 ? r : -EINVAL;
	}

	*failed_call = "pidfd_send_signal";
	r = pfd_pidfd_send_signal(self, 0);
	(void)close(self);
	if (r < 0)
		return r;

	*failed_call = "clone";
	pid = pfd_clone_vfork(1, -1, probe_child, NULL, stack, sizeof(stack), &child_fd);
	if (pid < 0)
		return pid;
	if (child_fd < 0) /* clone ignored CLONE_PIDFD (an emulator, say) */
		r = pfd_waitid(PFD_P_PID, pid, WEXITED, &pid, &status, NULL);
	else
		r = pfd_waitid(PFD_P_PIDFD, child_fd, WEXITED, &pid, &status, NULL);
	if (child_fd >= 0)
		(void)close(child_fd);
	/* ECHILD with a pidfd: SIGCHLD is ignored and the kernel reaped the
	 * child itself. The pidfd worked, and is needed most in exactly that
	 * case (PIDFD_INFO_EXIT keeps the status). */
	if (r < 0 && !(r == -ECHILD && child_fd >= 0))
		return r;
	if (child_fd < 0)
		return -ENOSYS;
	*failed_call = NULL;
	return 0;
}
