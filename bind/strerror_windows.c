/*
 * strerror_windows.c - pfd_strerror for procfd.dll: the C runtime's text
 * for an errno of <errno.h>.
 *
 * msvcrt's strerror knows the classic errnos (1 to 42) only; for the POSIX
 * ones that mingw-w64's <errno.h> adds (100 and over: ENOTSUP, ETIMEDOUT,
 * ENODATA, ...), which procfd returns, it says "Unknown error". Those get
 * the texts below instead.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *posix_text(int code)
{
	switch (code) {
	case EADDRINUSE: return "Address already in use";
	case EADDRNOTAVAIL: return "Cannot assign requested address";
	case EAFNOSUPPORT: return "Address family not supported by protocol";
	case EALREADY: return "Operation already in progress";
	case EBADMSG: return "Bad message";
	case ECANCELED: return "Operation canceled";
	case ECONNABORTED: return "Software caused connection abort";
	case ECONNREFUSED: return "Connection refused";
	case ECONNRESET: return "Connection reset by peer";
	case EDESTADDRREQ: return "Destination address required";
	case EHOSTUNREACH: return "No route to host";
	case EIDRM: return "Identifier removed";
	case EINPROGRESS: return "Operation now in progress";
	case EISCONN: return "Transport endpoint is already connected";
	case ELOOP: return "Too many levels of symbolic links";
	case EMSGSIZE: return "Message too long";
	case ENETDOWN: return "Network is down";
	case ENETRESET: return "Network dropped connection on reset";
	case ENETUNREACH: return "Network is unreachable";
	case ENOBUFS: return "No buffer space available";
	case ENODATA: return "No data available";
	case ENOLINK: return "Link has been severed";
	case ENOMSG: return "No message of desired type";
	case ENOPROTOOPT: return "Protocol not available";
	case ENOSR: return "Out of streams resources";
	case ENOSTR: return "Device not a stream";
	case ENOTCONN: return "Transport endpoint is not connected";
	case ENOTRECOVERABLE: return "State not recoverable";
	case ENOTSOCK: return "Socket operation on non-socket";
	case ENOTSUP: return "Not supported";
	case EOPNOTSUPP: return "Operation not supported";
	case EOVERFLOW: return "Value too large for defined data type";
	case EOWNERDEAD: return "Owner died";
	case EPROTO: return "Protocol error";
	case EPROTONOSUPPORT: return "Protocol not supported";
	case EPROTOTYPE: return "Protocol wrong type for socket";
	case ETIME: return "Timer expired";
	case ETIMEDOUT: return "Connection timed out";
	case ETXTBSY: return "Text file busy";
	case EWOULDBLOCK: return "Operation would block";
	}
	return NULL;
}

/* As strerror_r: 0 with the text in buf, non-zero if buf is too small.
 * msvcrt's strerror keeps its text per thread, so the copy is safe. */
int pfd_strerror(int code, char *buf, size_t len)
{
	const char *text = posix_text(code);

	if (text == NULL)
		text = strerror(code);
	if (text == NULL)
		return EINVAL;
	return snprintf(buf, len, "%s", text) >= (int)len ? ERANGE : 0;
}
