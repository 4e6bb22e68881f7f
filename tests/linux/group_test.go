//go:build linux

package linux_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/emulator"
	"github.com/procfd/procfd/tests/internal/procstat"
	"github.com/procfd/procfd/tests/internal/testbin"
)

// daemonScript starts, and prints the PIDs of, three descendants: one in
// the background, one that a subshell leaves behind (a double fork), and a
// classic daemon, which calls setsid and forks again. The shell itself
// exits at once.
const daemonScript = `sleep 1000 & echo $!
(sleep 1002 & echo $!)
setsid sh -c 'sleep 1001 & echo $!'
exit 0`

// relayScript hands the group on through 300 generations of shells, each
// of which forks the next and exits, so that the group is never empty
// while no member lives long. The last prints a line and sleeps.
const relayScript = `relay() {
	if [ "$1" -gt 0 ]; then relay $(($1 - 1)) & exit 0; fi
	echo relayed; exec sleep 1000
}
relay 300`

// descendants of daemonScript, by what they did.
type descendants struct{ background, doubleForked, daemon int }

// String describes each descendant as /proc/PID/stat shows it, for a
// failure message.
func (d descendants) String() string {
	var b strings.Builder
	for _, pid := range []int{d.background, d.doubleForked, d.daemon} {
		st, err := procstat.ReadStat(pid)
		fmt.Fprintf(&b, "pid %d: %+v %v\n", pid, st, err)
	}
	return b.String()
}

// startDaemonScript runs daemonScript in g and returns its descendants
// once the shell has exited. Any that outlives the spec is killed.
func startDaemonScript(g *procfd.Group) descendants {
	GinkgoHelper()
	r, w := newPipe()
	h, err := procfd.Start(bin("sh"), []string{"sh", "-c", daemonScript},
		&procfd.Attr{Group: g, Files: []*os.File{nil, w, os.Stderr}})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(dispose, h)
	w.Close()
	Expect(r.SetReadDeadline(time.Now().Add(waitTimeout))).To(Succeed())
	lines := bufio.NewReader(r)
	var pids [3]int
	for i := range pids {
		line, err := lines.ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		_, err = fmt.Sscan(line, &pids[i])
		Expect(err).NotTo(HaveOccurred())
		killWhenDone(pids[i], "sleep")
	}
	st, err := waitFor(h)
	Expect(err).NotTo(HaveOccurred())
	Expect(st.Success()).To(BeTrue())
	return descendants{background: pids[0], doubleForked: pids[1], daemon: pids[2]}
}

// alive reports whether pid runs: a zombie has ended.
func alive(pid int) bool {
	st, err := procstat.ReadStat(pid)
	return err == nil && st.State != 'Z'
}

func newGroup(attr procfd.GroupAttr) *procfd.Group {
	GinkgoHelper()
	g, err := procfd.NewGroup(&attr)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		if errors.Is(g.Kill(), procfd.ErrClosed) {
			return // the spec closed it
		}
		// Closed once empty, the group's cgroup is removed before the
		// spec ends. Closed while its members die, it would be left to
		// the watcher, which a process that exits at once never lets
		// run: the suite under a seccomp filter runs a few specs and
		// exits, and left procfd-PID-2 directories behind that way.
		Expect(waitGroup(g)).To(Succeed())
		Expect(g.Close()).To(Succeed())
	})
	return g
}

func waitGroup(g *procfd.Group) error {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	return g.Wait(ctx)
}

// waitGroupBriefly is a Wait that must not return: it gives up at once
// after 200 ms.
func waitGroupBriefly(g *procfd.Group) error {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	return g.Wait(ctx)
}

// cgroupDirOf finds the directory of pid's cgroup v2 through
// /proc/self/mountinfo, as procfd does.
func cgroupDirOf(pid int) string {
	GinkgoHelper()
	content, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	Expect(err).NotTo(HaveOccurred())
	var path string
	for _, line := range strings.Split(string(content), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			path = p
		}
	}
	Expect(path).NotTo(BeEmpty())
	return filepath.Join(cgroup2MountPoint(), path)
}

