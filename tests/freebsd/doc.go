// Package freebsdtest is the FreeBSD suite: the conformance specs on the
// procdesc backend, groups on the reaper mechanism, and what only FreeBSD
// has. It runs on a FreeBSD machine with cgo (CGO_ENABLED=1 go test
// ./tests/freebsd). This project's CI has none: there the suite is only
// compiled and vetted, by the CGO_ENABLED=0 cross-build for FreeBSD. On
// other systems it has no files to build.
package freebsdtest
