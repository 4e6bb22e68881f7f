//go:build unix

package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/emulator"
	"github.com/procfd/procfd/tests/internal/testbin"
)

// osSpecs are the specs of what only POSIX systems have: signals other
// than kill, descriptors by number, sessions, exec's errnos, zombies.
func osSpecs(s suite) {
	start, sh, startErr, backend := s.start, s.sh, s.startErr, s.backend
	// look is Wait with a context that is already done: one look.
	look := func(h *procfd.Handle) (*procfd.Status, error) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return h.Wait(ctx)
	}

	Describe("exit status", func() {
		It("delivers other signals through Signal", func() {
			h := start([]string{"sleep", "100"}, procfd.Attr{})
			Expect(h.Signal(syscall.SIGTERM)).To(Succeed())
			st := waitFor(h)
			Expect(st.Signal).To(Equal(syscall.SIGTERM))
			Expect(st.String()).To(Equal("signal: terminated"))
		})
	})

	Describe("Fd", func() {
		It("stays unreadable while a child that closed every descriptor runs on, and turns readable at its exit", func() {
			h := start([]string{testbin.Path(testbin.CloseFDs), "1s", "5"},
				procfd.Attr{Files: []*os.File{nil, nil, nil}})
			start := time.Now()
			Expect(awaitReadable(int(h.Fd()), waitTimeout)).To(BeTrue())
			// closefds sleeps 1s after closing everything: no readability,
			// and no look that finds it ended, before then.
			Expect(time.Since(start)).To(BeNumerically(">=", 900*time.Millisecond))
			st, err := look(h)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.ExitCode).To(Equal(5))
		})

		It("turns readable when the child ends, though a grandchild holds its descriptors", func() {
			r, w := newPipe()
			// The grandchild inherits every descriptor the child has
			// (on the pipe backend, the death pipe's write end too).
			h := sh("sleep 60 & echo $!; exit 7", procfd.Attr{Files: []*os.File{nil, w, nil}})
			w.Close()
			var grandchild int
			_, err := fmt.Fscan(r, &grandchild)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(syscall.Kill, grandchild, syscall.SIGKILL)

			Expect(awaitReadable(int(h.Fd()), waitTimeout)).To(BeTrue())
			Expect(syscall.Kill(grandchild, 0)).To(Succeed(), "the grandchild must still run")
			st, err := look(h)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.ExitCode).To(Equal(7))
		})
	})

	Describe("exec failures", func() {
		// Each failure must leave no child behind, not even for a moment
		// after Start returns: Start reaps the failed child itself.
		AfterEach(func() {
			Expect(zombieChildren()).To(BeEmpty())
		})

		It("reports a missing program as ENOENT, with execve's words", func() {
			err := startErr("/no/such/prog", []string{"prog"}, procfd.Attr{})
			Expect(errors.Is(err, syscall.ENOENT)).To(BeTrue(), "%v", err)
			Expect(err.Error()).To(Equal("procfd: start /no/such/prog: no such file or directory"))
		})

		It("reports a file without execute permission as EACCES", func() {
			path := filepath.Join(GinkgoT().TempDir(), "script")
			Expect(os.WriteFile(path, []byte("#!/bin/sh\nexit 0\n"), 0o644)).To(Succeed())
			err := startErr(path, []string{"script"}, procfd.Attr{})
			Expect(errors.Is(err, syscall.EACCES)).To(BeTrue(), "%v", err)
			Expect(errors.Is(err, fs.ErrPermission)).To(BeTrue(), "%v", err)
			Expect(err.Error()).To(ContainSubstring(path))
		})

		It("reports a directory as the program as EACCES", func() {
			err := startErr(GinkgoT().TempDir(), []string{"dir"}, procfd.Attr{})
			Expect(errors.Is(err, syscall.EACCES)).To(BeTrue(), "%v", err)
		})

		It("reports an executable file in no known format as ENOEXEC", func() {
			path := filepath.Join(GinkgoT().TempDir(), "garbage")
			Expect(os.WriteFile(path, []byte("\x00\x01\x02\x03 not a program\n"), 0o755)).To(Succeed())
			err := startErr(path, []string{"garbage"}, procfd.Attr{})
			Expect(errors.Is(err, syscall.ENOEXEC)).To(BeTrue(), "%v", err)
		})

		It("reports a missing Dir as ENOENT from chdir, naming the directory", func() {
			dir := filepath.Join(GinkgoT().TempDir(), "missing")
			err := startErr(bin("true"), []string{"true"}, procfd.Attr{Dir: dir})
			Expect(errors.Is(err, syscall.ENOENT)).To(BeTrue(), "%v", err)
			Expect(errors.Is(err, fs.ErrNotExist)).To(BeTrue(), "%v", err)
			Expect(err.Error()).To(ContainSubstring("chdir"))
			Expect(err.Error()).To(ContainSubstring(dir))
		})

		It("reports a Dir that is a file as ENOTDIR", func() {
			file := filepath.Join(GinkgoT().TempDir(), "file")
			Expect(os.WriteFile(file, nil, 0o644)).To(Succeed())
			err := startErr(bin("true"), []string{"true"}, procfd.Attr{Dir: file})
			Expect(errors.Is(err, syscall.ENOTDIR)).To(BeTrue(), "%v", err)
			Expect(err.Error()).To(ContainSubstring("chdir"))
			Expect(err.Error()).To(ContainSubstring(file))
		})

	})

	Describe("Files", func() {
		// A pipe made without close-on-exec, as C code in the process may
		// make one: a child that held on to its write end would keep the
		// reader from EOF for as long as it runs.
		DescribeTable("gives the child no descriptor it was not given, close-on-exec or not",
			func(files []*os.File) {
				var p [2]int
				Expect(syscall.Pipe(p[:])).To(Succeed())
				Expect(syscall.SetNonblock(p[0], true)).To(Succeed())
				r := os.NewFile(uintptr(p[0]), "pipe read end")
				DeferCleanup(r.Close)
				flags, err := unix.FcntlInt(uintptr(p[1]), unix.F_GETFD, 0)
				Expect(err).NotTo(HaveOccurred())
				Expect(flags & unix.FD_CLOEXEC).To(BeZero())

				h := start([]string{"sleep", "100"}, procfd.Attr{Files: files})
				if !closesUngivenFds {
					// The limit of Go's spawn: it closes nothing,
					// as os/exec's children show.
					Expect(holdsFileOf(h.Pid(), p[1])).To(BeTrue(),
						"Go's spawn leaves the child a descriptor without close-on-exec")
					Expect(syscall.Close(p[1])).To(Succeed())
					return
				}
				Expect(syscall.Close(p[1])).To(Succeed())
				Expect(r.SetReadDeadline(time.Now().Add(waitTimeout))).To(Succeed())
				_, err = r.Read(make([]byte, 1))
				Expect(err).To(MatchError(io.EOF))
			},
			Entry("with Files nil", nil),
			Entry("with Files 0, 1, 2", []*os.File{os.Stdin, os.Stdout, os.Stderr}),
		)

		// "true 9>&1" copies descriptor 1, which fails only if it is closed.
		const probeFD1 = `if true 9>&1; then echo fd1=open >&2; else echo fd1=closed >&2; fi`

		It("leaves a descriptor closed for a nil entry", func() {
			errR, errW := newPipe()
			h := sh(probeFD1, procfd.Attr{Files: []*os.File{nil, nil, errW}})
			errW.Close()
			out := readAll(errR)
			Expect(out).To(ContainSubstring("fd1=closed"))
			Expect(out).NotTo(ContainSubstring("fd1=open"))
			waitFor(h)
		})

		It("opens a descriptor given a file (the probe's control case)", func() {
			_, outW := newPipe()
			errR, errW := newPipe()
			h := sh(probeFD1, procfd.Attr{Files: []*os.File{nil, outW, errW}})
			errW.Close()
			Expect(readAll(errR)).To(Equal("fd1=open\n"))
			waitFor(h)
		})

		It("gives descriptors beyond 2", func() {
			r, w := newPipe()
			h := sh("echo three >&3", procfd.Attr{Files: []*os.File{nil, nil, nil, w}})
			w.Close()
			Expect(readAll(r)).To(Equal("three\n"))
			Expect(waitFor(h).Success()).To(BeTrue())
		})
		It("swaps two descriptors whose numbers are each other's targets", func() {
			// The child's descriptor a must become b's file and b
			// must become a's: a naive dup2 loop overwrites one of them
			// before copying it.
			aR, aW := newPipe()
			bR, bW := newPipe()
			a, b := int(aW.Fd()), int(bW.Fd())
			files := make([]*os.File, max(a, b)+1)
			files[1], files[2] = aW, bW
			files[a], files[b] = bW, aW
			h, err := procfd.Start(testbin.Path(testbin.FDProbe),
				[]string{"fdprobe", "1", "2", fmt.Sprint(a), fmt.Sprint(b)},
				&procfd.Attr{Backend: backend, Files: files})
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(dispose, h)
			aW.Close()
			bW.Close()
			Expect(readAll(aR)).To(Equal(fmt.Sprintf("fd 1\nfd %d\n", b)))
			Expect(readAll(bR)).To(Equal(fmt.Sprintf("fd 2\nfd %d\n", a)))
			Expect(waitFor(h).Success()).To(BeTrue())
		})
	})

	Describe("sessions and process groups", func() {
		DescribeTable("puts the child in the session and group asked for",
			func(setsid, setpgid, ownSession, ownGroup bool) {
				h := start([]string{"sleep", "100"}, procfd.Attr{Setsid: setsid, Setpgid: setpgid})
				pid := h.Pid()
				wantSid, wantPgid := sessionOf(0), groupOf(0)
				if ownSession {
					wantSid = pid
				}
				if ownGroup {
					wantPgid = pid
				}
				Expect(sessionOf(pid)).To(Equal(wantSid), "session")
				Expect(groupOf(pid)).To(Equal(wantPgid), "process group")
			},
			Entry("neither: the caller's session and group", false, false, false, false),
			Entry("Setsid: a new session, led by the child", true, false, true, true),
			Entry("Setpgid: a new group in the caller's session", false, true, false, true),
			Entry("both: as Setsid", true, true, true, true),
		)
	})

	Describe("signals", Label("reliability"), func() {
		bit := func(sigs ...syscall.Signal) uint64 {
			var b uint64
			for _, s := range sigs {
				b |= 1 << (s - 1)
			}
			return b
		}
		state := func(h *procfd.Handle) (blocked, ignored uint64) {
			GinkgoHelper()
			blocked, ignored, ok := signalState(h.Pid())
			if !ok {
				Skip("no /proc/<pid>/status here to read a process's signal state from")
			}
			return blocked, ignored
		}
		// refusedAsUnsupported checks that attr is refused as a limit of
		// this build's spawn, and that nothing is started.
		refusedAsUnsupported := func(attr procfd.Attr) {
			GinkgoHelper()
			before := len(childrenOf())
			err := startErr(bin("sleep"), []string{"sleep", "100"}, attr)
			Expect(err).To(MatchError(procfd.ErrUnsupported))
			Expect(childrenOf()).To(HaveLen(before))
		}
		// ignore makes this process ignore sigs for the spec.
		ignore := func(sigs ...os.Signal) {
			signal.Ignore(sigs...)
			DeferCleanup(func() { signal.Reset(sigs...) })
		}

		It("gives the child an empty mask by default, whatever the calling thread blocks", func() {
			var h *procfd.Handle
			withThreadBlocking([]syscall.Signal{syscall.SIGUSR1, syscall.SIGTERM}, func() {
				h = start([]string{"sleep", "100"}, procfd.Attr{})
			})
			blocked, _ := state(h)
			if !honoursSigMask {
				// The limit of the portable death pipe's spawn:
				// the mask of the thread that forks, as os/exec.
				Expect(blocked).To(Equal(bit(syscall.SIGUSR1, syscall.SIGTERM)), "SigBlk %#x", blocked)
				return
			}
			Expect(blocked).To(BeZero(), "SigBlk %#x", blocked)
		})

		expectMask := func(mask ...syscall.Signal) {
			GinkgoHelper()
			if !honoursSigMask {
				// The portable death pipe's spawn gives the
				// mask of the thread that forks.
				refusedAsUnsupported(procfd.Attr{SigMask: mask})
				return
			}
			var h *procfd.Handle
			withThreadBlocking([]syscall.Signal{syscall.SIGUSR2}, func() {
				h = start([]string{"sleep", "100"}, procfd.Attr{SigMask: mask})
			})
			blocked, _ := state(h)
			Expect(blocked).To(Equal(bit(mask...)), "SigBlk %#x", blocked)
		}
		It("gives the child exactly SigMask, whatever the calling thread blocks", func() {
			expectMask(syscall.SIGUSR1, syscall.SIGTERM)
		})
		It("gives the child exactly SigMask with a realtime signal in it", func() {
			// The child, sleep, is the machine's own program.
			emulator.Skip("qemu-user runs the target's realtime signals on other host signals (it keeps some for itself), " +
				"so a child that is not emulated finds signal 40 blocked under another number")
			expectMask(syscall.SIGUSR1, syscall.SIGTERM, syscall.Signal(40))
		})

		It("resets the SigDefault signals to the default and keeps the others the caller ignores", func() {
			ignore(syscall.SIGXFSZ, syscall.SIGPIPE, syscall.SIGUSR2)
			if !honoursSigDefault {
				// Go's spawn keeps what exec keeps.
				refusedAsUnsupported(procfd.Attr{SigDefault: []syscall.Signal{syscall.SIGXFSZ}})
				return
			}
			h := start([]string{"sleep", "100"}, procfd.Attr{
				SigDefault: []syscall.Signal{syscall.SIGXFSZ, syscall.SIGPIPE, syscall.SIGKILL},
			})
			_, ignored := state(h)
			Expect(ignored&bit(syscall.SIGXFSZ, syscall.SIGPIPE)).To(BeZero(), "SigIgn %#x", ignored)
			Expect(ignored&bit(syscall.SIGUSR2)).NotTo(BeZero(), "SigIgn %#x", ignored)
		})

		DescribeTable("refuses a signal outside 1 to 64 and starts nothing",
			func(attr procfd.Attr) {
				before := len(childrenOf())
				err := startErr(bin("true"), []string{"true"}, attr)
				Expect(errors.Is(err, syscall.EINVAL)).To(BeTrue(), "%v", err)
				Expect(childrenOf()).To(HaveLen(before))
			},
			Entry("SigDefault 0", procfd.Attr{SigDefault: []syscall.Signal{0}}),
			Entry("SigDefault 65", procfd.Attr{SigDefault: []syscall.Signal{65}}),
			Entry("SigMask -1", procfd.Attr{SigMask: []syscall.Signal{-1}}),
			Entry("SigMask 65", procfd.Attr{SigMask: []syscall.Signal{65}}),
		)
	})

	Describe("leaks", func() {
		// A tenth of each under an emulator (emulator.Rounds): a leak
		// of one descriptor or child a cycle shows as well.
		cycles, failures := emulator.Rounds(1000), emulator.Rounds(200)
		It(fmt.Sprintf("leaves no descriptor and no zombie after %d start, wait and close cycles", cycles), func() {
			cycle := func() {
				GinkgoHelper()
				h, err := procfd.Start(bin("true"), []string{"true"}, &procfd.Attr{Backend: backend})
				Expect(err).NotTo(HaveOccurred())
				ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
				defer cancel()
				st, err := h.Wait(ctx)
				Expect(err).NotTo(HaveOccurred())
				Expect(st.Success()).To(BeTrue())
				Expect(h.Close()).To(Succeed())
			}
			// The first cycles may open the runtime's own descriptors
			// (the poller, the SIGCHLD watch): count after them.
			for range 10 {
				cycle()
			}
			before := openFDs()
			for range cycles {
				cycle()
			}
			Eventually(openFDs).WithTimeout(waitTimeout).Should(BeNumerically("<=", before+2))
			Expect(zombieChildren()).To(BeEmpty())
		})

		It(fmt.Sprintf("leaves no descriptor and no zombie after %d failed starts", failures), func() {
			startErr("/no/such/prog", []string{"prog"}, procfd.Attr{})
			before := openFDs()
			for range failures {
				_, err := procfd.Start("/no/such/prog", []string{"prog"}, &procfd.Attr{Backend: backend})
				Expect(errors.Is(err, syscall.ENOENT)).To(BeTrue())
			}
			Eventually(openFDs).WithTimeout(waitTimeout).Should(BeNumerically("<=", before+2))
			Expect(zombieChildren()).To(BeEmpty())
		})
	})
}