func cgroup2MountPoint() string {
	GinkgoHelper()
	info, err := os.ReadFile("/proc/self/mountinfo")
	Expect(err).NotTo(HaveOccurred())
	for _, line := range strings.Split(string(info), "\n") {
		if mine, theirs, ok := strings.Cut(line, " - "); ok && strings.HasPrefix(theirs, "cgroup2 ") {
			fields := strings.Fields(mine)
			Expect(fields[3]).To(Equal("/"), "a cgroup2 mount whose root is not /")
			return fields[4]
		}
	}
	Fail("no cgroup2 mount")
	return ""
}

// skipWithoutGroups skips where the machine has no writable cgroup v2: the
// cgroup mechanism's specs need one (CI runs as root, with one).
func skipWithoutCgroups() {
	GinkgoHelper()
	g, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: procfd.MechanismCgroup})
	if err != nil {
		Skip("no cgroup v2 group can be made here: " + err.Error())
	}
	g.Close()
}

// skipWithoutPgroups skips where the process-group mechanism is
// unsupported: in a program built without cgo, which has no anchor.
func skipWithoutPgroups() {
	GinkgoHelper()
	g, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: procfd.MechanismProcessGroup})
	if errors.Is(err, procfd.ErrUnsupported) {
		Skip("no pgroup mechanism here: " + err.Error())
	}
	Expect(err).NotTo(HaveOccurred())
	g.Close()
}

