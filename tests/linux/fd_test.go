//go:build linux

package linux_test

import (
	"context"
	"fmt"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/emulator"
	"github.com/procfd/procfd/tests/internal/procstat"
)

var _ = Describe("descriptors", func() {
	for _, tc := range []struct {
		backend procfd.Backend
		kind    string // what the handle's descriptor is, as /proc shows it
	}{
		{procfd.BackendPidfd, "anon_inode:[pidfd]"},
		// The death pipe itself is no exact signal; the eventfd the
		// death watch writes once the child has ended is.
		{procfd.BackendPipe, "anon_inode:[eventfd]"},
	} {
		Describe(string(tc.backend), Label(string(tc.backend)), func() {
			It("gives an Fd that polls readable only once the process has exited", func() {
				inR, inW := newPipe()
				devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(devnull.Close)
				h := startOn(tc.backend, []string{"cat"}, procfd.Attr{Files: []*os.File{inR, devnull, nil}})
				inR.Close()

				fd := int(h.Fd())
				target, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
				Expect(err).NotTo(HaveOccurred())
				Expect(target).To(HavePrefix(tc.kind))

				Consistently(func() bool { return readable(fd) }).
					WithTimeout(300 * time.Millisecond).Should(BeFalse())
				Expect(inW.Close()).To(Succeed())
				Eventually(func() bool { return readable(fd) }).
					WithTimeout(waitTimeout).Should(BeTrue())

				st, err := waitFor(h)
				Expect(err).NotTo(HaveOccurred())
				Expect(st.Success()).To(BeTrue())
				// Reaping does not make it unreadable again.
				Expect(readable(fd)).To(BeTrue())
			})

			It("gives the child only the descriptors of Files, plus its own death pipe end", func() {
				inR, _ := newPipe()
				devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(devnull.Close)
				h := startOn(tc.backend, []string{"cat"}, procfd.Attr{Files: []*os.File{inR, devnull, devnull}})

				// cat's dynamic loader holds a descriptor or two for a
				// moment after exec; a leaked one would stay for good.
				inherited := inheritedFDs()
				extra := func() (map[int]string, error) {
					fds, err := procstat.FDs(h.Pid())
					if err != nil {
						return nil, err
					}
					if fds[1] != os.DevNull || fds[2] != os.DevNull {
						return nil, fmt.Errorf("1 and 2 must be %s: %v", os.DevNull, fds)
					}
					extra := map[int]string{}
					for fd, target := range fds {
						// A descriptor this process got from its own parent
						// without close-on-exec goes to every child, as with
						// os/exec; procfd must add none of its own.
						if fd > 2 && !inherited[fd] {
							extra[fd] = target
						}
					}
					return extra, nil
				}
				if tc.backend == procfd.BackendPipe {
					// The death pipe's write end, and nothing else.
					Eventually(extra).WithTimeout(waitTimeout).Should(
						And(HaveLen(1), ContainElement(HavePrefix("pipe:["))))
				} else {
					Eventually(extra).WithTimeout(waitTimeout).Should(BeEmpty())
				}
			})
		})
	}
})

// inheritedFDs returns this process's descriptors above 2 that are not
// close-on-exec: those it got from its parent (a shell, a CI runner). Go
// opens everything close-on-exec.
func inheritedFDs() map[int]bool {
	GinkgoHelper()
	fds, err := procstat.FDs(os.Getpid())
	Expect(err).NotTo(HaveOccurred())
	inherited := map[int]bool{}
	for fd := range fds {
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if fd > 2 && err == nil && flags&unix.FD_CLOEXEC == 0 {
			inherited[fd] = true
		}
	}
	return inherited
}

// What an event loop relies on: with edge-triggered epoll, the first edge of
// each handle's Fd comes when its status can be collected, and none is lost.
var _ = Describe("an edge-triggered epoll loop", func() {
	for _, backend := range []procfd.Backend{procfd.BackendPidfd, procfd.BackendPipe} {
		n := emulator.Rounds(1000)
		It(fmt.Sprintf("sees the exit of each of %d handles once, each collectable by a look", n), Label(string(backend)), func() {
			ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(unix.Close, ep)

			// Children end at their own pace over about 0.5 s, some
			// before their handle is in the set, most after.
			handles := make([]*procfd.Handle, n)
			for i := range handles {
				script := fmt.Sprintf("sleep 0.%03d; exit %d", i%500, i%200)
				handles[i] = startOn(backend, []string{"sh", "-c", script}, procfd.Attr{})
				ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: int32(i)}
				Expect(unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, int(handles[i].Fd()), &ev)).To(Succeed())
			}

			edges := make([]int, n)
			collected := 0
			events := make([]unix.EpollEvent, 64)
			deadline := time.Now().Add(2 * waitTimeout)
			for collected < n && time.Now().Before(deadline) {
				k, err := unix.EpollWait(ep, events, 1000)
				if err == unix.EINTR {
					continue
				}
				Expect(err).NotTo(HaveOccurred())
				for _, ev := range events[:k] {
					i := int(ev.Fd)
					edges[i]++
					if edges[i] > 1 {
						continue
					}
					ctx, cancel := context.WithCancel(context.Background())
					cancel()
					st, err := handles[i].Wait(ctx)
					Expect(err).NotTo(HaveOccurred(), "handle %d: Fd was readable but a look found no status", i)
					Expect(st.ExitCode).To(Equal(i % 200))
					collected++
				}
			}
			Expect(collected).To(Equal(n), "exits seen before the deadline")

			// The one edge an exit makes was the first; what follows
			// is not a new exit. The eventfd of the pipe backend is
			// written once. A pidfd is woken again by the reap (the
			// look's waitid), a kernel behaviour procfd.h documents.
			// The runtime's preemption signal can interrupt the wait:
			// a retry waits the full 200 ms again, which only widens it.
			k, err := unix.EpollWait(ep, events, 200)
			for err == unix.EINTR {
				k, err = unix.EpollWait(ep, events, 200)
			}
			Expect(err).NotTo(HaveOccurred())
			for _, ev := range events[:k] {
				edges[ev.Fd]++
			}
			afterReap := 0
			if backend == procfd.BackendPidfd {
				afterReap = 1
			}
			for i, e := range edges {
				Expect(e).To(BeNumerically("<=", 1+afterReap), "edges of handle %d", i)
			}
		})
	}
})
