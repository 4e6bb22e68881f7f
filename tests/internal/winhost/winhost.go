//go:build windows

// Package winhost tells the Windows specs what they run on and where their
// child program is.
package winhost

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	"golang.org/x/sys/windows"

	"github.com/procfd/procfd"
)

// UnderWine reports whether this runs under Wine, whose ntdll has
// wine_get_version.
func UnderWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// ChildExe is the child program (tests/internal/child), which the suites
// put beside their test binary as child.exe.
func ChildExe() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(exe), "child.exe"), nil
}

// Start is procfd.Start for the Windows specs that need the process to
// start. Under Wine, CreateProcessW now and then answers
// ERROR_INTERNAL_ERROR: Wine's NtCreateUserProcess says so when the new
// process died in its own start-up, before the program ran. Fresh-clone CI
// runs met it in specs that start many processes, and a loop of 2000
// starts of child.exe under Wine 8.0 beside a CI run met it once. Then, and
// only under Wine, Start tries again, at most twice, each retry an entry in
// the running spec's report. On Windows, and for any other error, the first
// answer stands.
func Start(path string, argv []string, attr *procfd.Attr) (h *procfd.Handle, err error) {
	err = retryUnderWine(func() (err error) {
		h, err = procfd.Start(path, argv, attr)
		return err
	})
	return h, err
}

// StartCommand starts the command that newCmd makes, as Start does: under
// Wine, a start that Wine failed is tried again with a command newCmd makes
// anew, since an exec.Cmd starts only once.
func StartCommand(newCmd func() (*exec.Cmd, error)) (cmd *exec.Cmd, err error) {
	err = retryUnderWine(func() (err error) {
		if cmd, err = newCmd(); err != nil {
			return err
		}
		return cmd.Start()
	})
	return cmd, err
}

// retryUnderWine runs start, and under Wine runs it again, at most twice,
// while it fails with ERROR_INTERNAL_ERROR, each retry an entry in the
// running spec's report.
func retryUnderWine(start func() error) error {
	err := start()
	for retry := 0; retry < 2 && errors.Is(err, windows.ERROR_INTERNAL_ERROR) && UnderWine(); retry++ {
		AddReportEntry("Wine: CreateProcessW answered ERROR_INTERNAL_ERROR, started again", err.Error())
		err = start()
	}
	return err
}