var _ = Describe("groups", Label("group"), func() {
	for _, mechanism := range []procfd.Mechanism{procfd.MechanismCgroup, procfd.MechanismProcessGroup} {
		cgroup := mechanism == procfd.MechanismCgroup
		Context("on the "+string(mechanism)+" mechanism", Label(string(mechanism)), func() {
			BeforeEach(func() {
				if cgroup {
					skipWithoutCgroups()
				} else {
					skipWithoutPgroups()
				}
			})

			attr := func(killOnClose bool) procfd.GroupAttr {
				return procfd.GroupAttr{Mechanism: mechanism, KillOnClose: killOnClose}
			}

			It("reports its mechanism", func() {
				Expect(newGroup(attr(false)).Mechanism()).To(Equal(mechanism))
			})

			It("holds a background child and a double fork; the daemon too only on a cgroup", func() {
				g := newGroup(attr(false))
				d := startDaemonScript(g)
				pids, err := g.Pids()
				Expect(err).NotTo(HaveOccurred())
				Expect(pids).To(ContainElements(d.background, d.doubleForked))
				if cgroup {
					Expect(pids).To(ContainElement(d.daemon))
				} else {
					// The documented limit: setsid leaves the group.
					Expect(pids).NotTo(ContainElement(d.daemon))
				}
			})

			It("signals every process in it, waits for them all, and is readable exactly then", func() {
				g := newGroup(attr(false))
				d := startDaemonScript(g)
				Expect(waitGroupBriefly(g)).To(MatchError(context.DeadlineExceeded), d.String)
				Expect(readable(int(g.Fd()))).To(BeFalse())

				Expect(g.Signal(syscall.SIGTERM)).To(Succeed())
				Expect(waitGroup(g)).To(Succeed())
				Expect(readable(int(g.Fd()))).To(BeTrue())
				Expect(alive(d.background)).To(BeFalse())
				Expect(alive(d.doubleForked)).To(BeFalse())
				Expect(alive(d.daemon)).To(Equal(!cgroup))
				Expect(g.Signal(syscall.SIGTERM)).To(MatchError(os.ErrProcessDone))
				Expect(g.Pids()).To(BeEmpty())
			})

			It("kills the tree on Close with KillOnClose, and leaves no process and no cgroup", func() {
				g, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: mechanism, KillOnClose: true})
				Expect(err).NotTo(HaveOccurred())
				d := startDaemonScript(g)
				dir := ""
				if cgroup {
					dir = cgroupDirOf(d.background)
					Expect(dir).To(BeADirectory())
				}
				Expect(g.Close()).To(Succeed())
				// Close returned once the tree was empty: no waiting here.
				Expect(alive(d.background)).To(BeFalse())
				Expect(alive(d.doubleForked)).To(BeFalse())
				Expect(alive(d.daemon)).To(Equal(!cgroup))
				if cgroup {
					Expect(dir).NotTo(BeADirectory())
				}
			})

			It("leaves the processes running on Close without KillOnClose", func() {
				g, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: mechanism})
				Expect(err).NotTo(HaveOccurred())
				d := startDaemonScript(g)
				dir := ""
				if cgroup {
					dir = cgroupDirOf(d.background)
				}
				Expect(g.Close()).To(Succeed())
				Consistently(func() bool { return alive(d.background) }, "200ms").Should(BeTrue())
				Expect(alive(d.doubleForked)).To(BeTrue())
				if cgroup {
					// Removed once the last of them has ended.
					Expect(dir).To(BeADirectory())
					for _, pid := range []int{d.background, d.doubleForked, d.daemon} {
						syscall.Kill(pid, syscall.SIGKILL)
					}
					Eventually(dir, waitTimeout).ShouldNot(BeADirectory())
				}
			})

			It("is empty and readable before anything starts in it, and not once something does", func() {
				g := newGroup(attr(false))
				Expect(readable(int(g.Fd()))).To(BeTrue())
				Expect(g.Wait(doneContext())).To(Succeed())

				h := startOn("", []string{"sleep", "1000"}, procfd.Attr{Group: g})
				Expect(readable(int(g.Fd()))).To(BeFalse())
				Expect(g.Wait(doneContext())).To(MatchError(context.Canceled))
				Consistently(func() bool { return readable(int(g.Fd())) }, "200ms").Should(BeFalse())

				Expect(h.Kill()).To(Succeed())
				Eventually(func() bool { return readable(int(g.Fd())) }, waitTimeout).Should(BeTrue())
				Expect(g.Wait(doneContext())).To(Succeed())
				// The child is a zombie until its handle reaps it, and
				// counts as gone.
				Expect(procstat.IsZombie(h.Pid())).To(BeTrue())
				_, err := waitFor(h)
				Expect(err).NotTo(HaveOccurred())
			})

			It("is left as it was by a failed start", func() {
				g := newGroup(attr(false))
				zombies := procstat.ZombieChildren(os.Getpid())
				_, err := procfd.Start("/nonexistent/procfd-test", []string{"x"}, &procfd.Attr{Group: g})
				Expect(err).To(MatchError(syscall.ENOENT))
				Expect(g.Pids()).To(BeEmpty())
				Expect(readable(int(g.Fd()))).To(BeTrue())
				Expect(g.Wait(doneContext())).To(Succeed())
				Expect(procstat.ZombieChildren(os.Getpid())).To(ConsistOf(zombies), "no zombie left by the failed start")
			})

			It("refuses everything once closed", func() {
				g, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: mechanism})
				Expect(err).NotTo(HaveOccurred())
				Expect(g.Close()).To(Succeed())
				Expect(g.Close()).To(MatchError(procfd.ErrClosed))
				Expect(g.Signal(syscall.SIGTERM)).To(MatchError(procfd.ErrClosed))
				Expect(g.Kill()).To(MatchError(procfd.ErrClosed))
				Expect(g.Wait(nil)).To(MatchError(procfd.ErrClosed))
				_, err = g.Pids()
				Expect(err).To(MatchError(procfd.ErrClosed))
				Expect(g.Fd()).To(Equal(^uintptr(0)))
				_, err = procfd.Start(bin("true"), []string{"true"}, &procfd.Attr{Group: g})
				Expect(err).To(MatchError(procfd.ErrClosed))
			})

			It("still learns that it is empty when a Kill found it so first", func() {
				g := newGroup(attr(false))
				r, w := newPipe()
				h := startOn("", []string{"sh", "-c", "sleep 1000 & echo $!"}, procfd.Attr{Group: g, Files: []*os.File{nil, w, os.Stderr}})
				w.Close()
				grandchild := readPid(r)
				_, err := waitFor(h)
				Expect(err).NotTo(HaveOccurred())
				// The grandchild is no child of ours: its end sends us no
				// SIGCHLD, and the Kill's look is the first to see it.
				Expect(syscall.Kill(grandchild, syscall.SIGKILL)).To(Succeed())
				Eventually(func() bool { return alive(grandchild) }, waitTimeout).Should(BeFalse())
				Expect(g.Kill()).To(MatchError(os.ErrProcessDone))
				// The descriptor is the watcher's word alone (a Wait's
				// last look could stand in for it).
				Eventually(func() bool { return readable(int(g.Fd())) }, waitTimeout).Should(BeTrue())
				Expect(g.Wait(doneContext())).To(Succeed())
			})

			It("stays populated while each member starts the next and exits", func() {
				g := newGroup(attr(false))
				r, w := newPipe()
				startOn("", []string{"sh", "-c", relayScript}, procfd.Attr{Group: g, Files: []*os.File{nil, w, os.Stderr}})
				w.Close()
				relayed := make(chan error, 1)
				go func() {
					_, err := bufio.NewReader(r).ReadString('\n')
					relayed <- err
				}()
				// Each look races a handover: the member it lists may
				// have exited, and its successor been born, before the
				// look reads the member's state.
				for looks := 0; ; looks++ {
					select {
					case err := <-relayed:
						Expect(err).NotTo(HaveOccurred())
						Expect(looks).To(BeNumerically(">", 0), "the relay ended before the first look")
						Expect(g.Kill()).To(Succeed())
						Expect(waitGroup(g)).To(Succeed())
						return
					default:
					}
					Expect(readable(int(g.Fd()))).To(BeFalse(), "the flag, at look %d", looks)
					Expect(g.Wait(doneContext())).To(MatchError(context.Canceled), "Wait's look %d", looks)
				}
			})

			It("ends a Wait in progress at Close", func() {
				g, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: mechanism})
				Expect(err).NotTo(HaveOccurred())
				h := startOn("", []string{"sleep", "1000"}, procfd.Attr{Group: g})
				waited := make(chan error, 1)
				go func() { waited <- g.Wait(nil) }()
				Consistently(waited, "100ms").ShouldNot(Receive())
				Expect(g.Close()).To(Succeed())
				Eventually(waited, waitTimeout).Should(Receive(MatchError(procfd.ErrClosed)))
				Expect(h.Kill()).To(Succeed())
			})

			It("waits for 100 groups of 10 processes at once on a handful of threads", Label("slow"), func() {
				emulator.Skip("a thousand processes under qemu-user take minutes")
				const groups, perGroup, maxThreads = 100, 10, 16
				r, w, err := os.Pipe()
				Expect(err).NotTo(HaveOccurred())
				devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(func() {
					r.Close()
					w.Close()
					devnull.Close()
				})

				var all []*procfd.Group
				for range groups {
					g := newGroup(attr(true))
					all = append(all, g)
					for range perGroup {
						// Each cat reads the one pipe: closing its
						// write end ends them all.
						startOn("", []string{"cat"}, procfd.Attr{Group: g, Files: []*os.File{r, devnull, devnull}})
					}
				}
				var wg sync.WaitGroup
				errs := make(chan error, groups)
				for _, g := range all {
					wg.Add(1)
					go func() {
						defer wg.Done()
						errs <- waitGroup(g)
					}()
				}
				Consistently(func() int { return len(errs) }, "300ms").Should(BeZero())
				threads := procstat.Threads()
				Expect(threads).To(BeNumerically("<=", maxThreads))
				w.Close()
				wg.Wait()
				close(errs)
				for err := range errs {
					Expect(err).NotTo(HaveOccurred())
				}
				fmt.Fprintf(GinkgoWriter, "%s: %d groups of %d awaited on %d threads\n", mechanism, groups, perGroup, threads)
			})
		})
	}

	Context("on the cgroup mechanism", Label("cgroup"), func() {
		BeforeEach(skipWithoutCgroups)

		It("is picked by default where a cgroup can be made", func() {
			Expect(newGroup(procfd.GroupAttr{}).Mechanism()).To(Equal(procfd.MechanismCgroup))
		})

		It("keeps a process that moves to a new session and process group", func() {
			g := newGroup(procfd.GroupAttr{})
			h := startOn("", []string{"sleep", "1000"}, procfd.Attr{Group: g, Setsid: true})
			Expect(g.Pids()).To(ConsistOf(h.Pid()))
			Expect(g.Kill()).To(Succeed())
			Expect(waitGroup(g)).To(Succeed())
			st, err := waitFor(h)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.Signal).To(Equal(syscall.SIGKILL))
		})

		for _, backend := range []procfd.Backend{procfd.BackendPidfd, procfd.BackendPipe} {
			It("places the child on the "+string(backend)+" backend before it runs", Label(string(backend)), func() {
				g := newGroup(procfd.GroupAttr{})
				r, w := newPipe()
				h, err := procfd.Start(bin("cat"), []string{"cat", "/proc/self/cgroup"},
					&procfd.Attr{Backend: backend, Group: g, Files: []*os.File{nil, w, os.Stderr}})
				if !builtWithCgo && errors.Is(err, syscall.ENOSYS) {
					// The documented limit: Go's own spawn places a
					// child only with clone3, which is refused here
					// (a seccomp filter, qemu-user), where the C
					// spawn has the child move itself.
					Expect(g.Pids()).To(BeEmpty())
					Skip("built without cgo, where clone3 is refused: " + err.Error())
				}
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(dispose, h)
				w.Close()
				_, err = waitFor(h)
				Expect(err).NotTo(HaveOccurred())
				out := make([]byte, 4096)
				n, _ := r.Read(out)
				Expect(string(out[:n])).To(MatchRegexp(`(?m)^0::/.*procfd-\d+-\d+$`))
			})
		}

		It("falls back to a process group where the cgroup hierarchy is read-only, and says why when forced", Serial, func() {
			emulator.Skip("the helper remounts the hierarchy in a mount namespace of its own, which qemu-user does not emulate")
			skipWithoutPgroups() // the fallback
			if _, err := exec.LookPath("unshare"); err != nil {
				Skip("no unshare(1) here")
			}
			mount := cgroup2MountPoint()
			// A mount namespace of the helper's own, in which the
			// hierarchy is read-only: as on a host whose cgroups are
			// not delegated to us.
			cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c",
				`mount -o remount,bind,ro "$1" && exec "$2"`, "sh", mount, testbin.Path(testbin.GroupFallback))
			cmd.Env = envWithoutBackend()
			out, err := cmd.CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(out))
			Expect(string(out)).To(ContainSubstring("default: pgroup\n"))
			Expect(string(out)).To(MatchRegexp(`forced cgroup: procfd: new group: mkdir .*procfd-\d+-\d+: read-only file system\n`))
			Expect(string(out)).To(ContainSubstring("start in the default group: ok, closed: ok\n"))
		})
	})

	It("on the pgroup mechanism, misses a member that /proc hides, as documented", Label("pgroup"), func() {
		emulator.Skip("the helper mounts a proc in a mount namespace of its own, which qemu-user does not emulate")
		skipWithoutPgroups()
		for _, tool := range []string{"unshare", "setpriv"} {
			if _, err := exec.LookPath(tool); err != nil {
				Skip("no " + tool + "(1) here")
			}
		}
		// A proc that hides what the helper may not ptrace (hidepid=2,
		// and a gid the helper is not in, since that gid sees all),
		// and a helper without CAP_SYS_PTRACE, which would see all.
		cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c",
			`mount -t proc -o hidepid=2,gid=4242 proc /proc &&
			exec setpriv --inh-caps=-sys_ptrace --bounding-set=-sys_ptrace "$1"`,
			"sh", testbin.Path(testbin.HiddenMember))
		cmd.Env = envWithoutBackend()
		out, err := cmd.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(Equal("hidden: true\npids: [] <nil>\nwait: <nil>\n" +
			"member runs: true\nkilled through its handle: ok\n"))
	})

	It("with Subreaper, adopts the orphans of a process group, learns of their end and reaps them", Label("pgroup"), func() {
		skipWithoutPgroups()
		emulator.Skip("qemu-user refuses prctl PR_SET_CHILD_SUBREAPER (EINVAL)")
		// Apart: a subreaper stays one for the life of its process.
		out, err := testbin.Command(testbin.Path(testbin.Subreaper)).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(Equal("adopted: 2\nwait: ok\nzombies left: 0\n"))
	})

	It("refuses an unknown mechanism, and those of other systems as unsupported", func() {
		_, err := procfd.NewGroup(&procfd.GroupAttr{Mechanism: "nope"})
		Expect(err).To(MatchError(syscall.EINVAL))
		for _, m := range []procfd.Mechanism{procfd.MechanismJob, procfd.MechanismReaper} {
			_, err = procfd.NewGroup(&procfd.GroupAttr{Mechanism: m})
			Expect(err).To(MatchError(procfd.ErrUnsupported), string(m))
		}
	})

	It("refuses a zero Group, and Setsid with a process group", func() {
		_, err := procfd.Start(bin("true"), []string{"true"}, &procfd.Attr{Group: &procfd.Group{}})
		Expect(err).To(MatchError(syscall.EINVAL))
		skipWithoutPgroups()
		g := newGroup(procfd.GroupAttr{Mechanism: procfd.MechanismProcessGroup})
		_, err = procfd.Start(bin("true"), []string{"true"}, &procfd.Attr{Group: g, Setsid: true})
		Expect(err).To(MatchError(syscall.EINVAL))
	})
})

