package main

/*
#include <stdlib.h>
#include "procfd.h"

// strerror.c: strerror_r in its XSI form whatever the feature macros here.
int pfd_strerror(int code, char *buf, size_t len);
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

// The strings the library hands out: C memory that is never freed, one
// copy per text.

// staticStrings holds the C strings handed out as "static": made once per
// text, never freed. Only backend names go in, so it stays small.
var staticStrings sync.Map // string -> *C.char

func staticString(s string) *C.char {
	if c, ok := staticStrings.Load(s); ok {
		return c.(*C.char)
	}
	c := C.CString(s)
	if prev, loaded := staticStrings.LoadOrStore(s, c); loaded {
		C.free(unsafe.Pointer(c))
		return prev.(*C.char)
	}
	return c
}

// Texts for errnos 0 to maxErrno-1, made on first use and kept; anything
// else gets one fixed text, so that no input grows the cache without bound.
const maxErrno = 4096

var (
	errnoTexts     sync.Map // int -> *C.char
	unknownErrText = sync.OnceValue(func() *C.char { return C.CString("Unknown error") })
)

func strerror(err C.int) *C.char {
	code := int(err)
	if code < 0 {
		code = -code // int is wider than C.int: no overflow at INT_MIN
	}
	if code >= maxErrno {
		return unknownErrText()
	}
	if c, ok := errnoTexts.Load(code); ok {
		return c.(*C.char)
	}
	const bufLen = 256
	buf := (*C.char)(C.malloc(bufLen))
	defer C.free(unsafe.Pointer(buf))
	text := fmt.Sprintf("Unknown error %d", code)
	if C.pfd_strerror(C.int(code), buf, bufLen) == 0 {
		text = C.GoString(buf)
	}
	c := C.CString(text)
	if prev, loaded := errnoTexts.LoadOrStore(code, c); loaded {
		C.free(unsafe.Pointer(c))
		return prev.(*C.char)
	}
	return c
}
