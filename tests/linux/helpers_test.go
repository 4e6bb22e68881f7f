//go:build linux

package linux_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/emulator"
	"github.com/procfd/procfd/tests/internal/procstat"
)

// waitTimeout turns a hang into a failure; it measures nothing.
const waitTimeout = 20 * time.Second

// startOn starts argv (argv[0] looked up in PATH) on backend ("" for the
// default); the process is killed, reaped and closed when the spec ends.
func startOn(backend procfd.Backend, argv []string, attr procfd.Attr) *procfd.Handle {
	GinkgoHelper()
	attr.Backend = backend
	h, err := procfd.Start(bin(argv[0]), argv, &attr)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(dispose, h)
	return h
}

func dispose(h *procfd.Handle) {
	h.Kill()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	h.Wait(ctx)
	h.Close()
}

func waitFor(h *procfd.Handle) (*procfd.Status, error) {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	return h.Wait(ctx)
}

func bin(name string) string {
	GinkgoHelper()
	path, err := exec.LookPath(name)
	Expect(err).NotTo(HaveOccurred())
	return path
}

func newPipe() (r, w *os.File) {
	GinkgoHelper()
	r, w, err := os.Pipe()
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		r.Close()
		w.Close()
	})
	return r, w
}

// readPid reads one line holding a pid from r, as `echo $!` writes it.
// Only one line: the processes behind r may keep it open for long.
func readPid(r *os.File) int {
	GinkgoHelper()
	Expect(r.SetReadDeadline(time.Now().Add(waitTimeout))).To(Succeed())
	line, err := bufio.NewReader(r).ReadString('\n')
	Expect(err).NotTo(HaveOccurred())
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	Expect(err).NotTo(HaveOccurred())
	return pid
}

// killWhenDone kills pid when the spec ends, if it is still the process
// named comm: a grandchild that a spec let outlive its parent.
func killWhenDone(pid int, comm string) {
	DeferCleanup(func() {
		if st, err := procstat.ReadStat(pid); err == nil && st.Comm == comm {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
}

// setEnv sets (or, with set false, unsets) an environment variable for the
// rest of the spec. Only for Serial specs: the environment is the process's.
func setEnv(name, value string, set bool) {
	GinkgoHelper()
	old, had := os.LookupEnv(name)
	DeferCleanup(func() {
		if had {
			os.Setenv(name, old)
		} else {
			os.Unsetenv(name)
		}
	})
	if set {
		Expect(os.Setenv(name, value)).To(Succeed())
	} else {
		Expect(os.Unsetenv(name)).To(Succeed())
	}
}

// readable reports whether fd polls readable right now.
func readable(fd int) bool {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 0)
		if err == unix.EINTR {
			continue
		}
		Expect(err).NotTo(HaveOccurred())
		return n > 0 && fds[0].Revents&(unix.POLLIN|unix.POLLHUP) != 0
	}
}

// skipWithoutSeccompFilter skips a spec whose helper hides pidfd calls
// behind a seccomp filter (tests/internal/seccomp) where it cannot put one
// on.
func skipWithoutSeccompFilter() {
	GinkgoHelper()
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		Skip("tests/internal/seccomp has a filter for amd64 and arm64 only, not " + runtime.GOARCH)
	}
	// What the "qemu" filter stands for is the real thing there.
	emulator.Skip("qemu-user answers seccomp(2) with ENOSYS, since a filter would apply to the emulator's own system calls")
}

// envWithoutBackend is this process's environment without PROCFD_BACKEND,
// for a subprocess that must probe the backend for itself.
func envWithoutBackend() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PROCFD_BACKEND=") {
			env = append(env, kv)
		}
	}
	return env
}