var _ = Describe("FromProcess", Label("pidfd"), func() {
	It("adopts an exec.Cmd's process, which 1,000 goroutines then await on a handful of threads", func() {
		if procfd.DefaultBackend() != procfd.BackendPidfd {
			Skip("FromProcess needs the pidfd backend")
		}
		const waiters, maxThreads = 1000, 16
		cmd := exec.Command("sleep", "1000")
		Expect(cmd.Start()).To(Succeed())
		h, err := procfd.FromProcess(cmd.Process)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(h.Close)
		Expect(h.Pid()).To(Equal(cmd.Process.Pid))

		var wg sync.WaitGroup
		statuses := make(chan string, waiters)
		for range waiters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, err := waitFor(h)
				if err != nil {
					statuses <- err.Error()
					return
				}
				statuses <- st.String()
			}()
		}
		Consistently(func() int { return len(statuses) }, "300ms").Should(BeZero())
		Expect(procstat.Threads()).To(BeNumerically("<=", maxThreads))
		Expect(h.Signal(syscall.SIGTERM)).To(Succeed())
		wg.Wait()
		close(statuses)
		for st := range statuses {
			Expect(st).To(Equal("signal: terminated"))
		}
		// The handle reaped it: the os.Process's own pidfd knows.
		Expect(cmd.Process.Signal(syscall.Signal(0))).To(MatchError(os.ErrProcessDone))
	})

	It("kills the process on Close, as KillOnClose does", func() {
		if procfd.DefaultBackend() != procfd.BackendPidfd {
			Skip("FromProcess needs the pidfd backend")
		}
		cmd := exec.Command("sleep", "1000")
		Expect(cmd.Start()).To(Succeed())
		pid := cmd.Process.Pid
		h, err := procfd.FromProcess(cmd.Process)
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Close()).To(Succeed())
		Expect(procstat.IsChild(pid)).To(BeFalse())
	})

	It("refuses what it cannot own", Serial, func() {
		_, err := procfd.FromProcess(nil)
		Expect(err).To(MatchError(syscall.EINVAL))

		cmd := exec.Command("true")
		Expect(cmd.Run()).To(Succeed())
		_, err = procfd.FromProcess(cmd.Process)
		Expect(err).To(HaveOccurred(), "a waited-for process")

		cmd = exec.Command("sleep", "1000")
		Expect(cmd.Start()).To(Succeed())
		DeferCleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
		setEnv("PROCFD_BACKEND", "pipe", true)
		_, err = procfd.FromProcess(cmd.Process)
		Expect(err).To(MatchError(procfd.ErrUnsupported))
		Expect(errors.Is(err, errors.ErrUnsupported)).To(BeTrue())
	})
})

// doneContext is a context that is already done: Wait with it is a poll.
func doneContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
