/*
 * A child with vfork semantics and, optionally, a pidfd returned atomically.
 *
 * clone3 is tried first; clone is the fallback where clone3 is missing
 * (Linux < 5.3, or a seccomp policy that answers ENOSYS, as container
 * runtimes do). CLONE_VM|CLONE_VFORK makes the cost of a spawn independent
 * of the parent's memory: no page tables are copied, and the parent thread
 * sleeps until the child has called execve or _exit.
 *
 * A child that shares our memory must run on a stack of its own, and the
 * clone3 system call returns into the child with that new stack pointer, so
 * the child cannot return through any C frame: the entry is written in
 * assembly for each CPU we build for. Other CPUs use libc's clone(), which
 * does the same thing inside libc.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clone, pipe2, F_DUPFD_CLOEXEC */
#endif
#include "pfd_internal.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/*
 * Under AddressSanitizer (go test -asan), the child's instrumented frames
 * poison their redzones on the stack we lent it, and the child execs or
 * _exits without unpoisoning them: that memory, the caller's, would then
 * carry stale poison into whatever frames the parent puts there next, and
 * ASan would report a valid access as an error. Once the child has left
 * (CLONE_VFORK: clone returns after its execve or _exit), the parent clears
 * the whole stack.
 */
#if defined(__SANITIZE_ADDRESS__)
#define PFD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PFD_ASAN 1
#endif
#endif
#ifdef PFD_ASAN
#include <sanitizer/asan_interface.h>
#define pfd_unpoison_stack(stack, size) __asan_unpoison_memory_region((stack), (size))
#else
#define pfd_unpoison_stack(stack, size) ((void)(stack), (void)(size))
#endif

/* struct clone_args as of Linux 5.7 (CLONE_ARGS_SIZE_VER2), defined here so
 * that we build against older kernel headers. Only a clone into a cgroup
 * passes the whole of it: older kernels refuse a size they do not know
 * (E2BIG), so other clones pass the 5.3 part (CLONE_ARGS_SIZE_VER0). */
struct pfd_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;      /* 5.5 */
	uint64_t set_tid_size; /* 5.5 */
	uint64_t cgroup;       /* 5.7 */
};
#define PFD_CLONE_ARGS_SIZE_VER0 64

#if defined(__x86_64__) || defined(__aarch64__) || (defined(__riscv) && __riscv_xlen == 64)
#define PFD_HAVE_CLONE3_ENTRY 1

/*
 * long pfd_clone3_entry(struct pfd_clone_args *args, size_t size,
 *                       int (*fn)(void *), void *arg);
 *
 * Returns the child's pid or a negative errno in the parent. In the child it
 * calls fn(arg) on the new stack and exits with its result; fn must not
 * return in practice (it execs or _exits), the exit is a last guard.
 * clone3 is system call 435 on every architecture below.
 */
long pfd_clone3_entry(struct pfd_clone_args *args, size_t size, int (*fn)(void *), void *arg)
	__attribute__((visibility("hidden")));

#if defined(__x86_64__)
__asm__(".text\n"
	".p2align 4\n"
	".globl pfd_clone3_entry\n"
	".hidden pfd_clone3_entry\n"
	".type pfd_clone3_entry,@function\n"
	"pfd_clone3_entry:\n"
	/* syscall clobbers rcx and r11 only: keep fn and arg in r8 and r9 */
	"	movq %rdx, %r8\n"
	"	movq %rcx, %r9\n"
	"	movl $435, %eax\n"
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	jnz 1f\n"
	/* child: outermost frame on the new, 16-byte aligned stack */
	"	xorl %ebp, %ebp\n"
	"	movq %r9, %rdi\n"
	"	call *%r8\n"
	"	movl %eax, %edi\n"
	"	movl $60, %eax\n" /* exit */
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n"
	".size pfd_clone3_entry, .-pfd_clone3_entry\n");
