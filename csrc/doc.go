// Package csrc is procfd's C layer: spawning a child together with its
// handle, the raw pidfd system calls, and the few questions only C can ask
// (who owns SIGCHLD, the RLIMIT_NOFILE the process was loaded with). It is
// a package of its own so that the go command compiles, and hashes into its
// build cache, every .c and .h file here: an edit in csrc/ rebuilds
// everything that uses it.
//
// It is not an API. Only the procfd package and its C ABI (bind/) import it,
// and its names may change with any commit. Every C symbol is hidden and
// prefixed pfd_, so none leaks out of libprocfd.so.
//
// The C code is built with -Wall -Wextra; the project's own builds (build.sh,
// which CMake and the test suites call) add -Werror through CGO_CFLAGS, so
// that a newer compiler's new warning never breaks a consumer's build.
package csrc
