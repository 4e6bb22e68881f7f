//go:build windows

package windowstest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/windows"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/winhost"
)

// signalledNow reports whether h (a process, or a group's Fd) is
// signalled, without waiting.
func signalledNow(h uintptr) bool {
	ev, err := windows.WaitForSingleObject(windows.Handle(h), 0)
	Expect(err).NotTo(HaveOccurred())
	Expect(ev).To(Or(Equal(uint32(windows.WAIT_OBJECT_0)), Equal(uint32(windows.WAIT_TIMEOUT))))
	return ev == windows.WAIT_OBJECT_0
}

func newGroup(attr *procfd.GroupAttr) *procfd.Group {
	g, err := procfd.NewGroup(attr)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		if err := g.Close(); err != nil && !errors.Is(err, procfd.ErrClosed) {
			Fail(fmt.Sprintf("closing the group: %v", err))
		}
	})
	return g
}

// tree is a child started in a group with "child spawn", and the
// grandchild it started, whose pid it printed.
type tree struct {
	child      *procfd.Handle
	grandchild windows.Handle // SYNCHRONIZE | PROCESS_TERMINATE
	gpid       int
}

// startTree starts "child spawn" in g and waits for the grandchild's pid.
// Both are killed at cleanup, whatever the spec did to them. The child's
// stderr is the suite's: if it cannot start the grandchild, it says why.
func startTree(g *procfd.Group, killOnClose bool) *tree {
	r, w, err := os.Pipe()
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		r.Close()
		w.Close()
	})
	h, err := winhost.Start(childExe(), []string{"child", "spawn"},
		&procfd.Attr{Group: g, KillOnClose: killOnClose, Files: []*os.File{nil, w, os.Stderr}})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		h.Kill()
		h.Close()
	})
	w.Close()
	t := &tree{child: h}
	_, err = fmt.Fscan(r, &t.gpid)
	Expect(err).NotTo(HaveOccurred())
	t.grandchild, err = windows.OpenProcess(windows.SYNCHRONIZE|windows.PROCESS_TERMINATE, false, uint32(t.gpid))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		windows.TerminateProcess(t.grandchild, 1)
		windows.CloseHandle(t.grandchild)
	})
	return t
}

func (t *tree) grandchildEnded(within time.Duration) bool {
	ev, _ := windows.WaitForSingleObject(t.grandchild, uint32(within.Milliseconds()))
	return ev == windows.WAIT_OBJECT_0
}

func waitCtx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	DeferCleanup(cancel)
	return ctx
}

