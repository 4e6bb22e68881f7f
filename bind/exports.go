// Command bind is libprocfd.so, the C ABI of procfd: build it with
//
//	go build -buildmode=c-shared -o libprocfd.so.0 ./bind
//
// The contract is the hand-written include/procfd.h; the header cgo writes
// beside the library is a build artefact. This file holds the exported
// functions, one line each: they take untyped pointers (cgo cannot spell the
// header's const qualifiers, and the ABI does not care), convert nothing
// themselves, and turn a panic into an error instead of a crash of the host
// process. The work is in spawn.go (procfd_spawn), handles.go (the calls on
// a handle) and strings.go (the texts handed out); the handle table is in
// table.go, the mapping of errors to errnos in errno.go.
package main

/*
#include <stdint.h>
*/
import "C"

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

func main() {}

//export procfd_spawn
func procfd_spawn(out *unsafe.Pointer, path *C.char, argv, envp **C.char, attr unsafe.Pointer) (rc C.int) {
	defer recoverInt("procfd_spawn", &rc)
	return spawn(out, path, argv, envp, attr)
}

//export procfd_open
func procfd_open(out *unsafe.Pointer, pid C.int) (rc C.int) {
	defer recoverInt("procfd_open", &rc)
	return open(out, pid)
}

//export procfd_pid
func procfd_pid(h unsafe.Pointer) (rc C.int) {
	defer recoverInt("procfd_pid", &rc)
	return pid(h)
}

//export procfd_fd
func procfd_fd(h unsafe.Pointer) (fd C.intptr_t) {
	defer recoverIntptr("procfd_fd", &fd)
	return nativeFd(h)
}

//export procfd_backend
func procfd_backend(h unsafe.Pointer) (name *C.char) {
	defer recoverPtr("procfd_backend", &name)
	return backend(h)
}

//export procfd_default_backend
func procfd_default_backend() (name *C.char) {
	defer recoverPtr("procfd_default_backend", &name)
	return defaultBackend()
}

//export procfd_signal
func procfd_signal(h unsafe.Pointer, sig C.int) (rc C.int) {
	defer recoverInt("procfd_signal", &rc)
	return signal(h, sig)
}

//export procfd_wait
func procfd_wait(h unsafe.Pointer, timeoutMs C.int, st unsafe.Pointer) (rc C.int) {
	defer recoverInt("procfd_wait", &rc)
	return wait(h, timeoutMs, st)
}

//export procfd_on_exit
func procfd_on_exit(h, cb, arg unsafe.Pointer) (rc C.int) {
	defer recoverInt("procfd_on_exit", &rc)
	return onExit(h, cb, arg)
}

//export procfd_close
func procfd_close(h unsafe.Pointer) (rc C.int) {
	defer recoverInt("procfd_close", &rc)
	return closeHandle(h)
}

//export procfd_strerror
func procfd_strerror(err C.int) (msg *C.char) {
	defer recoverPtr("procfd_strerror", &msg)
	return strerror(err)
}

//export procfd_version
func procfd_version() (v *C.char) {
	defer recoverPtr("procfd_version", &v)
	return version()
}

// The recover* functions are deferred by every export: a panic is a bug
// in procfd, and the host process must outlive it. A Go panic must not
// unwind into C, so each one ends here, named on stderr for the bug
// report, and the export returns -EIO (or NULL).

func recoverInt(fn string, rc *C.int) {
	if r := recover(); r != nil {
		reportPanic(fn, r)
		*rc = -C.int(syscall.EIO)
	}
}

func recoverIntptr(fn string, rc *C.intptr_t) {
	if r := recover(); r != nil {
		reportPanic(fn, r)
		*rc = -C.intptr_t(syscall.EIO)
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