#elif defined(__aarch64__)
__asm__(".text\n"
	".p2align 4\n"
	".globl pfd_clone3_entry\n"
	".hidden pfd_clone3_entry\n"
	".type pfd_clone3_entry,%function\n"
	"pfd_clone3_entry:\n"
	/* svc preserves every register but x0: fn and arg stay in x2, x3 */
	"	mov x8, #435\n"
	"	svc #0\n"
	"	cbnz x0, 1f\n"
	"	mov x29, xzr\n"
	"	mov x30, xzr\n"
	"	mov x0, x3\n"
	"	blr x2\n"
	"	mov x8, #93\n" /* exit */
	"	svc #0\n"
	"	brk #0\n"
	"1:	ret\n"
	".size pfd_clone3_entry, .-pfd_clone3_entry\n");
#else /* riscv64 */
__asm__(".text\n"
	".p2align 2\n"
	".globl pfd_clone3_entry\n"
	".hidden pfd_clone3_entry\n"
	".type pfd_clone3_entry,%function\n"
	"pfd_clone3_entry:\n"
	/* ecall preserves every register but a0: fn and arg stay in a2, a3 */
	"	li a7, 435\n"
	"	ecall\n"
	"	bnez a0, 1f\n"
	"	mv s0, zero\n"
	"	mv ra, zero\n"
	"	mv a0, a3\n"
	"	jalr a2\n"
	"	li a7, 93\n" /* exit */
	"	ecall\n"
	"	ebreak\n"
	"1:	ret\n"
	".size pfd_clone3_entry, .-pfd_clone3_entry\n");
#endif

/* Set once clone3 is known to be unavailable; racing writers agree. */
static int clone3_unavailable;

static int clone3_vfork(int want_pidfd, int cgroup_fd, int (*fn)(void *), void *arg, void *stack,
			size_t stack_size, int *pidfd)
{
	struct pfd_clone_args args;
	size_t size = PFD_CLONE_ARGS_SIZE_VER0;

	memset(&args, 0, sizeof(args));
	args.flags = CLONE_VM | CLONE_VFORK | (want_pidfd ? CLONE_PIDFD : 0);
	args.pidfd = (uint64_t)(uintptr_t)pidfd;
	args.exit_signal = SIGCHLD;
	args.stack = (uint64_t)(uintptr_t)stack;
	args.stack_size = stack_size;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
		size = sizeof(args);
	}
	return (int)pfd_clone3_entry(&args, size, fn, arg);
}
#endif /* PFD_HAVE_CLONE3_ENTRY */

int pfd_clone_vfork(int want_pidfd, int cgroup_fd, int (*fn)(void *), void *arg, void *stack,
		    size_t stack_size, int *pidfd)
{
	int flags = CLONE_VM | CLONE_VFORK | SIGCHLD | (want_pidfd ? CLONE_PIDFD : 0);
	int pid;

	*pidfd = -1;
#ifdef PFD_HAVE_CLONE3_ENTRY
	if (!__atomic_load_n(&clone3_unavailable, __ATOMIC_RELAXED)) {
		pid = clone3_vfork(want_pidfd, cgroup_fd, fn, arg, stack, stack_size, pidfd);
		if (pid != -ENOSYS) {
			pfd_unpoison_stack(stack, stack_size);
			return pid;
		}
		__atomic_store_n(&clone3_unavailable, 1, __ATOMIC_RELAXED);
	}
#endif
	/* Only clone3 places a child in a cgroup. */
	if (cgroup_fd >= 0)
		return -ENOSYS;
	/* clone() takes the top of the stack; with CLONE_PIDFD the kernel
	 * writes the pidfd where CLONE_PARENT_SETTID would write the tid. */
	pid = clone(fn, (char *)stack + stack_size, flags, arg, pidfd);
	if (pid < 0)
		return -errno;
	pfd_unpoison_stack(stack, stack_size);
	return pid;
}
