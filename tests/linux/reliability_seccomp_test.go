//go:build linux

package linux_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/procfd/procfd/tests/internal/emulator"
	"github.com/procfd/procfd/tests/internal/testbin"
)

// The pidfd calls hidden by a seccomp filter, as on a kernel older than
// 5.2 (ENOSYS), in a container whose profile refuses them (EPERM), and
// under qemu-user (clone takes no CLONE_PIDFD, no clone3; pidfd_open and
// the rest work). procfd must fall back to the pipe backend, say why the
// pidfd backend is unavailable, and the pipe backend must pass its specs.
//
// The filter (tests/internal/seccomprun) is put on a subprocess: this
// suite's own binary, built again with go test -c, runs its pipe specs under
// it; the "reliability" and "slow" specs are left out, and so is this one.
var _ = Describe("a kernel or a container without pidfds", Label("reliability"), Ordered, func() {
	// How long a subprocess may take: a hang guard, not a measure.
	const (
		buildTimeout = 10 * time.Minute
		suiteTimeout = 10 * time.Minute
		probeTimeout = time.Minute
	)
	var seccomprun, probe, suite string

	BeforeAll(func() {
		skipWithoutSeccompFilter()
		seccomprun = testbin.BuildNow(testbin.SeccompRun)
		probe = testbin.BuildNow(testbin.BackendProbe)

		// go test runs a suite in its package's directory.
		wd, err := os.Getwd()
		Expect(err).NotTo(HaveOccurred())
		suite = filepath.Join(GinkgoT().TempDir(), "linux.test")
		build := exec.Command(bin("go"), "test", "-c", "-o", suite, ".")
		build.Dir = wd
		s, err := gexec.Start(build, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s, buildTimeout).Should(gexec.Exit(0), "go test -c ./tests/linux")
	})

	// run starts argv under the filter mode, with PROCFD_BACKEND unset,
	// and waits for it.
	run := func(mode string, timeout time.Duration, argv ...string) *gexec.Session {
		GinkgoHelper()
		cmd := exec.Command(seccomprun, append([]string{mode}, argv...)...)
		cmd.Env = envWithoutBackend()
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Kill().Wait(timeout) })
		Eventually(s, timeout).Should(gexec.Exit())
		return s
	}

	for _, tc := range []probeCase{
		{
			mode:     "enosys",
			pidfdErr: "backend pidfd is not supported here: pidfd_open: function not implemented",
			calls:    "pidfd_open=ENOSYS pidfd_send_signal=ENOSYS waitid(P_PIDFD)=ENOSYS clone3=ENOSYS",
		},
		{
			mode:     "eperm",
			pidfdErr: "backend pidfd is not supported here: pidfd_open: operation not permitted",
			calls:    "pidfd_open=EPERM pidfd_send_signal=EPERM waitid(P_PIDFD)=EPERM clone3=ENOSYS",
		},
		qemuProbe,
	} {
		Describe("under the "+tc.mode+" filter", func() {
			It("chooses the pipe backend and names the call that rules out pidfds", func() {
				s := run(tc.mode, probeTimeout, probe)
				expectProbe(s, tc)
			})

			It("passes the pipe backend's specs", func() {
				s := run(tc.mode, suiteTimeout, suite,
					"-ginkgo.label-filter=pipe && !reliability && !slow",
					"-ginkgo.no-color", "-test.timeout="+suiteTimeout.String())
				Expect(s.ExitCode()).To(Equal(0))
				Expect(s.Out).To(gbytes.Say(`SUCCESS! -- [1-9]\d* Passed \| 0 Failed`))
			})
		})
	}
})

// probeCase is what backendprobe prints where the pidfd calls are hidden.
type probeCase struct {
	mode string
	// what a Start forced onto the pidfd backend says
	pidfdErr string
	// what the raw calls return
	calls string
}

// qemuProbe is qemu-user's case: pidfd_open, pidfd_send_signal and
// waitid(P_PIDFD) work (the kernel's own errors for the bad arguments),
// clone refuses CLONE_PIDFD and clone3 is missing. The "qemu" filter plays
// it natively; under qemu-user itself the probe must print the same.
var qemuProbe = probeCase{
	mode:     "qemu",
	pidfdErr: "backend pidfd is not supported here: clone: invalid argument",
	calls:    "pidfd_open=EINVAL pidfd_send_signal=EBADF waitid(P_PIDFD)=EINVAL clone3=ENOSYS",
}

// expectProbe checks backendprobe's output (s, exited) against tc.
func expectProbe(s *gexec.Session, tc probeCase) {
	GinkgoHelper()
	Expect(s.ExitCode()).To(Equal(0))
	out := strings.Split(strings.TrimSpace(string(s.Out.Contents())), "\n")
	Expect(out).To(HaveLen(4))
	Expect(out[0]).To(Equal("default pipe"))
	Expect(out[1]).To(HavePrefix("pidfd "))
	Expect(out[1]).To(HaveSuffix(tc.pidfdErr))
	Expect(out[2]).To(Equal("pipe ok exit status 0"))
	Expect(out[3]).To(Equal("calls " + tc.calls))
}

// What the "qemu" filter stands for, checked against the real qemu-user:
// the same probe, built for the suite's CPU and run under the emulator with
// no filter, must print what it prints under the filter.
var _ = Describe("the backend probe under qemu-user itself", Label("reliability"), func() {
	It("prints what it prints under the qemu filter", func() {
		if emulator.Name() == "" {
			Skip("runs under qemu-user only (./build.sh qemu)")
		}
		cmd := testbin.Command(testbin.BuildNow(testbin.BackendProbe))
		cmd.Env = envWithoutBackend()
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Kill() })
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit())
		expectProbe(s, qemuProbe)
	})
})
