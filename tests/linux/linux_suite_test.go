//go:build linux

package linux_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/procfd/procfd/tests/internal/testbin"
)

func TestLinux(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "procfd Linux suite")
}

var _ = SynchronizedBeforeSuite(func() []byte {
	return testbin.Build(testbin.FDProbe, testbin.CloseFDs, testbin.SigIgn, testbin.NoFile, testbin.GroupFallback, testbin.HiddenMember, testbin.Subreaper)
}, testbin.Load)

var _ = SynchronizedAfterSuite(func() {}, gexec.CleanupBuildArtifacts)