var _ = Describe("groups on a job object", Label("job"), func() {
	It("is the mechanism, and the others are unsupported", func() {
		g := newGroup(nil)
		Expect(g.Mechanism()).To(Equal(procfd.MechanismJob))
		g2 := newGroup(&procfd.GroupAttr{Mechanism: procfd.MechanismJob})
		Expect(g2.Mechanism()).To(Equal(procfd.MechanismJob))
		for _, m := range []procfd.Mechanism{procfd.MechanismCgroup, procfd.MechanismProcessGroup, procfd.MechanismReaper} {
			_, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: m})
			Expect(errors.Is(err, procfd.ErrUnsupported)).To(BeTrue(), "%s: %v", m, err)
		}
		_, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: "nonesuch"})
		Expect(errors.Is(err, syscall.EINVAL)).To(BeTrue(), "%v", err)
	})

	It("is empty before anything starts in it", func() {
		g := newGroup(nil)
		Expect(signalledNow(g.Fd())).To(BeTrue())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		Expect(g.Wait(ctx)).To(Succeed())
		Expect(g.Pids()).To(BeEmpty())
		Expect(g.Signal(syscall.Signal(0))).To(MatchError(os.ErrProcessDone))
		Expect(g.Kill()).To(MatchError(os.ErrProcessDone))
	})

	It("waits for the child and the grandchild, and Fd is signalled exactly when both have ended", func() {
		g := newGroup(nil)
		t := startTree(g, false)
		Expect(signalledNow(g.Fd())).To(BeFalse())
		Expect(g.Pids()).To(ConsistOf(t.child.Pid(), t.gpid))
		Expect(g.Signal(syscall.Signal(0))).To(Succeed())
		Expect(errors.Is(g.Signal(os.Interrupt), procfd.ErrUnsupported)).To(BeTrue())

		// The child ends; the grandchild keeps the group populated.
		Expect(t.child.Kill()).To(Succeed())
		st, err := t.child.Wait(waitCtx())
		Expect(err).NotTo(HaveOccurred())
		Expect(st.ExitCode).To(Equal(1))
		Consistently(func() bool { return signalledNow(g.Fd()) }).
			WithTimeout(time.Second).WithPolling(50 * time.Millisecond).Should(BeFalse())
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		Expect(g.Wait(ctx)).To(MatchError(context.DeadlineExceeded))
		Expect(g.Pids()).To(ConsistOf(t.gpid))

		// The grandchild ends, from outside procfd: the job's message
		// wakes the group.
		waited := make(chan error, 1)
		go func() { waited <- g.Wait(context.Background()) }()
		Consistently(waited).WithTimeout(200 * time.Millisecond).ShouldNot(Receive())
		Expect(windows.TerminateProcess(t.grandchild, 3)).To(Succeed())
		Eventually(waited).WithTimeout(waitTimeout).Should(Receive(BeNil()))
		Expect(signalledNow(g.Fd())).To(BeTrue())
		Expect(g.Pids()).To(BeEmpty())
		Expect(g.Signal(syscall.Signal(0))).To(MatchError(os.ErrProcessDone))
	})

	It("makes Fd unsignalled again when a process starts in the emptied group", func() {
		g := newGroup(nil)
		h, err := winhost.Start(childExe(), []string{"child", "exit", "0"}, &procfd.Attr{Group: g})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(h.Close)
		Expect(g.Wait(waitCtx())).To(Succeed())
		Expect(signalledNow(g.Fd())).To(BeTrue())
		h2, err := winhost.Start(childExe(), []string{"child", "sleep"}, &procfd.Attr{Group: g})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(h2.Close)
		Expect(signalledNow(g.Fd())).To(BeFalse())
		Expect(h2.Kill()).To(Succeed())
		Expect(g.Wait(waitCtx())).To(Succeed())
		Expect(signalledNow(g.Fd())).To(BeTrue())
	})

	It("kills the child and the grandchild with Kill", func() {
		g := newGroup(nil)
		t := startTree(g, false)
		Expect(g.Kill()).To(Succeed())
		Expect(g.Wait(waitCtx())).To(Succeed())
		Expect(t.grandchildEnded(waitTimeout)).To(BeTrue())
		st, err := t.child.Wait(waitCtx())
		Expect(err).NotTo(HaveOccurred())
		Expect(st.ExitCode).To(Equal(1))
		Expect(g.Kill()).To(MatchError(os.ErrProcessDone))
	})

	It("with KillOnClose, ends both at Close and returns once the group is empty", func() {
		g := newGroup(&procfd.GroupAttr{KillOnClose: true})
		t := startTree(g, false)
		Expect(g.Close()).To(Succeed())
		// Empty: both have ended; their handles are signalled at most
		// a moment later.
		Expect(t.grandchildEnded(5 * time.Second)).To(BeTrue())
		st, err := t.child.Wait(waitCtx())
		Expect(err).NotTo(HaveOccurred())
		Expect(st.ExitCode).To(Equal(1))
	})

	It("without KillOnClose, leaves the processes running at Close", func() {
		g := newGroup(nil)
		t := startTree(g, false)
		Expect(g.Close()).To(Succeed())
		Consistently(func() bool { return t.grandchildEnded(0) }).
			WithTimeout(500 * time.Millisecond).Should(BeFalse())
		Expect(t.child.Signal(syscall.Signal(0))).To(Succeed())
	})

	It("gives ErrClosed once closed, and a Start into it fails and leaves nothing", func() {
		g := newGroup(nil)
		Expect(g.Close()).To(Succeed())
		Expect(g.Close()).To(MatchError(procfd.ErrClosed))
		Expect(g.Wait(nil)).To(MatchError(procfd.ErrClosed))
		_, err := g.Pids()
		Expect(err).To(MatchError(procfd.ErrClosed))
		Expect(g.Signal(syscall.Signal(0))).To(MatchError(procfd.ErrClosed))
		Expect(g.Kill()).To(MatchError(procfd.ErrClosed))
		Expect(g.Fd()).To(Equal(^uintptr(0)))

		// A child would hold the pipe's write end: end of file at once
		// says there is none.
		r, w, err := os.Pipe()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(r.Close)
		_, err = procfd.Start(childExe(), []string{"child", "spawn"},
			&procfd.Attr{Group: g, Files: []*os.File{nil, w, nil}})
		Expect(errors.Is(err, procfd.ErrClosed)).To(BeTrue(), "%v", err)
		Expect(w.Close()).To(Succeed())
		out, err := io.ReadAll(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(BeEmpty())
	})

	It("stays empty after a Start in it that fails", func() {
		g := newGroup(nil)
		_, err := procfd.Start(`C:\no\such\program.exe`, []string{"x"}, &procfd.Attr{Group: g})
		Expect(err).To(HaveOccurred())
		Expect(signalledNow(g.Fd())).To(BeTrue())
		Expect(g.Pids()).To(BeEmpty())
		_, err = procfd.Start(childExe(), []string{"child"}, &procfd.Attr{Group: g, Setsid: true})
		Expect(errors.Is(err, procfd.ErrUnsupported)).To(BeTrue(), "%v", err)
		Expect(signalledNow(g.Fd())).To(BeTrue())
	})

	It("nests a KillOnClose handle's job in the group's: closing the handle ends the tree, and the group sees it", func() {
		g := newGroup(nil)
		t := startTree(g, true)
		Expect(g.Pids()).To(ConsistOf(t.child.Pid(), t.gpid))
		Expect(t.child.Close()).To(Succeed())
		Expect(t.grandchildEnded(waitTimeout)).To(BeTrue())
		Expect(g.Wait(waitCtx())).To(Succeed())
	})

	It("holds no thread per group", func() {
		const n = 12
		before := threads()
		for range n {
			g := newGroup(&procfd.GroupAttr{KillOnClose: true})
			_, err := winhost.Start(childExe(), []string{"child", "sleep"}, &procfd.Attr{Group: g})
			Expect(err).NotTo(HaveOccurred())
			go g.Wait(context.Background())
		}
		time.Sleep(500 * time.Millisecond) // let every watcher and waiter park
		during := threads()
		AddReportEntry("threads", fmt.Sprintf("%d before, %d with %d groups awaited", before, during, n))
		// The port's reader, the wait pool's one waiter, and room for a
		// few of the runtime's.
		Expect(during - before).To(BeNumerically("<=", 2+4))
	})
})

