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
func Start(path string, argv []string, attr *procfd.Attr) (*procfd.Handle, error) {
	h, err := procfd.Start(path, argv, attr)
	for retry := 0; retry < 2 && wineFailedStart(err); retry++ {
		h, err = procfd.Start(path, argv, attr)
	}
	return h, err
}

// StartCommand starts the command that newCmd makes, as Start does: under
// Wine, a start that Wine failed is tried again with a command newCmd makes
// anew, since an exec.Cmd starts only once.
func StartCommand(newCmd func() (*exec.Cmd, error)) (*exec.Cmd, error) {
	for retry := 0; ; retry++ {
		cmd, err := newCmd()
		if err != nil {
			return nil, err
		}
		err = cmd.Start()
		if err == nil || retry == 2 || !wineFailedStart(err) {
			return cmd, err
		}
	}
}

// wineFailedStart reports whether err is Wine's ERROR_INTERNAL_ERROR from a
// start, and if so records it in the running spec's report.
func wineFailedStart(err error) bool {
	if !errors.Is(err, windows.ERROR_INTERNAL_ERROR) || !UnderWine() {
		return false
	}
	AddReportEntry("Wine: CreateProcessW answered ERROR_INTERNAL_ERROR, started again", err.Error())
	return true
}
