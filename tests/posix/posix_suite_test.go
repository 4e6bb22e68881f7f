//go:build darwin || netbsd || openbsd || (freebsd && !cgo) || (linux && procfd_posixpipe)

// The suite of the death-pipe backend of POSIX systems without a process
// handle of their own (handle_posixpipe.go): macOS, NetBSD, OpenBSD, and
// FreeBSD built without cgo. None of those machines is at hand here, so CI
// runs it on Linux, where procfd builds that backend in place of its own
// under the build tag procfd_posixpipe (./build.sh posixpipe):
//
//	CGO_ENABLED=0 go test -tags procfd_posixpipe ./tests/posix
//
// On the systems themselves, `go test ./tests/posix` runs it; the specs
// that read /proc skip there with their reason.
package posix_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/procfd/procfd/tests/internal/testbin"
)

func TestPOSIX(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "procfd POSIX death-pipe suite")
}

// helpers are the programs the specs run; a per-OS file may add its own.
var helpers = []string{testbin.FDProbe, testbin.CloseFDs}

var _ = SynchronizedBeforeSuite(func() []byte {
	return testbin.Build(helpers...)
}, testbin.Load)

var _ = SynchronizedAfterSuite(func() {}, gexec.CleanupBuildArtifacts)
