package main

/*
#include <errno.h>
*/
import "C"

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// cErrno turns an errno of Go's into the C runtime's number for it, the
// one <errno.h> of mingw-w64 (msvcrt) gives C callers. On Windows Go's
// errnos are of two kinds, both syscall.Errno: the error codes of Windows
// calls (ERROR_FILE_NOT_FOUND, ...; Go's own syscall.ENOENT and ENOTDIR are
// two of them), and values Go invented above APPLICATION_ERROR for the
// POSIX names (syscall.EINVAL, ...), which no C program knows. A value of
// neither table is an internal failure: EIO.
func cErrno(e syscall.Errno) C.int {
	if e == 0 {
		return 0
	}
	if c, ok := goErrnos[e]; ok {
		return c
	}
	if c, ok := windowsErrors[e]; ok {
		return c
	}
	switch {
	case e >= 19 && e <= 36: // ERROR_WRITE_PROTECT to ERROR_SHARING_BUFFER_EXCEEDED
		return C.EACCES
	case e >= 188 && e <= 202: // ERROR_INVALID_STARTING_CODESEG to ERROR_INFLOOP_IN_RELOC_CHAIN
		return C.ENOEXEC
	}
	return C.EIO
}

// goErrnos: Go's invented errnos that <errno.h> names too.
var goErrnos = map[syscall.Errno]C.int{
	syscall.E2BIG: C.E2BIG, syscall.EACCES: C.EACCES, syscall.EADDRINUSE: C.EADDRINUSE,
	syscall.EADDRNOTAVAIL: C.EADDRNOTAVAIL, syscall.EAFNOSUPPORT: C.EAFNOSUPPORT, syscall.EAGAIN: C.EAGAIN,
	syscall.EALREADY: C.EALREADY, syscall.EBADF: C.EBADF, syscall.EBADMSG: C.EBADMSG,
	syscall.EBUSY: C.EBUSY, syscall.ECANCELED: C.ECANCELED, syscall.ECHILD: C.ECHILD,
	syscall.ECONNABORTED: C.ECONNABORTED, syscall.ECONNREFUSED: C.ECONNREFUSED, syscall.ECONNRESET: C.ECONNRESET,
	syscall.EDEADLK: C.EDEADLK, syscall.EDEADLOCK: C.EDEADLOCK, syscall.EDESTADDRREQ: C.EDESTADDRREQ,
	syscall.EDOM: C.EDOM, syscall.EEXIST: C.EEXIST, syscall.EFAULT: C.EFAULT,
	syscall.EFBIG: C.EFBIG, syscall.EHOSTUNREACH: C.EHOSTUNREACH, syscall.EIDRM: C.EIDRM,
	syscall.EILSEQ: C.EILSEQ, syscall.EINPROGRESS: C.EINPROGRESS, syscall.EINTR: C.EINTR,
	syscall.EINVAL: C.EINVAL, syscall.EIO: C.EIO, syscall.EISCONN: C.EISCONN,
	syscall.EISDIR: C.EISDIR, syscall.ELOOP: C.ELOOP, syscall.EMFILE: C.EMFILE,
	syscall.EMLINK: C.EMLINK, syscall.EMSGSIZE: C.EMSGSIZE, syscall.ENAMETOOLONG: C.ENAMETOOLONG,
	syscall.ENETDOWN: C.ENETDOWN, syscall.ENETRESET: C.ENETRESET, syscall.ENETUNREACH: C.ENETUNREACH,
	syscall.ENFILE: C.ENFILE, syscall.ENOBUFS: C.ENOBUFS, syscall.ENODATA: C.ENODATA,
	syscall.ENODEV: C.ENODEV, syscall.ENOEXEC: C.ENOEXEC, syscall.ENOLCK: C.ENOLCK,
	syscall.ENOLINK: C.ENOLINK, syscall.ENOMEM: C.ENOMEM, syscall.ENOMSG: C.ENOMSG,
	syscall.ENOPROTOOPT: C.ENOPROTOOPT, syscall.ENOSPC: C.ENOSPC, syscall.ENOSR: C.ENOSR,
	syscall.ENOSTR: C.ENOSTR, syscall.ENOSYS: C.ENOSYS, syscall.ENOTCONN: C.ENOTCONN,
	syscall.ENOTEMPTY: C.ENOTEMPTY, syscall.ENOTRECOVERABLE: C.ENOTRECOVERABLE, syscall.ENOTSOCK: C.ENOTSOCK,
	syscall.ENOTSUP: C.ENOTSUP, syscall.ENOTTY: C.ENOTTY, syscall.ENXIO: C.ENXIO,
	syscall.EOPNOTSUPP: C.EOPNOTSUPP, syscall.EOVERFLOW: C.EOVERFLOW, syscall.EOWNERDEAD: C.EOWNERDEAD,
	syscall.EPERM: C.EPERM, syscall.EPIPE: C.EPIPE, syscall.EPROTO: C.EPROTO,
	syscall.EPROTONOSUPPORT: C.EPROTONOSUPPORT, syscall.EPROTOTYPE: C.EPROTOTYPE, syscall.ERANGE: C.ERANGE,
	syscall.EROFS: C.EROFS, syscall.ESPIPE: C.ESPIPE, syscall.ESRCH: C.ESRCH,
	syscall.ETIME: C.ETIME, syscall.ETIMEDOUT: C.ETIMEDOUT, syscall.ETXTBSY: C.ETXTBSY,
	syscall.EWOULDBLOCK: C.EWOULDBLOCK, syscall.EXDEV: C.EXDEV,
}

