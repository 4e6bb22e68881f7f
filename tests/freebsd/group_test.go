//go:build freebsd

package freebsdtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
)

// daemonScript starts, and prints the PIDs of, three descendants: one in
// the background, one that a subshell leaves behind (a double fork), and a
// classic daemon, which daemon(8) starts in a new session after a fork of
// its own. The shell itself exits at once.
const daemonScript = `sleep 1000 & echo $!
(sleep 1002 & echo $!)
/usr/sbin/daemon /bin/sh -c 'sleep 1001 & echo $!'
exit 0`

// descendants of daemonScript, by what they did.
type descendants struct{ background, doubleForked, daemon int }

func (d descendants) all() []int { return []int{d.background, d.doubleForked, d.daemon} }

// String describes each descendant as ps shows it, for a failure message.
func (d descendants) String() string {
	var b strings.Builder
	for _, pid := range d.all() {
		out, err := exec.Command("ps", "-o", "pid=,ppid=,pgid=,sid=,stat=,command=", "-p", strconv.Itoa(pid)).Output()
		fmt.Fprintf(&b, "pid %d: %s %v\n", pid, strings.TrimSpace(string(out)), err)
	}
	return b.String()
}

// startDaemonScript runs daemonScript in g and returns its descendants
// once the shell has exited. Any that outlives the spec is killed.
func startDaemonScript(g *procfd.Group) descendants {
	GinkgoHelper()
	r, w, err := os.Pipe()
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(r.Close)
	h := start([]string{"/bin/sh", "-c", daemonScript}, procfd.Attr{Group: g, Files: []*os.File{nil, w, os.Stderr}})
	w.Close()
	Expect(r.SetReadDeadline(time.Now().Add(waitTimeout))).To(Succeed())
	lines := bufio.NewReader(r)
	var pids [3]int
	for i := range pids {
		line, err := lines.ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		_, err = fmt.Sscan(line, &pids[i])
		Expect(err).NotTo(HaveOccurred())
		pid := pids[i]
		DeferCleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	}
	st, err := waitFor(h)
	Expect(err).NotTo(HaveOccurred())
	Expect(st.Success()).To(BeTrue())
	return descendants{background: pids[0], doubleForked: pids[1], daemon: pids[2]}
}

// waitFor waits for h, for at most waitTimeout.
func waitFor(h *procfd.Handle) (*procfd.Status, error) {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	return h.Wait(ctx)
}

// psStat is ps's state of pid ("" if there is no such process).
func psStat(pid int) string {
	out, _ := exec.Command("ps", "-o", "stat=", "-p", strconv.Itoa(pid)).Output()
	return strings.TrimSpace(string(out))
}

// alive reports whether pid runs: a zombie has ended.
func alive(pid int) bool {
	st := psStat(pid)
	return st != "" && !strings.HasPrefix(st, "Z")
}

// zombieChildren lists this process's children that are zombies.
func zombieChildren() []int {
	GinkgoHelper()
	out, err := exec.Command("ps", "-ax", "-o", "pid=,ppid=,stat=").Output()
	Expect(err).NotTo(HaveOccurred())
	var pids []int
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[1] == strconv.Itoa(os.Getpid()) && strings.HasPrefix(f[2], "Z") {
			pid, _ := strconv.Atoi(f[0])
			pids = append(pids, pid)
		}
	}
	return pids
}

// readable polls fd once: the group's Fd is readable exactly while the
// group is empty.
func readable(fd uintptr) bool {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 0)
		if err == unix.EINTR {
			continue
		}
		Expect(err).NotTo(HaveOccurred())
		return n > 0 && fds[0].Revents&unix.POLLIN != 0
	}
}

func newGroup(attr procfd.GroupAttr) *procfd.Group {
	GinkgoHelper()
	g, err := procfd.NewGroup(&attr)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		g.Kill()
		g.Close()
	})
	return g
}

func waitGroup(g *procfd.Group) error {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	return g.Wait(ctx)
}

// waitGroupBriefly is a Wait that must not return: it gives up after
// 200 ms.
func waitGroupBriefly(g *procfd.Group) error {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	return g.Wait(ctx)
}

// doneContext is a context that is already done: Wait with it is a poll.
func doneContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

