//go:build linux

package capi_test

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

// A hang becomes a failure; the C tests take a few seconds.
const runTimeout = 2 * time.Minute

var backends = []string{"pidfd", "pipe"}

var _ = Describe("libprocfd.so", func() {
	It("exports the functions of include/procfd.h and nothing else", func() {
		session := start(exec.Command("sh", filepath.Join(repo, "tests", "capi", "check-exports.sh"),
			lib, filepath.Join(repo, "include", "procfd.h")))
		Eventually(session, runTimeout).Should(gexec.Exit(0))
		Expect(session.Out.Contents()).To(ContainSubstring("19 exported functions"))
	})

	It("has the SONAME libprocfd.so.0", func() {
		f, err := elf.Open(lib)
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()
		Expect(f.DynString(elf.DT_SONAME)).To(Equal([]string{"libprocfd.so.0"}))
	})

	It("has a header that compiles alone, as C99 and as C++", func() {
		header := filepath.Join(repo, "include", "procfd.h")
		run(exec.Command(cc(), "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror",
			"-fsyntax-only", "-x", "c", header))
		cxx, err := exec.LookPath("c++")
		if err != nil {
			Skip("no C++ compiler")
		}
		run(exec.Command(cxx, "-std=c++11", "-pedantic", "-Wall", "-Wextra", "-Werror",
			"-fsyntax-only", "-x", "c++", header))
	})
})

var _ = Describe("C tests", func() {
	for _, backend := range backends {
		Describe("on the "+backend+" backend", Label(backend), func() {
			for _, name := range cTests {
				It("passes "+name, func() {
					cmd := exec.Command(filepath.Join(binDir, name))
					cmd.Env = append(os.Environ(), "PROCFD_BACKEND="+backend)
					session := start(cmd)
					Eventually(session, runTimeout).Should(gexec.Exit(0))
					expectPassed(session.Out.Contents(), `(\d+) passed, 0 failed`)
				})
			}
		})
	}
})

var _ = Describe("the host's RLIMIT_NOFILE", func() {
	// The Go runtime raises the soft limit of the process it starts in;
	// in a library, that is the host's.
	const soft, set = 256, 300
	BeforeEach(func() {
		var lim syscall.Rlimit
		Expect(syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)).To(Succeed())
		if lim.Max <= set {
			Skip("the hard limit leaves no room to raise the soft one")
		}
	})
	runNofile := func(args ...string) {
		GinkgoHelper()
		cmd := exec.Command("sh", append([]string{"-c", `ulimit -Sn "$1" && exec "$0" "$@"`,
			filepath.Join(binDir, "test_nofile")}, args...)...)
		session := start(cmd)
		Eventually(session, runTimeout).Should(gexec.Exit(0))
		expectPassed(session.Out.Contents(), `(\d+) passed, 0 failed`)
	}

	It("is left as the host had it, and children get it", func() {
		runNofile(strconv.Itoa(soft))
	})

	// The runtime starts on a thread of its own while main runs: before
	// the load waited for the limit to be put back, 6 of 6 runs found
	// the startup limit again.
	It("stays as the host sets it first thing in main, and children get that", func() {
		for range 5 {
			runNofile(strconv.Itoa(soft), strconv.Itoa(set))
		}
	})
})

var _ = Describe("Python tests", func() {
	for _, backend := range backends {
		It("pass on the "+backend+" backend", Label(backend), func() {
			python, err := exec.LookPath("python3")
			Expect(err).NotTo(HaveOccurred(), "the Python tests need python3")
			cmd := exec.Command(python, "-m", "unittest", "discover", "-v",
				"-s", filepath.Join(repo, "tests", "capi", "python"))
			cmd.Env = append(os.Environ(),
				"PROCFD_BACKEND="+backend,
				"PROCFD_LIBRARY="+lib,
				"PYTHONPATH="+filepath.Join(repo, "bind", "python"),
				"PYTHONDONTWRITEBYTECODE=1")
			session := start(cmd)
			Eventually(session, runTimeout).Should(gexec.Exit(0))
			// unittest reports on stderr.
			out := session.Err.Contents()
			Expect(out).To(MatchRegexp(`(?m)^OK\b`))
			expectPassed(out, `Ran (\d+) tests?`)
			Expect(out).To(MatchRegexp(`500 children awaited at once: peak \d+ OS threads`))
		})
	}
})

func start(cmd *exec.Cmd) *gexec.Session {
	GinkgoHelper()
	session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	return session
}

// expectPassed checks that out reports a positive count through pattern:
// a test binary that ran nothing has not passed.
func expectPassed(out []byte, pattern string) {
	GinkgoHelper()
	m := regexp.MustCompile(pattern).FindSubmatch(out)
	Expect(m).NotTo(BeNil(), "no %q in:\n%s", pattern, out)
	n, err := strconv.Atoi(string(m[1]))
	Expect(err).NotTo(HaveOccurred())
	Expect(n).To(BeNumerically(">", 0))
}
