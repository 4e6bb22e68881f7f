//go:build linux

package linux_test

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/conformance"
)

var _ = Describe("pidfd backend", Label("pidfd"), func() {
	conformance.Specs(procfd.BackendPidfd)
})

var _ = Describe("pipe backend", Label("pipe"), func() {
	conformance.Specs(procfd.BackendPipe)
})