var _ = Describe("FromProcess", func() {
	It("waits for an exec.Cmd's process through the handle", func() {
		cmd, stdin := startReadExit(7)
		h, err := procfd.FromProcess(cmd.Process)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(h.Close)
		Expect(h.Pid()).To(Equal(cmd.Process.Pid))
		Expect(h.Backend()).To(Equal(procfd.BackendHandle))
		Expect(h.Signal(syscall.Signal(0))).To(Succeed())
		Expect(signalledNow(h.Fd())).To(BeFalse())
		Expect(stdin.Close()).To(Succeed())
		st, err := h.Wait(waitCtx())
		Expect(err).NotTo(HaveOccurred())
		Expect(st.ExitCode).To(Equal(7))
		Expect(st.Pid).To(Equal(cmd.Process.Pid))
		// Windows reaps nothing: cmd.Wait still sees the same exit.
		Expect(cmd.Wait()).To(MatchError(ContainSubstring("exit status 7")))
	})

	It("kills the process at Close, and owns a handle of its own", func() {
		cmd := startCmd("sleep")
		h, err := procfd.FromProcess(cmd.Process)
		Expect(err).NotTo(HaveOccurred())
		Expect(cmd.Process.Release()).To(Succeed()) // closes os's handle, not ours
		Expect(h.Signal(syscall.Signal(0))).To(Succeed())
		done := h.Done()
		Expect(h.Close()).To(Succeed())
		Expect(done).To(BeClosed())
	})

	It("refuses nil, and a process already waited for", func() {
		_, err := procfd.FromProcess(nil)
		Expect(errors.Is(err, syscall.EINVAL)).To(BeTrue(), "%v", err)
		cmd := startCmd("exit", "0")
		Expect(cmd.Wait()).To(Succeed())
		// os closes its handle in Wait: "os: process already
		// released", an error of its own.
		h, err := procfd.FromProcess(cmd.Process)
		Expect(err).To(HaveOccurred())
		Expect(h).To(BeNil())
		Expect(errors.Is(err, procfd.ErrUnsupported)).To(BeFalse(), "%v", err)
	})
})
