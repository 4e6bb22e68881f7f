//go:build linux

package linux_test

import (
	"fmt"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
)

var _ = Describe("descriptors", func() {
	for _, tc := range []struct {
		backend procfd.Backend
		kind    string // what the handle's descriptor is, as /proc shows it
	}{
		{procfd.BackendPidfd, "anon_inode:[pidfd]"},
		{procfd.BackendPipe, "pipe:["},
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
