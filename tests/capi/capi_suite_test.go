//go:build linux

package capi_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

func TestCAPI(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "procfd C ABI suite")
}

// Where BeforeSuite put things, for the specs.
var (
	repo   string // the repository root
	libDir string // holds libprocfd.so.0 and the libprocfd.so link
	lib    string // libprocfd.so.0
	binDir string // the compiled C tests
)

// The C tests, by source file under c/.
var cTests = []string{"test_process", "test_errors", "test_threads", "test_host_sigchld", "test_signals", "test_open_errors",
	"test_races", "test_leaks", "test_group"}

// C tests that the suite runs in a setting of their own.
var cTestsWithArgs = []string{"test_nofile"}

var strictCFlags = []string{"-std=c11", "-Wall", "-Wextra", "-Werror"}

// The library is built once, by ./build.sh lib (the recipe every build of
// it uses), into a directory of the suite's own, and every C test is
// compiled against include/procfd.h (never the header cgo writes) and linked
// with it.
var _ = BeforeSuite(func() {
	var err error
	repo, err = filepath.Abs(filepath.Join("..", ".."))
	Expect(err).NotTo(HaveOccurred())
	tmp, err := os.MkdirTemp("", "procfd-capi-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, tmp)
	libDir, binDir = filepath.Join(tmp, "lib"), filepath.Join(tmp, "bin")
	lib = filepath.Join(libDir, "libprocfd.so.0")
	Expect(os.MkdirAll(binDir, 0o755)).To(Succeed())

	run(exec.Command(filepath.Join(repo, "build.sh"), "lib", tmp))

	for _, name := range append(cTests, cTestsWithArgs...) {
		args := append(append([]string{}, strictCFlags...),
			"-I"+filepath.Join(repo, "include"),
			filepath.Join("c", name+".c"),
			"-o", filepath.Join(binDir, name),
			"-L"+libDir, "-lprocfd", "-pthread", "-Wl,-rpath,"+libDir)
		run(exec.Command(cc(), args...))
	}
})

func cc() string {
	if c := os.Getenv("CC"); c != "" {
		return c
	}
	return "cc"
}

// run runs a build step and fails with its output if it fails.
func run(cmd *exec.Cmd) {
	GinkgoHelper()
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "%s\n%s", cmd, out)
}

var _ = AfterSuite(func() { gexec.KillAndWait() })
