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
	reader       string // the awaited child: reads stdin to its end; /bin/cat if not static
	pause        string // the latency probe: runs until killed
	spawnLoop    string // C posix_spawn + waitpid, the 1.0 reference
	capiLoop     string // procfd's C ABI from a C program
	epollWaiters string // the C floor of waiting: pidfds in one epoll loop
	skipped      map[string]string
}

var cflags = []string{"-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2"}

func buildPrograms(src, prefix, work string) programs {
	p := programs{skipped: map[string]string{}}
	c := func(file string) string { return filepath.Join(src, "c", file) }
	// build tries each way of building name in turn.
	build := func(name string, out *string, ways ...[]string) {
		for _, args := range ways {
			dst := filepath.Join(work, name)
			err := cc(dst, args...)
			if err == nil {
				*out = dst
				delete(p.skipped, name)
				return
			}
			p.skipped[name] = err.Error()
		}
	}
	static := func(file string) []string { return []string{"-static", c(file)} }

	// A static binary spends nothing in the dynamic loader: what a spawn
	// of it costs is the spawner's work and the kernel's. Without a
	// static libc (libc6-dev's libc.a), a program with no libc at all.
	build("trivial", &p.trivial, static("trivial.c"), []string{"-static", "-nostdlib", c("trivial_nostdlib.c")})
	// The children of sections 4 to 6 and the probes are best static too,
	// so that starting 10,000 of them takes less of the run.
	build("reader", &p.reader, static("reader.c"), []string{c("reader.c")})
	if p.reader == "" {
		p.reader = "/bin/cat"
	}
	build("pause", &p.pause, static("pause.c"), []string{c("pause.c")})
	build("posix_spawn_loop", &p.spawnLoop, []string{c("posix_spawn_loop.c")})
	build("epoll_waiters", &p.epollWaiters, []string{c("epoll_waiters.c")})
	lib := filepath.Join(prefix, "lib")
	build("capi_spawn_loop", &p.capiLoop, []string{"-I" + filepath.Join(prefix, "include"), c("capi_spawn_loop.c"),
		"-L" + lib, "-lprocfd", "-Wl,-rpath," + lib})
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
