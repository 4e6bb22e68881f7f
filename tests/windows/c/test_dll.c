/*
 * test_dll.c - procfd.dll under Windows (run under Wine here): what
 * include/procfd.h promises on the handle backend, and where Windows
 * differs, what the header says instead.
 *
 * Usage: test_dll.exe, with procfd.dll and test_dll_child.exe (built from
 * test_dll_child.c) beside it.
 * It prints one line per check and "N passed, N failed"; the exit status
 * is 0 only if every check passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "procfd.h"
#include "check.h"
#include "test_dll_child.h"

#define SIG_KILL 9  /* Windows' <signal.h> has no SIGKILL */
#define SIG_TERM 15

static char child_exe[MAX_PATH]; /* absolute path of test_dll_child.exe */
static char exe_dir[MAX_PATH];   /* the directory of both */
static const char *cmd_exe = "C:\\windows\\system32\\cmd.exe";

static void find_paths(void)
{
	DWORD n = GetModuleFileNameA(NULL, exe_dir, sizeof exe_dir);
	char *slash;

	if (n == 0 || n >= sizeof exe_dir) {
		fprintf(stderr, "GetModuleFileNameA failed\n");
		exit(2);
	}
	slash = strrchr(exe_dir, '\\');
	if (slash != NULL)
		*slash = '\0';
	snprintf(child_exe, sizeof child_exe, "%s\\test_dll_child.exe", exe_dir);
}

