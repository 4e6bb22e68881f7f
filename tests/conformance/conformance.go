// Package conformance holds the specs every procfd backend must pass. A
// suite calls Specs once per backend, inside a Describe labelled with the
// backend's name:
//
//	var _ = Describe("pipe backend", Label("pipe"), func() {
//		conformance.Specs(procfd.BackendPipe)
//	})
//
// The suite must build testbin.FDProbe and testbin.CloseFDs (see package
// testbin).
//
// The specs run POSIX programs (/bin/sh, cat, env, pwd, sleep, true), found
// in PATH. What they check about processes beyond procfd's own API (zombies,
// open descriptors, sessions) is in the per-OS sys_*.go files; a spec whose
// check an OS lacks is skipped there, not weakened.
package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/testbin"
)

// waitTimeout bounds every wait for something that must happen. It is
// generous on purpose: it exists to turn a hang into a failure, not to
// measure speed.
const waitTimeout = 20 * time.Second

// Specs declares the specs that every backend must pass. Each spec starts its
// processes with Attr.Backend set to backend and checks the handle reports it.
func Specs(backend procfd.Backend) {
	// start starts argv (argv[0] looked up in PATH) on the backend under
	// test. Whatever the spec does, the process is killed and reaped and
	// the handle closed when the spec ends.
	start := func(argv []string, attr procfd.Attr) *procfd.Handle {
		GinkgoHelper()
		attr.Backend = backend
		h, err := procfd.Start(bin(argv[0]), argv, &attr)
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Backend()).To(Equal(backend))
		DeferCleanup(dispose, h)
		return h
	}
	sh := func(script string, attr procfd.Attr) *procfd.Handle {
		GinkgoHelper()
		return start([]string{"sh", "-c", script}, attr)
	}
	// startErr runs a Start that must fail, and returns its error.
	startErr := func(path string, argv []string, attr procfd.Attr) error {
		GinkgoHelper()
		attr.Backend = backend
		var h *procfd.Handle
		var err error
		Expect(func() { h, err = procfd.Start(path, argv, &attr) }).NotTo(Panic())
		if h != nil {
			DeferCleanup(dispose, h)
		}
		Expect(err).To(HaveOccurred())
		Expect(h).To(BeNil())
		return err
	}

	Describe("exit status", func() {
		DescribeTable("reports the code passed to exit",
			func(code int) {
				h := sh(fmt.Sprintf("exit %d", code), procfd.Attr{})
				st := waitFor(h)
				Expect(st.Pid).To(Equal(h.Pid()))
				Expect(st.ExitCode).To(Equal(code))
				Expect(st.Signal).To(BeZero())
				Expect(st.Exited()).To(BeTrue())
				Expect(st.Success()).To(Equal(code == 0))
				Expect(st.CoreDumped).To(BeFalse())
				Expect(st.String()).To(Equal(fmt.Sprintf("exit status %d", code)))
				// Our own child is reaped by waitid, which reports
				// its resource usage; a shell uses some memory.
				Expect(st.Rusage).NotTo(BeNil())
				Expect(st.Rusage.Maxrss).To(BeNumerically(">", 0))
			},
			Entry("0", 0),
			Entry("1", 1),
			Entry("255", 255),
		)

		It("reports death by SIGKILL from Kill", func() {
			h := start([]string{"sleep", "100"}, procfd.Attr{})
			Expect(h.Kill()).To(Succeed())
			st := waitFor(h)
			Expect(st.Pid).To(Equal(h.Pid()))
			Expect(st.Signal).To(Equal(syscall.SIGKILL))
			Expect(st.ExitCode).To(Equal(-1))
			Expect(st.Exited()).To(BeFalse())
			Expect(st.Success()).To(BeFalse())
			Expect(st.String()).To(Equal("signal: killed"))
			Expect(st.Rusage).NotTo(BeNil())
		})

		It("delivers other signals through Signal", func() {
			h := start([]string{"sleep", "100"}, procfd.Attr{})
			Expect(h.Signal(syscall.SIGTERM)).To(Succeed())
			st := waitFor(h)
			Expect(st.Signal).To(Equal(syscall.SIGTERM))
			Expect(st.String()).To(Equal("signal: terminated"))
		})

		It("rejects a signal that is not a syscall.Signal, and the process runs on", func() {
			h := start([]string{"sleep", "100"}, procfd.Attr{})
			err := h.Signal(otherSignal{})
			Expect(err).To(HaveOccurred())
			Expect(errors.Is(err, syscall.EINVAL)).To(BeTrue(), "%v", err)
			Expect(h.Signal(syscall.Signal(0))).To(Succeed())
		})

		It("treats a nil context as context.Background", func() {
			h := sh("exit 6", procfd.Attr{})
			var ctx context.Context // nil on purpose: the doc allows it
			st, err := h.Wait(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.ExitCode).To(Equal(6))
		})
	})

	Describe("concurrent Wait", func() {
		It("gives 100 goroutines waiting on one handle the same status", func() {
			inR, inW := newPipe()
			h := sh("read x; exit 7", procfd.Attr{Files: []*os.File{inR, nil, nil}})
			inR.Close()

			const waiters = 100
			statuses := make([]*procfd.Status, waiters)
			errs := make([]error, waiters)
			var wg sync.WaitGroup
			for i := range waiters {
				wg.Go(func() {
					ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
					defer cancel()
					statuses[i], errs[i] = h.Wait(ctx)
				})
			}
			// Let the process end only once the waiters are queued.
			_, err := inW.WriteString("go\n")
			Expect(err).NotTo(HaveOccurred())
			Expect(inW.Close()).To(Succeed())
			Eventually(doneWhen(wg.Wait)).WithTimeout(2 * waitTimeout).Should(BeClosed())

			for i := range waiters {
				Expect(errs[i]).NotTo(HaveOccurred(), "waiter %d", i)
				Expect(statuses[i]).To(Equal(statuses[0]), "waiter %d", i)
			}
			Expect(statuses[0].ExitCode).To(Equal(7))
			Expect(statuses[0].Pid).To(Equal(h.Pid()))
		})

		It("keeps each handle's status apart when many goroutines start and wait at once", func() {
			const starters, each = 10, 5
			type result struct {
				want int
				st   *procfd.Status
				err  error
			}
			results := make(chan result, starters*each)
			shell := bin("sh")
			var wg sync.WaitGroup
			for g := range starters {
				wg.Go(func() {
					for i := range each {
						code := g*each + i + 1
						h, err := procfd.Start(shell, []string{"sh", "-c", fmt.Sprintf("exit %d", code)},
							&procfd.Attr{Backend: backend, KillOnClose: true})
						if err != nil {
							results <- result{code, nil, err}
							continue
						}
						ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
						st, err := h.Wait(ctx)
						cancel()
						h.Close()
						results <- result{code, st, err}
					}
				})
			}
			Eventually(doneWhen(wg.Wait)).WithTimeout(2 * waitTimeout).Should(BeClosed())
			close(results)
			for r := range results {
				Expect(r.err).NotTo(HaveOccurred())
				Expect(r.st.ExitCode).To(Equal(r.want))
			}
		})
	})

	Describe("context", func() {
		It("returns ctx.Err() while the process runs, and leaves the handle usable", func() {
			h := start([]string{"sleep", "100"}, procfd.Attr{})

			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			st, err := h.Wait(ctx)
			Expect(err).To(MatchError(context.Canceled))
			Expect(st).To(BeNil())

			ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
			DeferCleanup(cancel)
			st, err = h.Wait(ctx)
			Expect(err).To(MatchError(context.DeadlineExceeded))
			Expect(st).To(BeNil())

			Expect(h.Signal(syscall.Signal(0))).To(Succeed())
			Expect(h.Kill()).To(Succeed())
			Expect(waitFor(h).Signal).To(Equal(syscall.SIGKILL))
		})

		It("gives a Wait whose context is already done the status of a process that has ended, though nothing collected it yet", func() {
			h := sh("exit 6", procfd.Attr{})
			// Neither Wait nor Done has run, so no collector has: the
			// status is only in the kernel.
			Eventually(func() bool { return exitedUnreaped(h.Pid()) }).
				WithTimeout(waitTimeout).Should(BeTrue())

			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			st, err := h.Wait(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.ExitCode).To(Equal(6))
			Expect(exitedUnreaped(h.Pid())).To(BeFalse())
			Expect(h.Done()).To(BeClosed())
		})
	})

	Describe("Done", func() {
		It("is open while the process runs and closed once it has exited", func() {
			inR, inW := newPipe()
			h := sh("read x; exit 4", procfd.Attr{Files: []*os.File{inR, nil, nil}})
			inR.Close()

			Consistently(h.Done()).WithTimeout(300 * time.Millisecond).ShouldNot(BeClosed())
			Expect(inW.Close()).To(Succeed())
			Eventually(h.Done()).WithTimeout(waitTimeout).Should(BeClosed())

			// The status is collected by now, so even a Wait that may
			// not block at all has it: that is what "at once" means.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			st, err := h.Wait(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.ExitCode).To(Equal(4))
			Expect(h.Done()).To(BeClosed())
		})
	})

	// Fd's promise, the same on every backend: readable exactly when a
	// Wait with a done context collects the status, and from then on.
	Describe("Fd", func() {
		// look is Wait with a context that is already done: one look.
		look := func(h *procfd.Handle) (*procfd.Status, error) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return h.Wait(ctx)
		}

		It("is readable only when a look collects the status: 1,000 rounds of start, poll, look", func() {
			timedOut := 0
			for range 1000 {
				h, err := procfd.Start(bin("true"), []string{"true"}, &procfd.Attr{Backend: backend})
				Expect(err).NotTo(HaveOccurred())
				Expect(awaitReadable(int(h.Fd()), waitTimeout)).To(BeTrue(), "Fd never turned readable")
				st, err := look(h)
				if errors.Is(err, context.Canceled) {
					timedOut++
				} else {
					Expect(err).NotTo(HaveOccurred())
					Expect(st.Success()).To(BeTrue())
				}
				Expect(pollReadable(int(h.Fd()))).To(BeTrue(), "Fd unreadable after the status was collected")
				Expect(h.Close()).To(Succeed())
			}
			Expect(timedOut).To(BeZero(), "looks that found the process running after Fd polled readable")
		})

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

		It("is readable at once, and stays so, once Wait has collected the status", func() {
			h := sh("exit 3", procfd.Attr{})
			Expect(waitFor(h).ExitCode).To(Equal(3))
			Expect(pollReadable(int(h.Fd()))).To(BeTrue())
			Consistently(func() bool { return pollReadable(int(h.Fd())) }).
				WithTimeout(100 * time.Millisecond).Should(BeTrue())
		})
	})

	Describe("Signal", func() {
		It("answers signal 0 with nil while the process runs and ErrProcessDone after Wait", func() {
			h := start([]string{"sleep", "100"}, procfd.Attr{})
			Expect(h.Signal(syscall.Signal(0))).To(Succeed())
			Expect(h.Kill()).To(Succeed())
			waitFor(h)

			for _, sig := range []syscall.Signal{0, syscall.SIGTERM, syscall.SIGKILL} {
				Expect(h.Signal(sig)).To(MatchError(os.ErrProcessDone), "signal %d", sig)
			}
			Expect(h.Kill()).To(MatchError(os.ErrProcessDone))
		})

		It("answers ErrProcessDone for a process that has exited but is not reaped yet", func() {
			h := start([]string{"true"}, procfd.Attr{})
			Eventually(func() bool { return exitedUnreaped(h.Pid()) }).
				WithTimeout(waitTimeout).Should(BeTrue())

			Expect(h.Signal(syscall.Signal(0))).To(MatchError(os.ErrProcessDone))
			Expect(h.Kill()).To(MatchError(os.ErrProcessDone))
			// Asking did not reap it: the status is still ours.
			Expect(exitedUnreaped(h.Pid())).To(BeTrue())
			Expect(waitFor(h).Success()).To(BeTrue())
		})

		It("answers only nil or ErrProcessDone while the process is reaped under it", func() {
			h := sh("exit 0", procfd.Attr{})
			answers := make(chan error, 1)
			go func() {
				for {
					err := h.Signal(syscall.Signal(0))
					if err != nil {
						answers <- err
						return
					}
				}
			}()
			waitFor(h)
			Eventually(answers).WithTimeout(waitTimeout).Should(Receive(MatchError(os.ErrProcessDone)))
		})
	})

	Describe("Close", func() {
		It("makes a second Close and every later call return ErrClosed", func() {
			h := start([]string{"true"}, procfd.Attr{})
			waitFor(h)
			Expect(h.Fd()).NotTo(Equal(^uintptr(0)))
			Expect(h.Close()).To(Succeed())

			ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
			DeferCleanup(cancel)
			_, waitErr := h.Wait(ctx)
			for name, err := range map[string]error{
				"Close":     h.Close(),
				"Wait":      waitErr,
				"Signal(0)": h.Signal(syscall.Signal(0)),
				"Kill":      h.Kill(),
			} {
				Expect(errors.Is(err, procfd.ErrClosed)).To(BeTrue(), "%s: %v", name, err)
				Expect(errors.Is(err, os.ErrClosed)).To(BeTrue(), "%s: %v", name, err)
			}
			Expect(h.Fd()).To(Equal(^uintptr(0)))
			Expect(h.Pid()).To(BeNumerically(">", 0))
		})

		It("with KillOnClose kills and reaps a running process before it returns", func() {
			h := start([]string{"sleep", "100"}, procfd.Attr{KillOnClose: true})
			pid := h.Pid()
			Expect(h.Close()).To(Succeed())
			// A zombie still answers kill(pid, 0): ESRCH means reaped.
			Expect(syscall.Kill(pid, 0)).To(MatchError(syscall.ESRCH))
			Expect(zombieChildren()).NotTo(ContainElement(pid))
		})

		It("with KillOnClose reaps a process that has already exited", func() {
			h := start([]string{"true"}, procfd.Attr{KillOnClose: true})
			pid := h.Pid()
			Eventually(func() bool { return exitedUnreaped(pid) }).WithTimeout(waitTimeout).Should(BeTrue())
			Expect(h.Close()).To(Succeed())
			Expect(syscall.Kill(pid, 0)).To(MatchError(syscall.ESRCH))
		})

		It("without KillOnClose leaves a running process running, and reaps it once it ends", func() {
			inR, inW := newPipe()
			// cat gives up at once without a stdout: give it one.
			h := start([]string{"cat"}, procfd.Attr{Files: []*os.File{inR, devNull(), nil}})
			inR.Close()
			pid := h.Pid()
			Expect(h.Close()).To(Succeed())

			Consistently(func() error { return syscall.Kill(pid, 0) }).
				WithTimeout(300 * time.Millisecond).Should(Succeed())
			Expect(exitedUnreaped(pid)).To(BeFalse())

			Expect(inW.Close()).To(Succeed()) // cat ends at EOF
			Eventually(func() error { return syscall.Kill(pid, 0) }).
				WithTimeout(waitTimeout).Should(MatchError(syscall.ESRCH))
		})

		It("without KillOnClose reaps a process that exited before Close", func() {
			h := start([]string{"true"}, procfd.Attr{})
			pid := h.Pid()
			Eventually(func() bool { return exitedUnreaped(pid) }).WithTimeout(waitTimeout).Should(BeTrue())
			Expect(h.Close()).To(Succeed())
			Eventually(func() error { return syscall.Kill(pid, 0) }).
				WithTimeout(waitTimeout).Should(MatchError(syscall.ESRCH))
		})
	})

	Describe("exec failures", func() {
		// Each failure must leave no child behind, not even for a moment
		// after Start returns: Start reaps the failed child itself.
		AfterEach(func() {
			Expect(zombieChildren()).To(BeEmpty())
		})

		It("reports a missing program as ENOENT, naming it", func() {
			err := startErr("/no/such/prog", []string{"prog"}, procfd.Attr{})
			Expect(errors.Is(err, fs.ErrNotExist)).To(BeTrue(), "%v", err)
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
		It("redirects stdout and stderr to pipes", func() {
			outR, outW := newPipe()
			errR, errW := newPipe()
			h := sh("echo out; echo err >&2; exit 3", procfd.Attr{Files: []*os.File{nil, outW, errW}})
			outW.Close()
			errW.Close()
			Expect(readAll(outR)).To(Equal("out\n"))
			Expect(readAll(errR)).To(Equal("err\n"))
			Expect(waitFor(h).ExitCode).To(Equal(3))
		})

		It("feeds stdin from a pipe", func() {
			inR, inW := newPipe()
			outR, outW := newPipe()
			h := start([]string{"cat"}, procfd.Attr{Files: []*os.File{inR, outW, nil}})
			inR.Close()
			outW.Close()
			_, err := inW.WriteString("hello\nworld\n")
			Expect(err).NotTo(HaveOccurred())
			Expect(inW.Close()).To(Succeed())
			Expect(readAll(outR)).To(Equal("hello\nworld\n"))
			Expect(waitFor(h).Success()).To(BeTrue())
		})

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

				start([]string{"sleep", "100"}, procfd.Attr{Files: files})
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

		It("swaps stdout and stderr", func() {
			aR, aW := newPipe()
			bR, bW := newPipe()
			h := sh("echo one; echo two >&2", procfd.Attr{Files: []*os.File{nil, bW, aW}})
			aW.Close()
			bW.Close()
			Expect(readAll(bR)).To(Equal("one\n"))
			Expect(readAll(aR)).To(Equal("two\n"))
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

	Describe("Env", func() {
		// env -0 separates variables with NUL, so values with newlines
		// (exported shell functions, say) cannot confuse the count.
		envOf := func(env []string) []string {
			GinkgoHelper()
			r, w := newPipe()
			h := start([]string{"env", "-0"}, procfd.Attr{Env: env, Files: []*os.File{nil, w, nil}})
			w.Close()
			out := readAll(r)
			Expect(waitFor(h).Success()).To(BeTrue())
			vars := strings.Split(out, "\x00")
			return vars[:len(vars)-1] // after the last NUL
		}

		It("gives no variables at all for an empty non-nil Env", func() {
			Expect(envOf([]string{})).To(BeEmpty())
		})

		It("gives exactly the variables of Env", func() {
			Expect(envOf([]string{"PROCFD_A=1", "PROCFD_B=two words"})).
				To(Equal([]string{"PROCFD_A=1", "PROCFD_B=two words"}))
		})

		It("gives the caller's environment for a nil Env", func() {
			Expect(envOf(nil)).To(ConsistOf(os.Environ()))
		})
	})

	Describe("Dir", func() {
		pwd := func(dir string) string {
			GinkgoHelper()
			r, w := newPipe()
			h := start([]string{"pwd"}, procfd.Attr{Dir: dir, Files: []*os.File{nil, w, nil}})
			w.Close()
			out := readAll(r)
			Expect(waitFor(h).Success()).To(BeTrue())
			return strings.TrimSuffix(out, "\n")
		}
		physical := func(dir string) string {
			GinkgoHelper()
			p, err := filepath.EvalSymlinks(dir)
			Expect(err).NotTo(HaveOccurred())
			return p
		}

		It("starts the child in Dir", func() {
			dir := GinkgoT().TempDir()
			Expect(physical(pwd(dir))).To(Equal(physical(dir)))
		})

		It("starts the child in the caller's directory for an empty Dir", func() {
			wd, err := os.Getwd()
			Expect(err).NotTo(HaveOccurred())
			Expect(physical(pwd(""))).To(Equal(physical(wd)))
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
			Expect(blocked).To(BeZero(), "SigBlk %#x", blocked)
		})

		It("gives the child exactly SigMask, whatever the calling thread blocks", func() {
			var h *procfd.Handle
			withThreadBlocking([]syscall.Signal{syscall.SIGUSR2}, func() {
				h = start([]string{"sleep", "100"}, procfd.Attr{
					SigMask: []syscall.Signal{syscall.SIGUSR1, syscall.SIGTERM, syscall.Signal(40)},
				})
			})
			blocked, _ := state(h)
			Expect(blocked).To(Equal(bit(syscall.SIGUSR1, syscall.SIGTERM, syscall.Signal(40))),
				"SigBlk %#x", blocked)
		})

		It("resets the SigDefault signals to the default and keeps the others the caller ignores", func() {
			ignore(syscall.SIGXFSZ, syscall.SIGPIPE, syscall.SIGUSR2)
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

	Describe("bad input", func() {
		DescribeTable("returns an error, never panics, starts nothing",
			func(path string, argv []string, attr procfd.Attr, like error) {
				if path == "true" {
					path = bin("true")
				}
				before := len(childrenOf())
				err := startErr(path, argv, attr)
				if like != nil {
					Expect(errors.Is(err, like)).To(BeTrue(), "%v", err)
				}
				Expect(err.Error()).To(HavePrefix("procfd: "))
				Expect(len(childrenOf())).To(BeNumerically("<=", before))
			},
			Entry("nil argv", "true", nil, procfd.Attr{}, syscall.EINVAL),
			Entry("empty argv", "true", []string{}, procfd.Attr{}, syscall.EINVAL),
			Entry("empty path", "", []string{"true"}, procfd.Attr{}, syscall.ENOENT),
			Entry("NUL in path", "/bin/tr\x00ue", []string{"true"}, procfd.Attr{}, syscall.EINVAL),
			Entry("NUL in an argument", "true", []string{"true", "a\x00b"}, procfd.Attr{}, syscall.EINVAL),
			Entry("NUL in Env", "true", []string{"true"}, procfd.Attr{Env: []string{"A=\x00"}}, syscall.EINVAL),
			Entry("NUL in Dir", "true", []string{"true"}, procfd.Attr{Dir: "/tmp\x00"}, syscall.EINVAL),
			Entry("too many Files", "true", []string{"true"}, procfd.Attr{Files: make([]*os.File, 100000)}, syscall.EINVAL),
		)

		It("rejects an unknown backend", func() {
			var h *procfd.Handle
			var err error
			Expect(func() {
				h, err = procfd.Start(bin("true"), []string{"true"}, &procfd.Attr{Backend: "nope"})
			}).NotTo(Panic())
			if h != nil {
				DeferCleanup(dispose, h)
			}
			Expect(err).To(HaveOccurred())
			Expect(h).To(BeNil())
			Expect(err.Error()).To(ContainSubstring(`"nope"`))
		})
	})

	Describe("leaks", func() {
		It("leaves no descriptor and no zombie after 1,000 start, wait and close cycles", func() {
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
			for range 1000 {
				cycle()
			}
			Eventually(openFDs).WithTimeout(waitTimeout).Should(BeNumerically("<=", before+2))
			Expect(zombieChildren()).To(BeEmpty())
		})

		It("leaves no descriptor and no zombie after 200 failed starts", func() {
			startErr("/no/such/prog", []string{"prog"}, procfd.Attr{})
			before := openFDs()
			for range 200 {
				_, err := procfd.Start("/no/such/prog", []string{"prog"}, &procfd.Attr{Backend: backend})
				Expect(errors.Is(err, syscall.ENOENT)).To(BeTrue())
			}
			Eventually(openFDs).WithTimeout(waitTimeout).Should(BeNumerically("<=", before+2))
			Expect(zombieChildren()).To(BeEmpty())
		})
	})
}

// dispose kills, reaps and closes h, whatever state the spec left it in.
func dispose(h *procfd.Handle) {
	h.Kill()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	h.Wait(ctx)
	h.Close()
}

// waitFor waits for h, failing the spec on an error or after waitTimeout.
func waitFor(h *procfd.Handle) *procfd.Status {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	st, err := h.Wait(ctx)
	Expect(err).NotTo(HaveOccurred())
	Expect(st).NotTo(BeNil())
	return st
}

// bin finds a program in PATH: procfd.Start does not search.
func bin(name string) string {
	GinkgoHelper()
	path, err := exec.LookPath(name)
	Expect(err).NotTo(HaveOccurred())
	return path
}

// newPipe returns a pipe that is closed when the spec ends. Closing either
// end earlier is fine.
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

// readAll reads r to EOF, failing the spec if EOF does not come in time.
func readAll(r *os.File) string {
	GinkgoHelper()
	Expect(r.SetReadDeadline(time.Now().Add(waitTimeout))).To(Succeed())
	var buf bytes.Buffer
	_, err := io.Copy(&buf, r)
	Expect(err).NotTo(HaveOccurred())
	return buf.String()
}

// devNull returns /dev/null open for writing, closed when the spec ends.
func devNull() *os.File {
	GinkgoHelper()
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(f.Close)
	return f
}

// doneWhen runs f in a goroutine and returns a channel closed when it returns.
func doneWhen(f func()) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	return done
}

// otherSignal is an os.Signal that is not a syscall.Signal.
type otherSignal struct{}

func (otherSignal) String() string { return "other" }
func (otherSignal) Signal()        {}
