//go:build darwin || netbsd || openbsd || (freebsd && !cgo) || (linux && procfd_posixpipe)

package posix_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/conformance"
)

// waitTimeout turns a hang into a failure; it measures nothing.
const waitTimeout = 20 * time.Second

var _ = Describe("pipe backend", Label("pipe"), func() {
	conformance.Specs(procfd.BackendPipe)
})

var _ = Describe("the death pipe here", func() {
	It("is the default, and the only backend", func() {
		Expect(procfd.DefaultBackend()).To(Equal(procfd.BackendPipe))
		_, err := procfd.Start("/bin/sh", []string{"sh", "-c", "exit 0"},
			&procfd.Attr{Backend: procfd.BackendPidfd})
		Expect(err).To(MatchError(procfd.ErrUnsupported))
	})

	It("cannot Open a process it did not start, and says so", func() {
		_, err := procfd.Open(os.Getpid())
		Expect(err).To(MatchError(procfd.ErrUnsupported))
		_, err = procfd.Open(0)
		Expect(err).To(MatchError(syscall.EINVAL))
	})

	It("reports the child's exit while a grandchild holding the pipe runs on", func() {
		// Only SIGCHLD says the child ended.
		h, grandchild := startWithPipeHolder(7)
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		st, err := h.Wait(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.ExitCode).To(Equal(7))
		Expect(syscall.Kill(grandchild, 0)).To(Succeed(), "the grandchild must still run")
	})

	It("turns Fd readable when the child ends, and Wait then has the status", func() {
		h, err := procfd.Start("/bin/sh", []string{"sh", "-c", "sleep 0.2; exit 4"}, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(h.Close)
		fd := h.Fd()
		Expect(fd).NotTo(Equal(^uintptr(0)))
		Expect(readable(fd, 0)).To(BeFalse(), "readable while the child runs")
		Expect(readable(fd, waitTimeout)).To(BeTrue())

		done, cancel := context.WithCancel(context.Background())
		cancel()
		st, err := h.Wait(done)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.ExitCode).To(Equal(4))
	})

	It("refuses SigDefault and SigMask, and starts nothing", func() {
		for _, attr := range []procfd.Attr{
			{SigDefault: []syscall.Signal{syscall.SIGPIPE}},
			{SigMask: []syscall.Signal{syscall.SIGUSR1}},
		} {
			_, err := procfd.Start("/bin/sh", []string{"sh", "-c", "exit 0"}, &attr)
			Expect(err).To(MatchError(procfd.ErrUnsupported))
			Expect(errors.Is(err, errors.ErrUnsupported)).To(BeTrue())
		}
	})
})

// readable polls fd for reading for up to d.
func readable(fd uintptr, d time.Duration) bool {
	GinkgoHelper()
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	deadline := time.Now().Add(d)
	for {
		n, err := unix.Poll(fds, int(max(0, time.Until(deadline).Milliseconds())))
		if err == unix.EINTR {
			continue
		}
		Expect(err).NotTo(HaveOccurred())
		return n > 0
	}
}

// startWithPipeHolder starts a shell that starts a grandchild (sleep 60)
// and exits with code. The grandchild inherits the death pipe's write
// end, so no end of file comes when the child ends. It returns the handle
// and the grandchild's pid; both are ended when the spec ends.
func startWithPipeHolder(code int) (*procfd.Handle, int) {
	GinkgoHelper()
	r, w, err := os.Pipe()
	Expect(err).NotTo(HaveOccurred())
	defer r.Close()
	h, err := procfd.Start("/bin/sh", []string{"sh", "-c", "sleep 60 & echo $!; exit " + strconv.Itoa(code)},
		&procfd.Attr{Files: []*os.File{nil, w, nil}})
	w.Close()
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(h.Close)
	line, err := bufio.NewReader(r).ReadString('\n')
	Expect(err).NotTo(HaveOccurred())
	grandchild, err := strconv.Atoi(strings.TrimSpace(line))
	Expect(err).NotTo(HaveOccurred(), "%q", line)
	DeferCleanup(syscall.Kill, grandchild, syscall.SIGKILL)
	return h, grandchild
}
