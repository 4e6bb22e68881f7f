// Package conformance holds the specs every procfd backend must pass. A
// suite calls Specs once per backend, inside a Describe labelled with the
// backend's name:
//
//	var _ = Describe("pipe backend", Label("pipe"), func() {
//		conformance.Specs(procfd.BackendPipe)
//	})
//
// The suite must build testbin.FDProbe and testbin.CloseFDs on POSIX
// systems (see package testbin); on Windows it must put the child program
// (tests/internal/child) beside the test binary as child.exe.
//
// The specs in this file hold on every OS. The programs they run are POSIX
// ones (/bin/sh, cat, env, pwd, sleep, true, found in PATH) where those
// exist, and the child program on Windows (programs_*.go); what a process
// looks like once killed, and whether it still exists, is per OS too. The
// specs of what only POSIX has (signals, descriptors by number, sessions)
// are in conformance_unix.go. What they check about processes beyond
// procfd's own API (zombies, open descriptors) is in the per-OS sys_*.go
// files; a spec whose check an OS lacks is skipped there, not weakened.
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
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/procfd/procfd"
)

// waitTimeout bounds every wait for something that must happen. It is
// generous on purpose: it exists to turn a hang into a failure, not to
// measure speed.
const waitTimeout = 20 * time.Second

// hasEnded reports whether pid has exited: a zombie not yet collected, or
// gone where the backend reaps as soon as its process ends (reapsAtExit).
func hasEnded(pid int) bool {
	return exitedUnreaped(pid) || (reapsAtExit && !processExists(pid))
}

// suite starts the processes of the specs on one backend.
type suite struct{ backend procfd.Backend }

// start starts argv (argv[0] looked up in PATH unless it is a path) on the
// backend under test. Whatever the spec does, the process is killed and
// reaped and the handle closed when the spec ends.
func (s suite) start(argv []string, attr procfd.Attr) *procfd.Handle {
	GinkgoHelper()
	attr.Backend = s.backend
	h, err := startProcess(bin(argv[0]), argv, &attr)
	Expect(err).NotTo(HaveOccurred())
	Expect(h.Backend()).To(Equal(s.backend))
	DeferCleanup(dispose, h)
	return h
}

// sh runs a shell script (POSIX systems only).
func (s suite) sh(script string, attr procfd.Attr) *procfd.Handle {
	GinkgoHelper()
	return s.start([]string{"sh", "-c", script}, attr)
}

