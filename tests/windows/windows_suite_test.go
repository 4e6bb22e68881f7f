//go:build windows

package windowstest

import (
	"fmt"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/conformance"
	"github.com/procfd/procfd/tests/internal/winhost"
)

func TestWindows(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Windows Suite")
}

var _ = Describe("handle backend", Label("handle"), func() {
	conformance.Specs(procfd.BackendHandle)
})

// startMany is winhost.Start, whose retries under Wine the spec's report
// records, for the specs that start hundreds of processes.
func startMany(path string, argv []string, attr *procfd.Attr) (*procfd.Handle, error) {
	return winhost.Start(path, argv, attr, reportWineRetry)
}

func reportWineRetry(err error) {
	AddReportEntry("Wine: CreateProcessW answered ERROR_INTERNAL_ERROR, started again", err.Error())
	fmt.Fprintf(GinkgoWriter, "Wine: %v; starting again\n", err)
}
