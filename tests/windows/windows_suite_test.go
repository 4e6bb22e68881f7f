//go:build windows

package windowstest

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/conformance"
)

func TestWindows(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Windows Suite")
}

var _ = Describe("handle backend", Label("handle"), func() {
	conformance.Specs(procfd.BackendHandle)
})
