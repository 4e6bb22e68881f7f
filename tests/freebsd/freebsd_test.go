//go:build freebsd

package freebsdtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/testbin"
)

const waitTimeout = 20 * time.Second

// start starts argv[0] (a path) on the procdesc backend; the process is
// killed and the handle closed when the spec ends.
func start(argv []string, attr procfd.Attr) *procfd.Handle {
	GinkgoHelper()
	h, err := procfd.Start(argv[0], argv, &attr)
	Expect(err).NotTo(HaveOccurred())
	Expect(h.Backend()).To(Equal(procfd.BackendProcdesc))
	DeferCleanup(func() {
		h.Kill()
		h.Close()
	})
	return h
}

// look is Wait with a context that is already done: one look.
func look(h *procfd.Handle) (*procfd.Status, error) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return h.Wait(ctx)
}

// pollHup polls fd for up to timeout and reports whether it has POLLHUP,
// which is what a process descriptor reports once its process has exited.
func pollHup(fd uintptr, timeout time.Duration) bool {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, int(timeout.Milliseconds()))
		if err == unix.EINTR {
			continue
		}
		Expect(err).NotTo(HaveOccurred())
		return n > 0 && fds[0].Revents&unix.POLLHUP != 0
	}
}

// pdgetpid asks the kernel which process the process descriptor fd names.
func pdgetpid(fd uintptr) (int, error) {
	var pid int32 // pid_t
	_, _, errno := unix.Syscall(unix.SYS_PDGETPID, fd, uintptr(unsafe.Pointer(&pid)), 0)
	if errno != 0 {
		return 0, errno
	}
	return int(pid), nil
}

// threads counts this process's threads: ps -H lists one line per thread.
func threads() int {
	GinkgoHelper()
	out, err := exec.Command("ps", "-H", "-o", "lwp=", "-p", strconv.Itoa(os.Getpid())).Output()
	Expect(err).NotTo(HaveOccurred())
	n := len(strings.Fields(string(out)))
	Expect(n).To(BeNumerically(">", 0), "ps -H -o lwp= said %q", out)
	return n
}

// exists reports whether pid names a process (a zombie included).
func exists(pid int) bool { return syscall.Kill(pid, 0) != syscall.ESRCH }

var _ = Describe("the procdesc backend", Label("procdesc"), func() {
	It("is the default, and the other backends are unsupported", func() {
		Expect(procfd.DefaultBackend()).To(Equal(procfd.BackendProcdesc))
		for _, b := range []procfd.Backend{procfd.BackendPidfd, procfd.BackendPipe, procfd.BackendHandle} {
			_, err := procfd.Start("/usr/bin/true", []string{"true"}, &procfd.Attr{Backend: b})
			Expect(errors.Is(err, procfd.ErrUnsupported)).To(BeTrue(), "%s: %v", b, err)
		}
	})

	It("has no Open: FreeBSD makes a process descriptor only with its process", func() {
		_, err := procfd.Open(os.Getpid())
		Expect(errors.Is(err, procfd.ErrUnsupported)).To(BeTrue(), "%v", err)
		Expect(errors.Is(err, errors.ErrUnsupported)).To(BeTrue(), "%v", err)
		for _, pid := range []int{0, -1, math.MinInt} {
			_, err := procfd.Open(pid)
			Expect(errors.Is(err, syscall.EINVAL)).To(BeTrue(), "pid %d: %v", pid, err)
		}
	})

	It("gives Fd as the process descriptor, POLLHUP exactly once the process has exited", func() {
		h := start([]string{"/bin/sleep", "100"}, procfd.Attr{})
		pid, err := pdgetpid(h.Fd())
		Expect(err).NotTo(HaveOccurred())
		Expect(pid).To(Equal(h.Pid()))

		Expect(pollHup(h.Fd(), 0)).To(BeFalse(), "the process runs")
		_, err = look(h)
		Expect(err).To(MatchError(context.Canceled))

		Expect(h.Kill()).To(Succeed())
		Expect(pollHup(h.Fd(), waitTimeout)).To(BeTrue())
		st, err := look(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Signal).To(Equal(syscall.SIGKILL))
		Expect(pollHup(h.Fd(), 0)).To(BeTrue(), "and stays so once reaped")
	})

	It("keeps its child from a wait for any child in other code", func() {
		h := start([]string{"/bin/sh", "-c", "exit 3"}, procfd.Attr{})
		Expect(pollHup(h.Fd(), waitTimeout)).To(BeTrue())
		// waitpid(-1) passes over a child made by pdfork.
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		Expect(pid).NotTo(Equal(h.Pid()), "wait4(-1) took the child (%v)", err)
		st, err := h.Wait(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(st.ExitCode).To(Equal(3))
	})

	// The kernel closes every descriptor of a program that ends without
	// closing them, and the last close of a process descriptor made
	// without PD_DAEMON kills its process: KillOnClose holds even when
	// the owner crashes.
	DescribeTable("when the program holding the handle exits without Close",
		func(mode string, survives bool) {
			out, err := exec.Command(testbin.Path(killOnExit), mode).Output()
			Expect(err).NotTo(HaveOccurred())
			pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
			Expect(err).NotTo(HaveOccurred(), "killonexit said %q", out)
			if !survives {
				// Killed, then reaped by its new parent (init).
				Eventually(func() bool { return exists(pid) }).WithTimeout(waitTimeout).Should(BeFalse())
				return
			}
			Consistently(func() bool { return exists(pid) }).WithTimeout(time.Second).Should(BeTrue())
			Expect(syscall.Kill(pid, syscall.SIGKILL)).To(Succeed())
		},
		Entry("with KillOnClose, the kernel kills the child", "kill", false),
		Entry("without it (PD_DAEMON), the child runs on", "keep", true),
	)

	// Waiting holds one thread for every handle: the reaper's, blocked in
	// kevent. PROCFD_FREEBSD_WAITERS sets the count.
	It("waits for many processes with one thread for them all", Label("slow"), func() {
		n := 500
		if v := os.Getenv("PROCFD_FREEBSD_WAITERS"); v != "" {
			var err error
			n, err = strconv.Atoi(v)
			Expect(err).NotTo(HaveOccurred())
		}
		// Every child reads the same pipe: closing its write end ends
		// them all at once.
		r, w, err := os.Pipe()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() {
			r.Close()
			w.Close() // closed already, unless the spec failed first
		})
		before := threads()
		var wg sync.WaitGroup
		errs := make([]error, n) // each waiter's own; read once all are done
		for i := range n {
			h := start([]string{"/bin/sh", "-c", "read x"},
				procfd.Attr{Files: []*os.File{r, nil, nil}, KillOnClose: true})
			wg.Go(func() {
				st, err := h.Wait(context.Background())
				if err == nil && !st.Success() {
					err = fmt.Errorf("pid %d: %v", h.Pid(), st)
				}
				errs[i] = err
			})
		}
		time.Sleep(time.Second) // let every waiter park
		during := threads()
		AddReportEntry("threads", fmt.Sprintf("%d before, %d while %d processes are awaited", before, during, n))
		Expect(during - before).To(BeNumerically("<=", 8))

		Expect(w.Close()).To(Succeed())
		reaped := make(chan struct{})
		go func() {
			wg.Wait()
			close(reaped)
		}()
		Eventually(reaped).WithTimeout(waitTimeout + time.Duration(n)*10*time.Millisecond).Should(BeClosed())
		for _, err := range errs {
			Expect(err).NotTo(HaveOccurred())
		}
	})
})