// windowsErrors: the error codes of the Windows calls that procfd makes,
// mapped as the C runtime's _dosmaperr maps them, with more for what
// CreateProcessW and OpenProcess say.
var windowsErrors = map[syscall.Errno]C.int{
	windows.ERROR_INVALID_FUNCTION:          C.EINVAL,
	windows.ERROR_FILE_NOT_FOUND:            C.ENOENT, // = syscall.ENOENT
	windows.ERROR_PATH_NOT_FOUND:            C.ENOENT, // = syscall.ENOTDIR
	windows.ERROR_TOO_MANY_OPEN_FILES:       C.EMFILE,
	windows.ERROR_ACCESS_DENIED:             C.EACCES,
	windows.ERROR_INVALID_HANDLE:            C.EBADF,
	windows.ERROR_ARENA_TRASHED:             C.ENOMEM,
	windows.ERROR_NOT_ENOUGH_MEMORY:         C.ENOMEM,
	windows.ERROR_INVALID_BLOCK:             C.ENOMEM,
	windows.ERROR_BAD_ENVIRONMENT:           C.E2BIG,
	windows.ERROR_BAD_FORMAT:                C.ENOEXEC,
	windows.ERROR_INVALID_ACCESS:            C.EINVAL,
	windows.ERROR_INVALID_DATA:              C.EINVAL,
	windows.ERROR_OUTOFMEMORY:               C.ENOMEM,
	windows.ERROR_INVALID_DRIVE:             C.ENOENT,
	windows.ERROR_CURRENT_DIRECTORY:         C.EACCES,
	windows.ERROR_NOT_SAME_DEVICE:           C.EXDEV,
	windows.ERROR_NO_MORE_FILES:             C.ENOENT,
	windows.ERROR_NOT_SUPPORTED:             C.ENOTSUP,
	windows.ERROR_BAD_NETPATH:               C.ENOENT,
	windows.ERROR_NETWORK_ACCESS_DENIED:     C.EACCES,
	windows.ERROR_BAD_NET_NAME:              C.ENOENT,
	windows.ERROR_FILE_EXISTS:               C.EEXIST,
	windows.ERROR_CANNOT_MAKE:               C.EACCES,
	windows.ERROR_FAIL_I24:                  C.EACCES,
	windows.ERROR_INVALID_PARAMETER:         C.EINVAL,
	windows.ERROR_NO_PROC_SLOTS:             C.EAGAIN,
	windows.ERROR_DRIVE_LOCKED:              C.EACCES,
	windows.ERROR_BROKEN_PIPE:               C.EPIPE,
	windows.ERROR_DISK_FULL:                 C.ENOSPC,
	windows.ERROR_CALL_NOT_IMPLEMENTED:      C.ENOSYS,
	windows.ERROR_INVALID_NAME:              C.ENOENT,
	windows.ERROR_INVALID_TARGET_HANDLE:     C.EBADF,
	windows.ERROR_MOD_NOT_FOUND:             C.ENOENT,
	windows.ERROR_WAIT_NO_CHILDREN:          C.ECHILD,
	windows.ERROR_CHILD_NOT_COMPLETE:        C.ECHILD,
	windows.ERROR_DIRECT_ACCESS_HANDLE:      C.EBADF,
	windows.ERROR_NEGATIVE_SEEK:             C.EINVAL,
	windows.ERROR_SEEK_ON_DEVICE:            C.EACCES,
	windows.ERROR_DIR_NOT_EMPTY:             C.ENOTEMPTY,
	windows.ERROR_NOT_LOCKED:                C.EACCES,
	windows.ERROR_BAD_PATHNAME:              C.ENOENT,
	windows.ERROR_MAX_THRDS_REACHED:         C.EAGAIN,
	windows.ERROR_LOCK_FAILED:               C.EACCES,
	windows.ERROR_ALREADY_EXISTS:            C.EEXIST,
	windows.ERROR_FILENAME_EXCED_RANGE:      C.ENAMETOOLONG,
	windows.ERROR_NESTING_NOT_ALLOWED:       C.EAGAIN,
	windows.ERROR_EXE_MACHINE_TYPE_MISMATCH: C.ENOEXEC,
	windows.ERROR_DIRECTORY:                 C.ENOTDIR,
	windows.WAIT_TIMEOUT:                    C.ETIMEDOUT,
	windows.ERROR_ELEVATION_REQUIRED:        C.EACCES,
	windows.ERROR_NOACCESS:                  C.EFAULT,
	windows.ERROR_NO_SYSTEM_RESOURCES:       C.ENOMEM,
	windows.ERROR_COMMITMENT_LIMIT:          C.ENOMEM,
	windows.ERROR_TIMEOUT:                   C.ETIMEDOUT,
	windows.ERROR_NOT_ENOUGH_QUOTA:          C.ENOMEM,
}
