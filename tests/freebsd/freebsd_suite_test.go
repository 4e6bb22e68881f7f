//go:build freebsd

package freebsdtest

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/conformance"
	"github.com/procfd/procfd/tests/internal/testbin"
)

// killOnExit is the helper that exits without closing its handle.
const killOnExit = "github.com/procfd/procfd/tests/internal/killonexit"

func TestFreeBSD(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "procfd FreeBSD suite")
}

var _ = SynchronizedBeforeSuite(func() []byte {
	// Without cgo the package has no backend here (handle_other.go).
	Expect(procfd.DefaultBackend()).To(Equal(procfd.BackendProcdesc),
		"the procdesc backend needs cgo: run with CGO_ENABLED=1")
	return testbin.Build(testbin.FDProbe, testbin.CloseFDs, killOnExit)
}, testbin.Load)

var _ = SynchronizedAfterSuite(func() {}, gexec.CleanupBuildArtifacts)

var _ = Describe("procdesc backend", Label("procdesc"), func() {
	conformance.Specs(procfd.BackendProcdesc)
})
