package conformance

import (
	"errors"
	"os"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/procfd/procfd"
)

// osSpecs are the specs of what Windows lacks: procfd refuses rather than
// start a process without what was asked for.
func osSpecs(s suite) {
	start, startErr := s.start, s.startErr

	It("refuses signals other than Kill and 0, and the process runs on", func() {
		h := start(sleepArgv(), procfd.Attr{})
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
			err := h.Signal(sig)
			Expect(errors.Is(err, procfd.ErrUnsupported)).To(BeTrue(), "%v: %v", sig, err)
		}
		Expect(h.Signal(syscall.Signal(0))).To(Succeed())
	})

	DescribeTable("refuses the POSIX attributes and starts nothing",
		func(attr procfd.Attr) {
			before := len(childrenOf())
			err := startErr(trueArgv()[0], trueArgv(), attr)
			Expect(errors.Is(err, procfd.ErrUnsupported)).To(BeTrue(), "%v", err)
			Expect(childrenOf()).To(HaveLen(before))
		},
		Entry("Setsid", procfd.Attr{Setsid: true}),
		Entry("Setpgid", procfd.Attr{Setpgid: true}),
		Entry("SigDefault", procfd.Attr{SigDefault: []syscall.Signal{syscall.SIGINT}}),
		Entry("SigMask", procfd.Attr{SigMask: []syscall.Signal{syscall.SIGINT}}),
	)

	It("refuses more than three Files: a Windows child has standard handles only", func() {
		err := startErr(trueArgv()[0], trueArgv(), procfd.Attr{Files: []*os.File{nil, nil, nil, os.Stderr}})
		Expect(errors.Is(err, syscall.EINVAL)).To(BeTrue(), "%v", err)
	})
}
