//go:build linux

package linux_test

import (
	"errors"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
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

// These specs set PROCFD_BACKEND, which is process-wide.
var _ = Describe("backend choice", Serial, func() {
	const env = "PROCFD_BACKEND"

	It("is pidfd on a kernel that has it, when PROCFD_BACKEND is unset", func() {
		if !kernelAtLeast(5, 4) {
			Skip("the pidfd backend needs Linux 5.4")
		}
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

	It("lets Attr.Backend win over PROCFD_BACKEND", func() {
		setEnv(env, "pipe", true)
		h := startOn(procfd.BackendPidfd, []string{"true"}, procfd.Attr{})
		Expect(h.Backend()).To(Equal(procfd.BackendPidfd))
	})

	It("uses the pidfd backend when PROCFD_BACKEND=pidfd", func() {
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