/* under_wine: Wine's ntdll has wine_get_version; Windows' has not. */
static int under_wine(void)
{
	HMODULE ntdll = GetModuleHandleA("ntdll.dll");
	return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

/*
 * spawn is procfd_spawn for a start that must succeed. Under Wine,
 * CreateProcessW now and then answers ERROR_INTERNAL_ERROR, which the
 * library gives as -EIO: the new process died in Wine's own start-up (see
 * tests/internal/winhost). Then, and only under Wine, it spawns again, at
 * most twice, each time said on stdout.
 */
static int spawn(procfd_t **h, const char *path, char *const argv[], char *const envp[],
                 const procfd_attr_t *attr)
{
	int rc = procfd_spawn(h, path, argv, envp, attr);
	for (int retry = 0; retry < 2 && rc == -EIO && under_wine(); retry++) {
		printf("     Wine: spawn %s answered %d (%s), spawning again\n", path, rc, procfd_strerror(rc));
		rc = procfd_spawn(h, path, argv, envp, attr);
	}
	return rc;
}

/* spawn_child runs test_dll_child.exe with up to two arguments. */
static int spawn_child(procfd_t **h, const procfd_attr_t *attr, const char *mode, const char *arg)
{
	char *argv[] = {"test_dll_child.exe", (char *)mode, (char *)arg, NULL};
	return spawn(h, child_exe, argv, NULL, attr);
}

static void test_library(void)
{
	char want[32];

	snprintf(want, sizeof want, "%d.%d.%d", PROCFD_VERSION_MAJOR, PROCFD_VERSION_MINOR,
	         PROCFD_VERSION_PATCH);
	CHECK(strcmp(procfd_version(), want) == 0);
	CHECK(strcmp(procfd_default_backend(), "handle") == 0);
}

static void test_exit_code(void)
{
	char *argv[] = {"cmd.exe", "/c", "exit 3", NULL};
	procfd_status_t st = {0};
	procfd_t *h = NULL;

	CHECK_INT(spawn(&h, cmd_exe, argv, NULL, NULL), 0);
	if (h == NULL)
		return;
	CHECK(strcmp(procfd_backend(h), "handle") == 0);
	int pid = procfd_pid(h);
	CHECK(pid > 0);
	CHECK_INT(procfd_wait(h, -1, &st), 0);
	CHECK_INT(st.pid, pid);
	CHECK_INT(st.exited, 1);
	CHECK_INT(st.code, 3);
	CHECK_INT(st.signal, 0);
	CHECK_INT(st.core_dumped, 0);
	/* The same status to every later wait. */
	procfd_status_t again = {0};
	CHECK_INT(procfd_wait(h, 0, &again), 0);
	CHECK_INT(again.code, 3);
	CHECK_INT(procfd_close(h), 0);

	/* test_dll_child.exe's own exit code, a large one too. */
	CHECK_INT(spawn_child(&h, NULL, "exit", "200"), 0);
	CHECK_INT(procfd_wait(h, -1, &st), 0);
	CHECK_INT(st.code, 200);
	CHECK_INT(procfd_close(h), 0);
}

static void test_search_path(void)
{
	char *argv[] = {"cmd", "/c", "exit 4", NULL};
	procfd_attr_t attr = {.flags = PROCFD_SEARCH_PATH};
	procfd_status_t st = {0};
	procfd_t *h = NULL;

	/* "cmd" is C:\windows\system32\cmd.exe, found with .exe appended. */
	CHECK_INT(spawn(&h, "cmd", argv, NULL, &attr), 0);
	if (h != NULL) {
		CHECK_INT(procfd_wait(h, -1, &st), 0);
		CHECK_INT(st.code, 4);
		CHECK_INT(procfd_close(h), 0);
	}
	/* PATH as it is at the call; "test_dll_child" is test_dll_child.exe. */
	char old_path[32768];
	DWORD n = GetEnvironmentVariableA("PATH", old_path, sizeof old_path);
	char *child_argv[] = {"test_dll_child", "exit", "8", NULL};
	SetEnvironmentVariableA("PATH", exe_dir);
	h = NULL;
	CHECK_INT(spawn(&h, "test_dll_child", child_argv, NULL, &attr), 0);
	if (h != NULL) {
		CHECK_INT(procfd_wait(h, -1, &st), 0);
		CHECK_INT(st.code, 8);
		CHECK_INT(procfd_close(h), 0);
	}
	CHECK_INT(procfd_spawn(&h, "cmd", argv, NULL, &attr), -ENOENT);
	SetEnvironmentVariableA("PATH", n > 0 && n < sizeof old_path ? old_path : NULL);
	h = NULL;
	CHECK_INT(procfd_spawn(&h, "procfd-no-such-program", argv, NULL, &attr), -ENOENT);
	/* Without the flag a bare name is a path in the working directory
	 * (C:\ here): no cmd there. */
	CHECK_INT(procfd_spawn(&h, "cmd.exe", argv, NULL, NULL), -ENOENT);
	CHECK(h == NULL);
}

static void test_spawn_errors(void)
{
	char *argv[] = {"x", NULL};
	char *empty[] = {NULL};
	procfd_t *h = NULL;

	CHECK_INT(procfd_spawn(&h, "C:\\procfd-no-such-dir\\x.exe", argv, NULL, NULL), -ENOENT);
	CHECK_INT(procfd_spawn(&h, "C:\\procfd-no-such-file.exe", argv, NULL, NULL), -ENOENT);
	CHECK_INT(procfd_spawn(NULL, child_exe, argv, NULL, NULL), -EINVAL);
	CHECK_INT(procfd_spawn(&h, NULL, argv, NULL, NULL), -EINVAL);
	CHECK_INT(procfd_spawn(&h, child_exe, NULL, NULL, NULL), -EINVAL);
	CHECK_INT(procfd_spawn(&h, child_exe, empty, NULL, NULL), -EINVAL);

	/* What Windows cannot do. */
	procfd_attr_t attr = {.flags = PROCFD_SETSID};
	CHECK_INT(procfd_spawn(&h, child_exe, argv, NULL, &attr), -ENOTSUP);
	attr.flags = PROCFD_SETPGID;
	CHECK_INT(procfd_spawn(&h, child_exe, argv, NULL, &attr), -ENOTSUP);
	attr = (procfd_attr_t){.flags = PROCFD_SIGDEFAULT, .sigdefault = PROCFD_SIGBIT(SIG_TERM)};
	CHECK_INT(procfd_spawn(&h, child_exe, argv, NULL, &attr), -ENOTSUP);
	attr = (procfd_attr_t){.flags = PROCFD_SIGMASK, .sigmask = PROCFD_SIGBIT(SIG_TERM)};
	CHECK_INT(procfd_spawn(&h, child_exe, argv, NULL, &attr), -ENOTSUP);
	attr = (procfd_attr_t){.backend = "pidfd"};
	CHECK_INT(procfd_spawn(&h, child_exe, argv, NULL, &attr), -ENOTSUP);
	attr = (procfd_attr_t){.backend = "no-such-backend"};
	CHECK_INT(procfd_spawn(&h, child_exe, argv, NULL, &attr), -EINVAL);
	attr = (procfd_attr_t){.flags = 1u << 20};
	CHECK_INT(procfd_spawn(&h, child_exe, argv, NULL, &attr), -EINVAL);

	/* At most 3 descriptors; each open or -1. */
	int four[] = {0, 1, 2, -1};
	attr = (procfd_attr_t){.fds = four, .nfds = 4};
	CHECK_INT(procfd_spawn(&h, child_exe, argv, NULL, &attr), -EINVAL);
	int not_open[] = {0, 1234};
	attr = (procfd_attr_t){.fds = not_open, .nfds = 2};
	CHECK_INT(procfd_spawn(&h, child_exe, argv, NULL, &attr), -EBADF);
	int negative[] = {-2};
	attr = (procfd_attr_t){.fds = negative, .nfds = 1};
	CHECK_INT(procfd_spawn(&h, child_exe, argv, NULL, &attr), -EBADF);

	/* A working directory that does not exist. */
	attr = (procfd_attr_t){.dir = "C:\\procfd-no-such-dir"};
	int rc = procfd_spawn(&h, child_exe, argv, NULL, &attr);
	printf("     missing attr->dir: %d (%s)\n", rc, procfd_strerror(rc));
	CHECK(rc == -ENOENT || rc == -ENOTDIR);
	CHECK(h == NULL); /* no failure above wrote it */
}

static void test_kill_and_timeout(void)
{
	procfd_status_t st = {.code = 12345};
	procfd_t *h = NULL;

	CHECK_INT(spawn_child(&h, NULL, "sleep", "60000"), 0);
	if (h == NULL)
		return;
	CHECK_INT(procfd_wait(h, 100, &st), -ETIMEDOUT);
	CHECK_INT(st.code, 12345); /* untouched */
	CHECK_INT(procfd_wait(h, 0, &st), -ETIMEDOUT);
	CHECK_INT(procfd_signal(h, 0), 0);
	CHECK_INT(procfd_signal(h, SIG_TERM), -ENOTSUP);
	CHECK_INT(procfd_signal(h, 2), -ENOTSUP);
	CHECK_INT(procfd_signal(h, 65), -EINVAL);
	CHECK_INT(procfd_signal(h, -1), -EINVAL);

	intptr_t fd = procfd_fd(h);
	CHECK(fd > 0);
	HANDLE proc = (HANDLE)fd;
	CHECK_INT(WaitForSingleObject(proc, 0), WAIT_TIMEOUT);
	CHECK_INT(procfd_signal(h, SIG_KILL), 0);
	CHECK_INT(WaitForSingleObject(proc, 10000), WAIT_OBJECT_0);
	/* Signalled: a look collects the status. */
	CHECK_INT(procfd_wait(h, 0, &st), 0);
	CHECK_INT(st.exited, 1);
	CHECK_INT(st.code, 1);
	CHECK_INT(st.signal, 0);
	CHECK_INT(procfd_signal(h, 0), -ESRCH);
	CHECK_INT(procfd_signal(h, SIG_KILL), -ESRCH);
	CHECK_INT(procfd_fd(h), fd); /* the same HANDLE until close */
	CHECK_INT(procfd_close(h), 0);
}

static void test_closed_handle(void)
{
	procfd_status_t st;
	procfd_t *h = NULL;

	CHECK_INT(spawn_child(&h, NULL, "exit", "0"), 0);
	if (h == NULL)
		return;
	CHECK_INT(procfd_close(h), 0);
	CHECK_INT(procfd_close(h), -EBADF);
	CHECK_INT(procfd_pid(h), -EBADF);
	CHECK_INT(procfd_fd(h), -EBADF);
	CHECK_INT(procfd_wait(h, 0, &st), -EBADF);
	CHECK_INT(procfd_signal(h, 0), -EBADF);
	CHECK(procfd_backend(h) == NULL);
	CHECK_INT(procfd_pid(NULL), -EINVAL);
	CHECK_INT(procfd_close(NULL), -EINVAL);
	CHECK_INT(procfd_wait(NULL, 0, NULL), -EINVAL);
	CHECK_INT(procfd_pid((procfd_t *)1), -EBADF);
}

/* A process the library did not start: CreateProcessA's own. */
static void test_open(void)
{
	char cmdline[MAX_PATH + 32];
	STARTUPINFOA si = {.cb = sizeof si};
	PROCESS_INFORMATION pi;
	procfd_status_t st = {0};
	procfd_t *h = NULL;

	snprintf(cmdline, sizeof cmdline, "\"%s\" sleep 60000", child_exe);
	if (!CreateProcessA(child_exe, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
		CHECK(!"CreateProcessA");
		return;
	}
	CloseHandle(pi.hThread);
	CHECK_INT(procfd_open(&h, (int)pi.dwProcessId), 0);
	if (h != NULL) {
		CHECK_INT(procfd_pid(h), pi.dwProcessId);
		CHECK(strcmp(procfd_backend(h), "handle") == 0);
		CHECK_INT(procfd_wait(h, 100, &st), -ETIMEDOUT);
		CHECK_INT(procfd_signal(h, 0), 0);
		CHECK(TerminateProcess(pi.hProcess, 7));
		CHECK_INT(procfd_wait(h, 10000, &st), 0);
		CHECK_INT(st.exited, 1);
		CHECK_INT(st.code, 7); /* the true status, not -ENODATA */
		CHECK_INT(procfd_close(h), 0);
	}
	CloseHandle(pi.hProcess);

	/* And killing it through procfd. */
	if (CreateProcessA(child_exe, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
		DWORD code = 0;
		CloseHandle(pi.hThread);
		h = NULL;
		CHECK_INT(procfd_open(&h, (int)pi.dwProcessId), 0);
		if (h != NULL) {
			CHECK_INT(procfd_signal(h, SIG_KILL), 0);
			CHECK_INT(procfd_wait(h, 10000, &st), 0);
			CHECK_INT(st.code, 1);
			CHECK_INT(procfd_close(h), 0);
		}
		CHECK_INT(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
		CHECK(GetExitCodeProcess(pi.hProcess, &code));
		CHECK_INT(code, 1);
		CloseHandle(pi.hProcess);
	}

	h = NULL;
	CHECK_INT(procfd_open(&h, 0), -EINVAL);
	CHECK_INT(procfd_open(&h, -5), -EINVAL);
	CHECK_INT(procfd_open(NULL, (int)GetCurrentProcessId()), -EINVAL);
	/* Process ids are multiples of 4: this one names nobody. */
	CHECK_INT(procfd_open(&h, 0x7ffffffd), -ESRCH);
	CHECK(h == NULL);
}

struct exit_seen {
	atomic_int calls;
	atomic_int code;
	atomic_int exited;
	atomic_int other_thread;
	DWORD caller_thread;
	HANDLE event;
};

static void on_exit_cb(procfd_t *h, const procfd_status_t *st, void *arg)
{
	struct exit_seen *seen = arg;

	(void)h;
	if (st != NULL) {
		atomic_store(&seen->code, st->code);
		atomic_store(&seen->exited, st->exited);
	}
	atomic_store(&seen->other_thread, GetCurrentThreadId() != seen->caller_thread);
	atomic_fetch_add(&seen->calls, 1);
	SetEvent(seen->event);
}

static void test_on_exit(void)
{
	struct exit_seen seen = {.code = -1, .caller_thread = GetCurrentThreadId()};
	procfd_status_t st = {0};
	procfd_t *h = NULL;

	seen.event = CreateEventA(NULL, TRUE, FALSE, NULL);
	CHECK_INT(spawn_child(&h, NULL, "exit", "5"), 0);
	if (h == NULL)
		return;
	CHECK_INT(procfd_on_exit(h, on_exit_cb, &seen), 0);
	CHECK_INT(procfd_on_exit(h, NULL, &seen), -EINVAL);
	CHECK_INT(WaitForSingleObject(seen.event, 10000), WAIT_OBJECT_0);
	Sleep(200); /* room for a second call, which must not come */
	CHECK_INT(atomic_load(&seen.calls), 1);
	CHECK_INT(atomic_load(&seen.code), 5);
	CHECK_INT(atomic_load(&seen.exited), 1);
	CHECK_INT(atomic_load(&seen.other_thread), 1);
	CHECK_INT(procfd_wait(h, 0, &st), 0);
	CHECK_INT(st.code, 5);
	CHECK_INT(procfd_close(h), 0);

	/* Closed before the process ends: the callback still comes, once. */
	struct exit_seen later = {.code = -1, .caller_thread = GetCurrentThreadId()};
	later.event = CreateEventA(NULL, TRUE, FALSE, NULL);
	h = NULL;
	CHECK_INT(spawn_child(&h, NULL, "sleep", "300"), 0);
	if (h != NULL) {
		CHECK_INT(procfd_on_exit(h, on_exit_cb, &later), 0);
		CHECK_INT(procfd_close(h), 0);
		CHECK_INT(procfd_pid(h), -EBADF);
		CHECK_INT(WaitForSingleObject(later.event, 10000), WAIT_OBJECT_0);
		Sleep(200);
		CHECK_INT(atomic_load(&later.calls), 1);
		CHECK_INT(atomic_load(&later.code), 0);
	}
	CloseHandle(seen.event);
	CloseHandle(later.event);
}

/* Reads fd to its end into buf (NUL-terminated); the byte count or -1. */
static int read_all(int fd, char *buf, int len)
{
	int n = 0, r;

	while (n < len - 1 && (r = _read(fd, buf + n, (unsigned)(len - 1 - n))) > 0)
		n += r;
	buf[n] = '\0';
	return r < 0 ? -1 : n;
}

static void test_stdout_pipe(void)
{
	int p[2];
	char buf[256];
	procfd_status_t st = {0};
	procfd_t *h = NULL;

	if (_pipe(p, 4096, _O_BINARY) != 0) {
		CHECK(!"_pipe");
		return;
	}
	int fds[] = {0, p[1], 2};
	procfd_attr_t attr = {.fds = fds, .nfds = 3};
	CHECK_INT(spawn_child(&h, &attr, "echo", "hello from the child"), 0);
	/* The caller's descriptor is still open and its own. */
	CHECK(_get_osfhandle(p[1]) != -1);
	CHECK_INT(_close(p[1]), 0);
	if (h != NULL) {
		CHECK_INT(read_all(p[0], buf, sizeof buf), (int)strlen("hello from the child"));
		CHECK(strcmp(buf, "hello from the child") == 0);
		CHECK_INT(procfd_wait(h, 10000, &st), 0);
		CHECK_INT(st.code, 0);
		CHECK_INT(procfd_close(h), 0);
	}
	_close(p[0]);

	/* The child inherits no other handle: with an inheritable pipe open
	 * in the caller, the child running, and the caller's write end
	 * closed, the read end is at its end. */
	if (_pipe(p, 4096, _O_BINARY) == 0) {
		h = NULL;
		CHECK_INT(spawn_child(&h, NULL, "sleep", "3000"), 0);
		_close(p[1]);
		DWORD avail = 0;
		BOOL ok = PeekNamedPipe((HANDLE)_get_osfhandle(p[0]), NULL, 0, NULL, &avail, NULL);
		CHECK(!ok && GetLastError() == ERROR_BROKEN_PIPE);
		_close(p[0]);
		if (h != NULL) {
			CHECK_INT(procfd_signal(h, SIG_KILL), 0);
			CHECK_INT(procfd_wait(h, 10000, &st), 0);
			CHECK_INT(procfd_close(h), 0);
		}
	}

	/* -1: the child has no such handle; fewer than 3: none past nfds. */
	int only_in[] = {0};
	attr = (procfd_attr_t){.fds = only_in, .nfds = 1};
	h = NULL;
	CHECK_INT(spawn_child(&h, &attr, "hasstd", NULL), 0);
	if (h != NULL) {
		CHECK_INT(procfd_wait(h, 10000, &st), 0);
		CHECK_INT(st.code, 2 | 4);
		CHECK_INT(procfd_close(h), 0);
	}
}

static void test_env_argv_dir(void)
{
	char *envp[] = {"PFD_TEST_VALUE=42", NULL};
	char *argv[] = {"test_dll_child.exe", "exitenv", "PFD_TEST_VALUE", NULL};
	procfd_status_t st = {0};
	procfd_t *h = NULL;

	CHECK_INT(spawn(&h, child_exe, argv, envp, NULL), 0);
	if (h != NULL) {
		CHECK_INT(procfd_wait(h, 10000, &st), 0);
		CHECK_INT(st.code, 42);
		CHECK_INT(procfd_close(h), 0);
	}
	/* NULL envp: the caller's environment, as it is now. */
	SetEnvironmentVariableA("PFD_TEST_VALUE", "17");
	h = NULL;
	CHECK_INT(spawn(&h, child_exe, argv, NULL, NULL), 0);
	if (h != NULL) {
		CHECK_INT(procfd_wait(h, 10000, &st), 0);
		CHECK_INT(st.code, 17);
		CHECK_INT(procfd_close(h), 0);
	}

	/* An argument with spaces, quotes and backslashes arrives whole. */
	h = NULL;
	CHECK_INT(spawn_child(&h, NULL, "argv0", ARG_PROBE), 0);
	if (h != NULL) {
		CHECK_INT(procfd_wait(h, 10000, &st), 0);
		CHECK_INT(st.code, 0);
		CHECK_INT(procfd_close(h), 0);
	}

	/* A relative path is taken in attr->dir, the child's directory. */
	char *exit_argv[] = {"test_dll_child.exe", "exit", "6", NULL};
	procfd_attr_t attr = {.dir = exe_dir};
	h = NULL;
	CHECK_INT(spawn(&h, "test_dll_child.exe", exit_argv, NULL, &attr), 0);
	if (h != NULL) {
		CHECK_INT(procfd_wait(h, 10000, &st), 0);
		CHECK_INT(st.code, 6);
		CHECK_INT(procfd_close(h), 0);
	}
}

static void test_kill_on_close(void)
{
	procfd_attr_t attr = {.flags = PROCFD_KILL_ON_CLOSE};
	procfd_t *h = NULL;
	DWORD code = 0;

	CHECK_INT(spawn_child(&h, &attr, "sleep", "60000"), 0);
	if (h == NULL)
		return;
	HANDLE own = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
	                         (DWORD)procfd_pid(h));
	CHECK(own != NULL);
	CHECK_INT(procfd_close(h), 0);
	if (own == NULL)
		return;
	/* Killed before procfd_close returned. */
	CHECK_INT(WaitForSingleObject(own, 0), WAIT_OBJECT_0);
	CHECK(GetExitCodeProcess(own, &code));
	CHECK_INT(code, 1);
	CloseHandle(own);
}

/* More children than one WaitForMultipleObjects takes (63 a thread). */
static void test_many(void)
{
	enum { N = 150 };
	static procfd_t *hs[N];
	char code[16];
	int spawned = 0, right = 0;

	for (int i = 0; i < N; i++) {
		snprintf(code, sizeof code, "%d", i);
		hs[i] = NULL;
		if (spawn_child(&hs[i], NULL, "exit", code) == 0)
			spawned++;
	}
	CHECK_INT(spawned, N);
	for (int i = N - 1; i >= 0; i--) {
		procfd_status_t st = {0};
		if (hs[i] == NULL)
			continue;
		if (procfd_wait(hs[i], 30000, &st) == 0 && st.code == i)
			right++;
		procfd_close(hs[i]);
	}
	CHECK_INT(right, N);
}

static void test_strerror(void)
{
	CHECK(strcmp(procfd_strerror(-ENOTSUP), "Not supported") == 0);
	CHECK(strcmp(procfd_strerror(-ETIMEDOUT), "Connection timed out") == 0);
	CHECK(strcmp(procfd_strerror(ENODATA), "No data available") == 0);
	CHECK(strcmp(procfd_strerror(-ENOENT), strerror(ENOENT)) == 0);
	CHECK(strcmp(procfd_strerror(-EBADF), strerror(EBADF)) == 0);
	CHECK(strstr(procfd_strerror(-ESRCH), "Unknown") == NULL);
	CHECK(strcmp(procfd_strerror(-5000), "Unknown error") == 0);
	CHECK(procfd_strerror(-EINVAL) == procfd_strerror(EINVAL));
	printf("     strerror: ENOENT \"%s\", ESRCH \"%s\", ECHILD \"%s\", ETIMEDOUT \"%s\"\n",
	       procfd_strerror(-ENOENT), procfd_strerror(-ESRCH), procfd_strerror(-ECHILD),
	       procfd_strerror(-ETIMEDOUT));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	find_paths();
	/* Relative paths must not find test_dll_child.exe or cmd.exe by accident. */
	SetCurrentDirectoryA("C:\\");

	test_library();
	test_exit_code();
	test_search_path();
	test_spawn_errors();
	test_kill_and_timeout();
	test_closed_handle();
	test_open();
	test_on_exit();
	test_stdout_pipe();
	test_env_argv_dir();
	test_kill_on_close();
	test_many();
	test_strerror();
	return check_summary();
}