// startErr runs a Start that must fail, and returns its error.
func (s suite) startErr(path string, argv []string, attr procfd.Attr) error {
	GinkgoHelper()
	attr.Backend = s.backend
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

// Specs declares the specs that every backend must pass. Each spec starts its
// processes with Attr.Backend set to backend and checks the handle reports it.
func Specs(backend procfd.Backend) {
	s := suite{backend}
	portableSpecs(s)
	osSpecs(s)
}

func portableSpecs(s suite) {
	start, startErr, backend := s.start, s.startErr, s.backend

	Describe("exit status", func() {
		DescribeTable("reports the code passed to exit",
			func(code int) {
				h := start(exitArgv(code), procfd.Attr{})
				st := waitFor(h)
				Expect(st.Pid).To(Equal(h.Pid()))
				Expect(st.ExitCode).To(Equal(code))
				Expect(st.Signal).To(BeZero())
				Expect(st.Exited()).To(BeTrue())
				Expect(st.Success()).To(Equal(code == 0))
				Expect(st.CoreDumped).To(BeFalse())
				Expect(st.String()).To(Equal(fmt.Sprintf("exit status %d", code)))
				// Our own child's status comes with its resource usage.
				expectRusage(st)
			},
			Entry("0", 0),
			Entry("1", 1),
			Entry("255", 255),
		)

		It("reports the end that Kill gives", func() {
			h := start(sleepArgv(), procfd.Attr{})
			Expect(h.Kill()).To(Succeed())
			st := waitFor(h)
			Expect(st.Pid).To(Equal(h.Pid()))
			expectKilled(st)
			Expect(st.Success()).To(BeFalse())
			Expect(st.Rusage).NotTo(BeNil())
		})

		It("rejects a signal that is not a syscall.Signal, and the process runs on", func() {
			h := start(sleepArgv(), procfd.Attr{})
			err := h.Signal(otherSignal{})
			Expect(err).To(HaveOccurred())
			Expect(errors.Is(err, syscall.EINVAL)).To(BeTrue(), "%v", err)
			Expect(h.Signal(syscall.Signal(0))).To(Succeed())
		})

		It("treats a nil context as context.Background", func() {
			h := start(exitArgv(6), procfd.Attr{})
			var ctx context.Context // nil on purpose: the doc allows it
			st, err := h.Wait(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.ExitCode).To(Equal(6))
		})
	})

	Describe("concurrent Wait", func() {
		It("gives 100 goroutines waiting on one handle the same status", func() {
			inR, inW := newPipe()
			h := start(readExitArgv(7), procfd.Attr{Files: []*os.File{inR, nil, nil}})
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
			// The programs are looked up here: the starters are not
			// Ginkgo's goroutines, and must not fail a spec.
			argvs := make([][]string, starters*each+1)
			for code := 1; code < len(argvs); code++ {
				argvs[code] = exitArgv(code)
			}
			prog := bin(argvs[1][0])
			var wg sync.WaitGroup
			for g := range starters {
				wg.Go(func() {
					for i := range each {
						code := g*each + i + 1
						h, err := startProcess(prog, argvs[code], &procfd.Attr{Backend: backend, KillOnClose: true})
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
			h := start(sleepArgv(), procfd.Attr{})

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
			expectKilled(waitFor(h))
		})

		It("gives a Wait whose context is already done the status of a process that has ended, though nothing collected it yet", func() {
			h := start(exitArgv(6), procfd.Attr{})
			// Neither Wait nor Done has run, so no collector has: the
			// status is only in the kernel.
			Eventually(func() bool { return hasEnded(h.Pid()) }).
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
			h := start(readExitArgv(4), procfd.Attr{Files: []*os.File{inR, nil, nil}})
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

		It(fmt.Sprintf("is readable only when a look collects the status: %d rounds of start, poll, look", fdRounds), func() {
			timedOut := 0
			for range fdRounds {
				argv := trueArgv()
				h, err := startProcess(argv[0], argv, &procfd.Attr{Backend: backend})
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

		It("is readable at once, and stays so, once Wait has collected the status", func() {
			h := start(exitArgv(3), procfd.Attr{})
			Expect(waitFor(h).ExitCode).To(Equal(3))
			Expect(pollReadable(int(h.Fd()))).To(BeTrue())
			Consistently(func() bool { return pollReadable(int(h.Fd())) }).
				WithTimeout(100 * time.Millisecond).Should(BeTrue())
		})
	})

	Describe("Signal", func() {
		It("answers signal 0 with nil while the process runs and ErrProcessDone after Wait", func() {
			h := start(sleepArgv(), procfd.Attr{})
			Expect(h.Signal(syscall.Signal(0))).To(Succeed())
			Expect(h.Kill()).To(Succeed())
			waitFor(h)

			for _, sig := range []syscall.Signal{0, syscall.SIGTERM, syscall.SIGKILL} {
				Expect(h.Signal(sig)).To(MatchError(os.ErrProcessDone), "signal %d", sig)
			}
			Expect(h.Kill()).To(MatchError(os.ErrProcessDone))
		})

		It("answers ErrProcessDone for a process that has exited but is not reaped yet", func() {
			h := start(trueArgv(), procfd.Attr{})
			Eventually(func() bool { return hasEnded(h.Pid()) }).
				WithTimeout(waitTimeout).Should(BeTrue())

			Expect(h.Signal(syscall.Signal(0))).To(MatchError(os.ErrProcessDone))
			Expect(h.Kill()).To(MatchError(os.ErrProcessDone))
			// Asking did not reap it: the status is still ours.
			if !reapsAtExit {
				Expect(exitedUnreaped(h.Pid())).To(BeTrue())
			}
			Expect(waitFor(h).Success()).To(BeTrue())
		})

		It("answers only nil or ErrProcessDone while the process is reaped under it", func() {
			h := start(exitArgv(0), procfd.Attr{})
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
			h := start(trueArgv(), procfd.Attr{})
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
			h := start(sleepArgv(), procfd.Attr{KillOnClose: true})
			pid := h.Pid()
			gone := watchEnd(pid)
			Expect(h.Close()).To(Succeed())
			Expect(gone()).To(BeTrue(), "killed and reaped before Close returned")
			Expect(zombieChildren()).NotTo(ContainElement(pid))
		})

		It("with KillOnClose reaps a process that has already exited", func() {
			h := start(trueArgv(), procfd.Attr{KillOnClose: true})
			pid := h.Pid()
			Eventually(func() bool { return hasEnded(pid) }).WithTimeout(waitTimeout).Should(BeTrue())
			Expect(h.Close()).To(Succeed())
			Expect(processExists(pid)).To(BeFalse(), "reaped")
		})

		It("without KillOnClose leaves a running process running, and reaps it once it ends", func() {
			inR, inW := newPipe()
			// cat gives up at once without a stdout: give it one.
			h := start(catArgv(), procfd.Attr{Files: []*os.File{inR, devNull(), nil}})
			inR.Close()
			pid := h.Pid()
			Expect(h.Close()).To(Succeed())

			Consistently(func() bool { return processExists(pid) }).
				WithTimeout(300 * time.Millisecond).Should(BeTrue())
			Expect(exitedUnreaped(pid)).To(BeFalse())

			Expect(inW.Close()).To(Succeed()) // cat ends at EOF
			Eventually(func() bool { return processExists(pid) }).
				WithTimeout(waitTimeout).Should(BeFalse())
		})

		It("without KillOnClose reaps a process that exited before Close", func() {
			h := start(trueArgv(), procfd.Attr{})
			pid := h.Pid()
			Eventually(func() bool { return hasEnded(pid) }).WithTimeout(waitTimeout).Should(BeTrue())
			Expect(h.Close()).To(Succeed())
			Eventually(func() bool { return processExists(pid) }).
				WithTimeout(waitTimeout).Should(BeFalse())
		})
	})

	Describe("exec failures", func() {
		// Each failure must leave no child behind, not even for a moment
		// after Start returns: Start reaps the failed child itself.
		AfterEach(func() {
			Expect(zombieChildren()).To(BeEmpty())
		})

		It("reports a missing program as not existing, naming it", func() {
			err := startErr(missingProgram, []string{"prog"}, procfd.Attr{})
			Expect(errors.Is(err, fs.ErrNotExist)).To(BeTrue(), "%v", err)
			Expect(err.Error()).To(HavePrefix("procfd: start " + missingProgram + ": "))
		})

	})

	Describe("Files", func() {
		It("redirects stdout and stderr to pipes", func() {
			outR, outW := newPipe()
			errR, errW := newPipe()
			h := start(echoArgv("out", "err", 3), procfd.Attr{Files: []*os.File{nil, outW, errW}})
			outW.Close()
			errW.Close()
			Expect(readAll(outR)).To(Equal("out\n"))
			Expect(readAll(errR)).To(Equal("err\n"))
			Expect(waitFor(h).ExitCode).To(Equal(3))
		})

		It("feeds stdin from a pipe", func() {
			inR, inW := newPipe()
			outR, outW := newPipe()
			h := start(catArgv(), procfd.Attr{Files: []*os.File{inR, outW, nil}})
			inR.Close()
			outW.Close()
			_, err := inW.WriteString("hello\nworld\n")
			Expect(err).NotTo(HaveOccurred())
			Expect(inW.Close()).To(Succeed())
			Expect(readAll(outR)).To(Equal("hello\nworld\n"))
			Expect(waitFor(h).Success()).To(BeTrue())
		})

		It("swaps stdout and stderr", func() {
			aR, aW := newPipe()
			bR, bW := newPipe()
			h := start(echoArgv("one", "two", 0), procfd.Attr{Files: []*os.File{nil, bW, aW}})
			aW.Close()
			bW.Close()
			Expect(readAll(bR)).To(Equal("one\n"))
			Expect(readAll(aR)).To(Equal("two\n"))
			Expect(waitFor(h).Success()).To(BeTrue())
		})
	})

	Describe("Env", func() {
		// The variables come NUL-separated (env -0), so values with
		// newlines (exported shell functions, say) cannot confuse the
		// count.
		envOf := func(env []string) []string {
			GinkgoHelper()
			r, w := newPipe()
			h := start(envArgv(), procfd.Attr{Env: env, Files: []*os.File{nil, w, nil}})
			w.Close()
			out := readAll(r)
			Expect(waitFor(h).Success()).To(BeTrue())
			vars := strings.Split(out, "\x00")
			return withoutAddedEnv(vars[:len(vars)-1], env) // after the last NUL
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
			h := start(pwdArgv(), procfd.Attr{Dir: dir, Files: []*os.File{nil, w, nil}})
			w.Close()
			out := readAll(r)
			Expect(waitFor(h).Success()).To(BeTrue())
			return strings.TrimRight(out, "\r\n")
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

	Describe("bad input", func() {
		DescribeTable("returns an error, never panics, starts nothing",
			func(path string, argv []string, attr procfd.Attr, like error) {
				if path == "true" {
					path = trueArgv()[0]
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
			Entry("NUL in path", "tr\x00ue", []string{"true"}, procfd.Attr{}, syscall.EINVAL),
			Entry("NUL in an argument", "true", []string{"true", "a\x00b"}, procfd.Attr{}, syscall.EINVAL),
			Entry("NUL in Env", "true", []string{"true"}, procfd.Attr{Env: []string{"A=\x00"}}, syscall.EINVAL),
			Entry("NUL in Dir", "true", []string{"true"}, procfd.Attr{Dir: "/tmp\x00"}, syscall.EINVAL),
			Entry("too many Files", "true", []string{"true"}, procfd.Attr{Files: make([]*os.File, 100000)}, syscall.EINVAL),
		)

		It("rejects an unknown backend", func() {
			var h *procfd.Handle
			var err error
			Expect(func() {
				h, err = procfd.Start(trueArgv()[0], trueArgv(), &procfd.Attr{Backend: "nope"})
			}).NotTo(Panic())
			if h != nil {
				DeferCleanup(dispose, h)
			}
			Expect(err).To(HaveOccurred())
			Expect(h).To(BeNil())
			Expect(err.Error()).To(ContainSubstring(`"nope"`))
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
// The read runs on a goroutine of its own, since not every OS has read
// deadlines on pipes (Windows has none): on a timeout, the spec's cleanup
// closes r, which ends it.
func readAll(r *os.File) string {
	GinkgoHelper()
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		var buf bytes.Buffer
		_, err := io.Copy(&buf, r)
		done <- result{buf.String(), err}
	}()
	var res result
	Eventually(done).WithTimeout(waitTimeout).Should(Receive(&res), "no end of file")
	Expect(res.err).NotTo(HaveOccurred())
	return res.out
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
