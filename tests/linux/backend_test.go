//go:build linux

package linux_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/emulator"
	"github.com/procfd/procfd/tests/internal/procstat"
)

// kernelAtLeast reports whether the running kernel is major.minor or newer.
func kernelAtLeast(major, minor int) bool {
	GinkgoHelper()
	var u unix.Utsname
	Expect(unix.Uname(&u)).To(Succeed())
	release := unix.ByteSliceToString(u.Release[:])
	parts := strings.SplitN(release, ".", 3)
	Expect(len(parts)).To(BeNumerically(">=", 2), release)
	maj, err := strconv.Atoi(parts[0])
	Expect(err).NotTo(HaveOccurred())
	minStr, _, _ := strings.Cut(parts[1], "-")
	mnr, err := strconv.Atoi(minStr)
	Expect(err).NotTo(HaveOccurred())
	return maj > major || maj == major && mnr >= minor
}

// noPidfdUnderEmulator is why a spec that needs the pidfd backend is
// skipped under qemu-user.
const noPidfdUnderEmulator = "qemu-user takes no CLONE_PIDFD, so the pidfd backend does not work here " +
	"(the spec \"is pipe under qemu-user ...\" checks that)"

// These specs set PROCFD_BACKEND, which is process-wide.
var _ = Describe("backend choice", Serial, func() {
	const env = "PROCFD_BACKEND"

	It("is pidfd on a kernel that has it, when PROCFD_BACKEND is unset", func() {
		if !kernelAtLeast(5, 4) {
			Skip("the pidfd backend needs Linux 5.4")
		}
		emulator.Skip(noPidfdUnderEmulator)
		setEnv(env, "", false)
		Expect(procfd.DefaultBackend()).To(Equal(procfd.BackendPidfd))
		h := startOn("", []string{"true"}, procfd.Attr{})
		Expect(h.Backend()).To(Equal(procfd.BackendPidfd))
	})

	It("takes a nil *Attr as a zero Attr", func() {
		setEnv(env, "", false)
		h, err := procfd.Start(bin("sh"), []string{"sh", "-c", "exit 2"}, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(dispose, h)
		Expect(h.Backend()).To(Equal(procfd.DefaultBackend()))
		st, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.ExitCode).To(Equal(2))
	})

	It("uses the pipe backend for Start with no backend when PROCFD_BACKEND=pipe", func() {
		setEnv(env, "pipe", true)
		Expect(procfd.DefaultBackend()).To(Equal(procfd.BackendPipe))
		h := startOn("", []string{"true"}, procfd.Attr{})
		Expect(h.Backend()).To(Equal(procfd.BackendPipe))
		st, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Success()).To(BeTrue())
	})

	// The pipe backend in Attr, since it works wherever the suite runs:
	// under qemu-user too, where the variable names one that does not.
	It("lets Attr.Backend win over PROCFD_BACKEND", func() {
		setEnv(env, "pidfd", true)
		h := startOn(procfd.BackendPipe, []string{"true"}, procfd.Attr{})
		Expect(h.Backend()).To(Equal(procfd.BackendPipe))
	})

	It("uses the pidfd backend when PROCFD_BACKEND=pidfd", func() {
		emulator.Skip(noPidfdUnderEmulator)
		setEnv(env, "pidfd", true)
		Expect(procfd.DefaultBackend()).To(Equal(procfd.BackendPidfd))
		h := startOn("", []string{"true"}, procfd.Attr{})
		Expect(h.Backend()).To(Equal(procfd.BackendPidfd))
	})

	It("refuses Open on the pipe backend with ErrUnsupported", func() {
		setEnv(env, "pipe", true)
		h := startOn(procfd.BackendPipe, []string{"sleep", "100"}, procfd.Attr{})
		o, err := procfd.Open(h.Pid())
		Expect(o).To(BeNil())
		Expect(errors.Is(err, procfd.ErrUnsupported)).To(BeTrue(), "%v", err)
		Expect(errors.Is(err, errors.ErrUnsupported)).To(BeTrue(), "%v", err)
	})

	It("rejects backends that do not exist on Linux", func() {
		for _, b := range []procfd.Backend{procfd.BackendProcdesc, procfd.BackendHandle} {
			h, err := procfd.Start(bin("true"), []string{"true"}, &procfd.Attr{Backend: b})
			Expect(h).To(BeNil())
			Expect(errors.Is(err, procfd.ErrUnsupported)).To(BeTrue(), "%s: %v", b, err)
		}
	})

	// Debian's qemu-user 7.2 (CI's) answers clone with CLONE_PIDFD with
	// EINVAL and clone3 with ENOSYS, while pidfd_open, waitid(P_PIDFD) and
	// pidfd_send_signal work: the probe must choose the pipe backend, which
	// opens each child's pidfd right after the spawn, and a pidfd backend
	// asked for must fail naming clone. The seccomp filter "qemu" (the
	// "without pidfds" specs) plays this case natively; a qemu-user that
	// takes CLONE_PIDFD fails this spec, and the pidfd specs should then
	// run under it too (./build.sh qemu).
	It("is pipe under qemu-user, with a pidfd for each child, and a pidfd backend asked for names clone", func() {
		if emulator.Name() == "" {
			Skip("runs under qemu-user only (./build.sh qemu)")
		}
		setEnv(env, "", false)
		Expect(procfd.DefaultBackend()).To(Equal(procfd.BackendPipe))

		pidfds := func() int {
			fds, err := procstat.FDs(os.Getpid())
			Expect(err).NotTo(HaveOccurred())
			n := 0
			for _, target := range fds {
				if target == "anon_inode:[pidfd]" {
					n++
				}
			}
			return n
		}
		before := pidfds()
		h := startOn("", []string{"sleep", "100"}, procfd.Attr{})
		Expect(h.Backend()).To(Equal(procfd.BackendPipe))
		Expect(pidfds()).To(Equal(before+1), "the pipe backend's pidfd, from pidfd_open")
		Expect(h.Kill()).To(Succeed())
		st, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Signal).To(Equal(syscall.SIGKILL))

		const why = "backend pidfd is not supported here: clone: invalid argument"
		h, err = procfd.Start(bin("true"), []string{"true"}, &procfd.Attr{Backend: procfd.BackendPidfd})
		Expect(h).To(BeNil())
		Expect(err).To(MatchError(HaveSuffix(why)))
		Expect(errors.Is(err, procfd.ErrUnsupported)).To(BeTrue(), "%v", err)
		Expect(errors.Is(err, syscall.EINVAL)).To(BeTrue(), "%v", err)

		setEnv(env, "pidfd", true)
		h, err = procfd.Start(bin("true"), []string{"true"}, nil)
		Expect(h).To(BeNil())
		Expect(err).To(MatchError(HaveSuffix("PROCFD_BACKEND=pidfd: " + why)))
	})

	It("says which variable is wrong when PROCFD_BACKEND names no backend", func() {
		setEnv(env, "bogus", true)
		h, err := procfd.Start(bin("true"), []string{"true"}, nil)
		if h != nil {
			DeferCleanup(dispose, h)
		}
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).To(ContainSubstring("PROCFD_BACKEND=bogus"))
	})
})
