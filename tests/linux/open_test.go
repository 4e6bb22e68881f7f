//go:build linux

package linux_test

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/procfd/procfd"
)

// Open uses the default backend, which PROCFD_BACKEND may change: these
// specs clear it, so they are Serial.
var _ = Describe("Open", Label("pidfd"), Serial, func() {
	BeforeEach(func() {
		setEnv("PROCFD_BACKEND", "", false)
	})

	// grandchild starts `sh -c script`, where script echoes a background
	// job's pid first, and returns that pid: a process that is not ours.
	grandchild := func(script string) int {
		GinkgoHelper()
		r, w := newPipe()
		startOn(procfd.BackendPidfd, []string{"sh", "-c", script}, procfd.Attr{Files: []*os.File{nil, w, nil}})
		w.Close()
		pid := readPid(r)
		killWhenDone(pid, "sleep")
		return pid
	}

	It("waits for a process that is not our child and gets its status once its parent reaps it", func() {
		pid := grandchild("sleep 1 & echo $!; wait")
		h, err := procfd.Open(pid)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(h.Close)
		Expect(h.Pid()).To(Equal(pid))
		Expect(h.Backend()).To(Equal(procfd.BackendPidfd))

		st, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Pid).To(Equal(pid))
		Expect(st.String()).To(Equal("exit status 0"))
		// The kernel's PIDFD_INFO_EXIT has no resource usage.
		Expect(st.Rusage).To(BeNil())
		Expect(h.Signal(syscall.Signal(0))).To(MatchError(os.ErrProcessDone))
	})

	It("signals a process that is not our child and reports its death by signal", func() {
		r, w := newPipe()
		startOn(procfd.BackendPidfd, []string{"sh", "-c", "sleep 100 & echo $!; wait $!; echo status=$?"},
			procfd.Attr{Files: []*os.File{nil, w, nil}})
		w.Close()
		pid := readPid(r)
		killWhenDone(pid, "sleep")

		h, err := procfd.Open(pid)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(h.Close)
		Expect(h.Signal(syscall.Signal(0))).To(Succeed())
		Expect(h.Kill()).To(Succeed())
		st, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Signal).To(Equal(syscall.SIGKILL))
		Expect(st.String()).To(Equal("signal: killed"))
	})

	It("returns ErrNoStatus for a process whose parent never reaps it", func() {
		// After exec, sleep 100 is the parent of the short sleep and
		// never waits: the short sleep stays a zombie.
		pid := grandchild("sleep 0.5 & echo $!; exec sleep 100")
		h, err := procfd.Open(pid)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(h.Close)
		st, err := waitFor(h)
		Expect(st).To(BeNil())
		Expect(errors.Is(err, procfd.ErrNoStatus)).To(BeTrue(), "%v", err)
		Expect(h.Signal(syscall.Signal(0))).To(MatchError(os.ErrProcessDone))
	})

	It("reaps our own child started by os/exec, with its exit code", func() {
		cmd := exec.Command(bin("sh"), "-c", "exit 9")
		Expect(cmd.Start()).To(Succeed())
		DeferCleanup(cmd.Process.Release)
		h, err := procfd.Open(cmd.Process.Pid)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(h.Close)
		st, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.ExitCode).To(Equal(9))
		Expect(st.Pid).To(Equal(cmd.Process.Pid))
		Expect(st.Rusage).NotTo(BeNil())
		// Reaped: no zombie is left for os/exec to find.
		Expect(syscall.Kill(cmd.Process.Pid, 0)).To(MatchError(syscall.ESRCH))
	})

	It("gives a Wait blocked when another goroutine closes the handle the status, not ErrClosed", Label("reliability"), func() {
		pid := grandchild("sleep 100 & echo $!; wait")
		h, err := procfd.Open(pid)
		Expect(err).NotTo(HaveOccurred())
		type result struct {
			st  *procfd.Status
			err error
		}
		waited := make(chan result, 1)
		go func() {
			st, err := waitFor(h)
			waited <- result{st, err}
		}()
		Consistently(waited).WithTimeout(200 * time.Millisecond).ShouldNot(Receive())

		Expect(h.Close()).To(Succeed())
		Expect(h.Close()).To(MatchError(procfd.ErrClosed))
		Consistently(waited).WithTimeout(200 * time.Millisecond).ShouldNot(Receive())
		Expect(syscall.Kill(pid, syscall.SIGKILL)).To(Succeed())
		var r result
		Eventually(waited).WithTimeout(waitTimeout).Should(Receive(&r))
		// The shell reaps it, and the kernel keeps the status (Linux
		// 6.15+); an older kernel says ErrNoStatus. Never ErrClosed.
		if r.err == nil {
			Expect(r.st.Signal).To(Equal(syscall.SIGKILL))
		} else {
			Expect(r.err).To(MatchError(procfd.ErrNoStatus))
		}
	})

	It("releases at once a handle that nobody waits on, and stays closed", func() {
		pid := grandchild("sleep 100 & echo $!; wait")
		h, err := procfd.Open(pid)
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Close()).To(Succeed())
		Expect(h.Fd()).To(Equal(^uintptr(0)))
		_, err = h.Wait(nil)
		Expect(err).To(MatchError(procfd.ErrClosed))
	})

	It("rejects pids beyond the kernel's range rather than truncate them", Label("reliability"), func() {
		h := startOn(procfd.BackendPidfd, []string{"sleep", "100"}, procfd.Attr{})
		for _, pid := range []int{1<<32 + h.Pid(), math.MaxInt32 + 1, -1<<32 + h.Pid(), math.MaxInt} {
			o, err := procfd.Open(pid)
			Expect(o).To(BeNil(), "Open(%d) opened pid %d", pid, h.Pid())
			Expect(errors.Is(err, syscall.EINVAL)).To(BeTrue(), "Open(%d): %v", pid, err)
		}
	})

	It("rejects pids below 1", func() {
		for _, pid := range []int{-1, 0} {
			h, err := procfd.Open(pid)
			Expect(h).To(BeNil())
			Expect(errors.Is(err, syscall.EINVAL)).To(BeTrue(), "Open(%d): %v", pid, err)
		}
	})

	It("reports a pid that no process has as ESRCH", func() {
		h := startOn(procfd.BackendPidfd, []string{"true"}, procfd.Attr{})
		_, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Close()).To(Succeed())

		o, err := procfd.Open(h.Pid())
		Expect(o).To(BeNil())
		Expect(errors.Is(err, syscall.ESRCH)).To(BeTrue(), "%v", err)
	})
})