var _ = Describe("groups on the reaper mechanism", Label("group", "reaper"), func() {
	It("is the default and the only mechanism", func() {
		Expect(newGroup(procfd.GroupAttr{}).Mechanism()).To(Equal(procfd.MechanismReaper))
		Expect(newGroup(procfd.GroupAttr{Mechanism: procfd.MechanismReaper}).Mechanism()).To(Equal(procfd.MechanismReaper))
		for _, m := range []procfd.Mechanism{procfd.MechanismCgroup, procfd.MechanismProcessGroup, procfd.MechanismJob} {
			_, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: m})
			Expect(errors.Is(err, procfd.ErrUnsupported)).To(BeTrue(), "%s: %v", m, err)
		}
		_, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: "nope"})
		Expect(err).To(MatchError(syscall.EINVAL))
	})

	It("holds a background child, a double fork and a daemon in a new session", func() {
		g := newGroup(procfd.GroupAttr{})
		d := startDaemonScript(g)
		Eventually(g.Pids, waitTimeout).Should(ContainElements(d.background, d.doubleForked, d.daemon), d.String)
		// Their shells are gone: the orphans were reparented to this
		// process, the reaper, not to init.
		for _, pid := range []int{d.doubleForked, d.daemon} {
			out, err := exec.Command("ps", "-o", "ppid=", "-p", strconv.Itoa(pid)).Output()
			Expect(err).NotTo(HaveOccurred())
			Expect(strings.TrimSpace(string(out))).To(Equal(strconv.Itoa(os.Getpid())), d.String)
		}
	})

	It("signals every process in it, waits for them all, and is readable exactly then", func() {
		g := newGroup(procfd.GroupAttr{})
		d := startDaemonScript(g)
		Expect(waitGroupBriefly(g)).To(MatchError(context.DeadlineExceeded), d.String)
		Expect(readable(g.Fd())).To(BeFalse())
		Expect(g.Signal(syscall.Signal(0))).To(Succeed())

		Expect(g.Signal(syscall.SIGTERM)).To(Succeed())
		Expect(waitGroup(g)).To(Succeed(), d.String)
		Expect(readable(g.Fd())).To(BeTrue())
		for _, pid := range d.all() {
			Expect(alive(pid)).To(BeFalse(), d.String)
		}
		Expect(g.Signal(syscall.SIGTERM)).To(MatchError(os.ErrProcessDone))
		Expect(g.Signal(syscall.Signal(0))).To(MatchError(os.ErrProcessDone))
		Expect(g.Pids()).To(BeEmpty())
		// procfd reaped the orphans (none of them is a handle's).
		Eventually(zombieChildren, waitTimeout).ShouldNot(ContainElements(d.doubleForked), d.String)
		Expect(zombieChildren()).NotTo(ContainElement(d.daemon))
	})

	It("kills the whole tree on Close with KillOnClose, the daemon too", func() {
		g, err := procfd.NewGroup(&procfd.GroupAttr{KillOnClose: true})
		Expect(err).NotTo(HaveOccurred())
		d := startDaemonScript(g)
		Expect(g.Close()).To(Succeed())
		// Close returned once the tree was empty: no waiting here.
		for _, pid := range d.all() {
			Expect(alive(pid)).To(BeFalse(), d.String)
		}
	})

	It("leaves the processes running on Close without KillOnClose", func() {
		g, err := procfd.NewGroup(&procfd.GroupAttr{})
		Expect(err).NotTo(HaveOccurred())
		d := startDaemonScript(g)
		Expect(g.Close()).To(Succeed())
		Consistently(func() bool { return alive(d.background) }, "200ms").Should(BeTrue())
		Expect(alive(d.doubleForked)).To(BeTrue())
		Expect(alive(d.daemon)).To(BeTrue())
		// procfd still reaps the group's orphans until the group is
		// empty, which it watches after Close.
		for _, pid := range d.all() {
			Expect(syscall.Kill(pid, syscall.SIGKILL)).To(Succeed())
		}
		Eventually(zombieChildren, waitTimeout).ShouldNot(ContainElements(d.doubleForked), d.String)
	})

	It("keeps a child that moves to a new session: Setsid is allowed", func() {
		g := newGroup(procfd.GroupAttr{})
		h := start([]string{"/bin/sleep", "1000"}, procfd.Attr{Group: g, Setsid: true})
		Expect(g.Pids()).To(ConsistOf(h.Pid()))
		Expect(g.Kill()).To(Succeed())
		Expect(waitGroup(g)).To(Succeed())
		st, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Signal).To(Equal(syscall.SIGKILL))
	})

	It("is empty and readable before anything starts in it, and not once something does", func() {
		g := newGroup(procfd.GroupAttr{})
		Expect(readable(g.Fd())).To(BeTrue())
		Expect(g.Wait(doneContext())).To(Succeed())

		h := start([]string{"/bin/sleep", "1000"}, procfd.Attr{Group: g})
		Expect(readable(g.Fd())).To(BeFalse())
		Expect(g.Wait(doneContext())).To(MatchError(context.Canceled))
		Consistently(func() bool { return readable(g.Fd()) }, "200ms").Should(BeFalse())

		Expect(h.Kill()).To(Succeed())
		// The child's exit note wakes the group at once; allow the
		// 100 ms look besides.
		Eventually(func() bool { return readable(g.Fd()) }, waitTimeout).Should(BeTrue())
		Expect(g.Wait(doneContext())).To(Succeed())
		// The child is a zombie until its handle reaps it, and counts
		// as gone.
		Expect(psStat(h.Pid())).To(HavePrefix("Z"))
		_, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		// A new child in the group after its root was reaped.
		h2 := start([]string{"/bin/sleep", "1000"}, procfd.Attr{Group: g})
		Expect(g.Pids()).To(ConsistOf(h2.Pid()))
		Expect(readable(g.Fd())).To(BeFalse())
	})

	It("never counts or signals a process outside it, a child of this program included", func() {
		g := newGroup(procfd.GroupAttr{})
		outside := exec.Command("/bin/sleep", "1000")
		Expect(outside.Start()).To(Succeed())
		DeferCleanup(func() {
			outside.Process.Kill()
			outside.Wait()
		})
		h := start([]string{"/bin/sleep", "1000"}, procfd.Attr{Group: g})
		Expect(g.Pids()).To(ConsistOf(h.Pid()))
		Expect(g.Kill()).To(Succeed())
		Expect(waitGroup(g)).To(Succeed())
		Expect(alive(outside.Process.Pid)).To(BeTrue())
	})

	It("makes the whole program a reaper: an orphan from outside the groups comes to it, unreaped", func() {
		newGroup(procfd.GroupAttr{})
		out, err := exec.Command("/bin/sh", "-c", "sleep 1000 & echo $!").Output()
		Expect(err).NotTo(HaveOccurred())
		pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
		Expect(err).NotTo(HaveOccurred())
		ppid, err := exec.Command("ps", "-o", "ppid=", "-p", strconv.Itoa(pid)).Output()
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.TrimSpace(string(ppid))).To(Equal(strconv.Itoa(os.Getpid())))
		Expect(syscall.Kill(pid, syscall.SIGKILL)).To(Succeed())
		// Not in a group: this program's to reap, and procfd leaves it.
		Consistently(func() bool { return psStat(pid) != "" }, "300ms").Should(BeTrue())
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(pid, &ws, 0, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(pid))
	})

	It("is left as it was by a failed start", func() {
		g := newGroup(procfd.GroupAttr{})
		zombies := zombieChildren()
		_, err := procfd.Start("/nonexistent/procfd-test", []string{"x"}, &procfd.Attr{Group: g})
		Expect(err).To(MatchError(syscall.ENOENT))
		Expect(g.Pids()).To(BeEmpty())
		Expect(readable(g.Fd())).To(BeTrue())
		Expect(g.Wait(doneContext())).To(Succeed())
		Expect(zombieChildren()).To(ConsistOf(zombies), "no zombie left by the failed start")
	})

	It("refuses everything once closed", func() {
		g, err := procfd.NewGroup(&procfd.GroupAttr{})
		Expect(err).NotTo(HaveOccurred())
		Expect(g.Close()).To(Succeed())
		Expect(g.Close()).To(MatchError(procfd.ErrClosed))
		Expect(g.Signal(syscall.SIGTERM)).To(MatchError(procfd.ErrClosed))
		Expect(g.Kill()).To(MatchError(procfd.ErrClosed))
		Expect(g.Wait(nil)).To(MatchError(procfd.ErrClosed))
		_, err = g.Pids()
		Expect(err).To(MatchError(procfd.ErrClosed))
		Expect(g.Fd()).To(Equal(^uintptr(0)))
		_, err = procfd.Start("/usr/bin/true", []string{"true"}, &procfd.Attr{Group: g})
		Expect(err).To(MatchError(procfd.ErrClosed))
	})

	It("ends a Wait in progress at Close", func() {
		g, err := procfd.NewGroup(&procfd.GroupAttr{})
		Expect(err).NotTo(HaveOccurred())
		h := start([]string{"/bin/sleep", "1000"}, procfd.Attr{Group: g})
		waited := make(chan error, 1)
		go func() { waited <- g.Wait(nil) }()
		Consistently(waited, "100ms").ShouldNot(Receive())
		Expect(g.Close()).To(Succeed())
		Eventually(waited, waitTimeout).Should(Receive(MatchError(procfd.ErrClosed)))
		Expect(h.Kill()).To(Succeed())
	})

	It("refuses a zero Group", func() {
		_, err := procfd.Start("/usr/bin/true", []string{"true"}, &procfd.Attr{Group: &procfd.Group{}})
		Expect(err).To(MatchError(syscall.EINVAL))
	})
})
