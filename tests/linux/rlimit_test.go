//go:build linux

package linux_test

import (
	"os/exec"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/procfd/procfd/tests/internal/emulator"
	"github.com/procfd/procfd/tests/internal/testbin"
)

// The Go runtime raises the soft RLIMIT_NOFILE of a Go program when it
// starts; os/exec gives children the limit the program started with, and so
// must procfd, or a child written for select(2) gets descriptors past
// FD_SETSIZE.
var _ = Describe("RLIMIT_NOFILE", func() {
	const soft = "256"
	for _, backend := range []string{"pidfd", "pipe"} {
		It("is the one the program started with in a child on the "+backend+" backend", Label(backend), func() {
			var lim syscall.Rlimit
			Expect(syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)).To(Succeed())
			if lim.Max <= 256 {
				Skip("the hard limit leaves no room to raise the soft one")
			}
			cmd := exec.Command("sh", append([]string{"-c", `ulimit -Sn ` + soft + ` && exec "$@"`, "sh"},
				emulator.Argv(testbin.Path(testbin.NoFile), backend)...)...)
			s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
			Expect(err).NotTo(HaveOccurred())
			Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(0))
			// The runtime did raise it: otherwise this proves nothing.
			Expect(s.Out).NotTo(gbytes.Say("own: " + soft + "\n"))
			Expect(s.Out.Contents()).To(MatchRegexp(`(?m)^child: ` + soft + `$`))
		})

		It("is the one the program set itself in a child on the "+backend+" backend", Label(backend), func() {
			var lim syscall.Rlimit
			Expect(syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)).To(Succeed())
			if lim.Max <= 300 {
				Skip("the hard limit leaves no room to raise the soft one")
			}
			cmd := exec.Command("sh", append([]string{"-c", `ulimit -Sn ` + soft + ` && exec "$@"`, "sh"},
				emulator.Argv(testbin.Path(testbin.NoFile), backend, "300")...)...)
			s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
			Expect(err).NotTo(HaveOccurred())
			Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(0))
			Expect(s.Out.Contents()).To(MatchRegexp(`(?m)^own: 300\nchild: 300$`))
		})
	}
})
