//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// programs are the C programs of a run, built from tests/bench/c into the
// work directory with the machine's cc. An empty path means the program
// could not be built; the rows that need it say why instead of a figure.
type programs struct {
	trivial      string // the static trivial program: exit(0) and nothing else
	pause        string // the latency probe: runs until killed
	spawnLoop    string // C posix_spawn + waitpid, the 1.0 reference
	capiLoop     string // procfd's C ABI from a C program
	epollWaiters string // the C floor of waiting: pidfds in one epoll loop
	skipped      map[string]string
}

var cflags = []string{"-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2"}

func buildPrograms(src, prefix, work string) programs {
	p := programs{skipped: map[string]string{}}
	try := func(name string, out *string, extra ...string) error {
		dst := filepath.Join(work, name)
		if err := cc(dst, extra...); err != nil {
			p.skipped[name] = err.Error()
			return err
		}
		*out = dst
		return nil
	}
	c := func(file string) string { return filepath.Join(src, "c", file) }

	// A static binary spends nothing in the dynamic loader: what a spawn
	// of it costs is the spawner's work and the kernel's. Without a
	// static libc (libc6-dev's libc.a), a program with no libc at all.
	if try("trivial", &p.trivial, "-static", c("trivial.c")) != nil {
		if try("trivial", &p.trivial, "-static", "-nostdlib", c("trivial_nostdlib.c")) == nil {
			delete(p.skipped, "trivial")
		}
	}
	try("pause", &p.pause, c("pause.c"))
	try("posix_spawn_loop", &p.spawnLoop, c("posix_spawn_loop.c"))
	try("epoll_waiters", &p.epollWaiters, c("epoll_waiters.c"))
	lib := filepath.Join(prefix, "lib")
	try("capi_spawn_loop", &p.capiLoop, "-I"+filepath.Join(prefix, "include"), c("capi_spawn_loop.c"),
		"-L"+lib, "-lprocfd", "-Wl,-rpath,"+lib)
	return p
}

// cc compiles with $CC (default cc) and the project's warning flags.
func cc(out string, args ...string) error {
	compiler := os.Getenv("CC")
	if compiler == "" {
		compiler = "cc"
	}
	cmd := exec.Command(compiler, append(append(append([]string{}, cflags...), args...), "-o", out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v: %s", compiler, strings.Join(args, " "), err, firstLine(string(msg)))
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
