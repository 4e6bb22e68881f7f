// Command bind is libprocfd.so, the C ABI of procfd. Build it with
//
//	./build.sh lib [OUTDIR]
//
// which adds what a plain go build -buildmode=c-shared does not: the soname,
// the version script libprocfd.map (only procfd_* leaves the library) and
// -Werror.
//
// The contract is the hand-written include/procfd.h; the header cgo writes
// beside the library is a build artefact. The functions of procfd.h are
// defined in procfd.c, in C against that header, so that the compiler checks
// each signature; each calls its Go export here, pfdgo_<name>, which takes
// the header's types (without const, which cgo cannot spell; a handle as
// the number uintptr_t, see table.go), converts nothing itself, and turns a panic into an error instead of a crash of the
// host process. The work is in spawn.go (procfd_spawn), handles.go (the calls
// on a handle), groups.go (the calls on a group) and strings.go (the texts handed out); the handle table is in
// table.go, the mapping of errors to errnos in errno.go.
package main

/*
// For every C file and preamble of the package: procfd.h is in include/;
// a shim in procfd.c that hands its Go export another type than it takes
// fails to build even without the project's -Werror (bind is a command:
// no consumer compiles it).
#cgo CFLAGS: -I${SRCDIR}/../include -Wall -Wextra
#cgo CFLAGS: -Werror=incompatible-pointer-types -Werror=int-conversion
#include "bind.h"
*/
import "C"

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

func main() {}

//export pfdgo_spawn
func pfdgo_spawn(out **C.procfd_t, path *C.char, argv, envp **C.char, attr *C.procfd_attr_t) (rc C.int) {
	defer recoverInt("procfd_spawn", &rc)
	return spawn(out, path, argv, envp, attr)
}

//export pfdgo_open
func pfdgo_open(out **C.procfd_t, pid C.int) (rc C.int) {
	defer recoverInt("procfd_open", &rc)
	return open(out, pid)
}

//export pfdgo_pid
func pfdgo_pid(h C.uintptr_t) (rc C.int) {
	defer recoverInt("procfd_pid", &rc)
	return pid(handleKey(h))
}

//export pfdgo_fd
func pfdgo_fd(h C.uintptr_t) (fd C.intptr_t) {
	defer recoverIntptr("procfd_fd", &fd)
	return nativeFd(handleKey(h))
}

//export pfdgo_backend
func pfdgo_backend(h C.uintptr_t) (name *C.char) {
	defer recoverPtr("procfd_backend", &name)
	return backend(handleKey(h))
}

//export pfdgo_default_backend
func pfdgo_default_backend() (name *C.char) {
	defer recoverPtr("procfd_default_backend", &name)
	return defaultBackend()
}

//export pfdgo_signal
func pfdgo_signal(h C.uintptr_t, sig C.int) (rc C.int) {
	defer recoverInt("procfd_signal", &rc)
	return signal(handleKey(h), sig)
}

//export pfdgo_wait
func pfdgo_wait(h C.uintptr_t, timeoutMs C.int, st *C.procfd_status_t) (rc C.int) {
	defer recoverInt("procfd_wait", &rc)
	return wait(handleKey(h), timeoutMs, st)
}

//export pfdgo_on_exit
func pfdgo_on_exit(h C.uintptr_t, cb C.pfd_exit_cb, arg unsafe.Pointer) (rc C.int) {
	defer recoverInt("procfd_on_exit", &rc)
	return onExit(handleKey(h), cb, arg)
}

//export pfdgo_close
func pfdgo_close(h C.uintptr_t) (rc C.int) {
	defer recoverInt("procfd_close", &rc)
	return closeHandle(handleKey(h))
}

//export pfdgo_group_new
func pfdgo_group_new(out **C.procfd_group_t, attr *C.procfd_group_attr_t) (rc C.int) {
	defer recoverInt("procfd_group_new", &rc)
	return groupNew(out, attr)
}

//export pfdgo_group_mechanism
func pfdgo_group_mechanism(g C.uintptr_t) (name *C.char) {
	defer recoverPtr("procfd_group_mechanism", &name)
	return groupMechanism(handleKey(g))
}

//export pfdgo_group_signal
func pfdgo_group_signal(g C.uintptr_t, sig C.int) (rc C.int) {
	defer recoverInt("procfd_group_signal", &rc)
	return groupSignal(handleKey(g), sig)
}

//export pfdgo_group_wait
func pfdgo_group_wait(g C.uintptr_t, timeoutMs C.int) (rc C.int) {
	defer recoverInt("procfd_group_wait", &rc)
	return groupWait(handleKey(g), timeoutMs)
}

//export pfdgo_group_fd
func pfdgo_group_fd(g C.uintptr_t) (fd C.intptr_t) {
	defer recoverIntptr("procfd_group_fd", &fd)
	return groupFd(handleKey(g))
}

//export pfdgo_group_pids
func pfdgo_group_pids(g C.uintptr_t, pids *C.int, npids C.int) (rc C.int) {
	defer recoverInt("procfd_group_pids", &rc)
	return groupPids(handleKey(g), pids, npids)
}

//export pfdgo_group_close
func pfdgo_group_close(g C.uintptr_t) (rc C.int) {
	defer recoverInt("procfd_group_close", &rc)
	return groupClose(handleKey(g))
}

//export pfdgo_strerror
func pfdgo_strerror(err C.int) (msg *C.char) {
	defer recoverPtr("procfd_strerror", &msg)
	return strerror(err)
}

// The recover* functions are deferred by every export: a panic is a bug
// in procfd, and the host process must outlive it. A Go panic must not
// unwind into C, so each one ends here, named on stderr for the bug
// report, and the export returns -EIO (or NULL, which procfd_strerror
// turns into a text: bind/procfd.c).

func recoverInt(fn string, rc *C.int) {
	if r := recover(); r != nil {
		reportPanic(fn, r)
		*rc = neg(syscall.EIO)
	}
}

func recoverIntptr(fn string, rc *C.intptr_t) {
	if r := recover(); r != nil {
		reportPanic(fn, r)
		*rc = C.intptr_t(neg(syscall.EIO))
	}
}

func recoverPtr(fn string, p **C.char) {
	if r := recover(); r != nil {
		reportPanic(fn, r)
		*p = nil
	}
}

func reportPanic(fn string, r any) {
	fmt.Fprintf(os.Stderr, "libprocfd: internal error in %s, reported as a failure: %v\n", fn, r)
}
