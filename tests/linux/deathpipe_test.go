//go:build linux

package linux_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
	"github.com/procfd/procfd/tests/internal/testbin"
)

// The two cases where the death pipe's EOF alone would mislead.
var _ = Describe("death pipe", Label("pipe"), func() {
	It("gives no false exit for a child that closes all its descriptors and runs on", func() {
		h, err := procfd.Start(testbin.Path(testbin.CloseFDs), []string{"closefds", "2s", "5"},
			&procfd.Attr{Backend: procfd.BackendPipe, Files: []*os.File{nil, nil, nil}})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(dispose, h)
		done := h.Done() // the collector now watches the pipe

		// Once the child holds nothing, the pipe is at EOF for good.
		Eventually(func() (map[int]string, error) { return procstat.FDs(h.Pid()) }).
			WithTimeout(waitTimeout).Should(BeEmpty())
		Consistently(done).WithTimeout(500 * time.Millisecond).ShouldNot(BeClosed())
		Expect(h.Signal(syscall.Signal(0))).To(Succeed())

		st, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.String()).To(Equal("exit status 5"))
	})

	It("reports the child's exit while a grandchild holding the pipe runs on", func() {
		r, w := newPipe()
		h := startOn(procfd.BackendPipe, []string{"sh", "-c", "sleep 60 & echo $!; exit 7"},
			procfd.Attr{Files: []*os.File{nil, w, nil}})
		w.Close()
		grandchild := readPid(r)
		killWhenDone(grandchild, "sleep")

		// The grandchild inherited the write end, so no EOF comes
		// before it ends: only the child's own exit can close Done.
		stdout, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", r.Fd()))
		Expect(err).NotTo(HaveOccurred())
		held, err := procstat.FDs(grandchild)
		Expect(err).NotTo(HaveOccurred())
		// A pipe this process inherited without close-on-exec reaches
		// the grandchild too where procfd spawns as os/exec does
		// (built without cgo): not the death pipe either.
		inherited := inheritedFiles()
		var pipes []string
		for _, target := range held {
			if strings.HasPrefix(target, "pipe:[") && target != stdout && !inherited[target] {
				pipes = append(pipes, target)
			}
		}
		Expect(pipes).To(HaveLen(1), "the grandchild holds the death pipe: %v", held)

		// The promise is 250 ms; 2 s leaves room for a loaded machine.
		Eventually(h.Done()).WithTimeout(2 * time.Second).Should(BeClosed())
		Expect(syscall.Kill(grandchild, 0)).To(Succeed(), "the grandchild must still run")
		st, err := waitFor(h)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.String()).To(Equal("exit status 7"))
	})
})

// inheritedFiles returns what this process's descriptors without
// close-on-exec are open on: what every child inherits unless the spawn
// closes it.
func inheritedFiles() map[string]bool {
	GinkgoHelper()
	ours, err := procstat.FDs(os.Getpid())
	Expect(err).NotTo(HaveOccurred())
	inherited := make(map[string]bool)
	for fd, target := range ours {
		if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && flags&unix.FD_CLOEXEC == 0 {
			inherited[target] = true
		}
	}
	return inherited
}
