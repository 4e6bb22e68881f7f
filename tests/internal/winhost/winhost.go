//go:build windows

// Package winhost tells the Windows specs what they run on and where their
// child program is.
package winhost

import (
	"errors"
	"os"
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

// Start is procfd.Start for the Windows specs. Under Wine, CreateProcessW
// has answered ERROR_INTERNAL_ERROR in fresh-clone CI runs (in four of
// some twenty, each in a spec that starts many processes; never in a run
// of the Windows step alone): Wine's NtCreateUserProcess says so when the
// new process died in its own start-up, before the program ran. Then, and
// only under Wine, Start tries again, at most twice, each retry an entry
// in the running spec's report. On Windows, and for any other error, the
// first answer stands.
func Start(path string, argv []string, attr *procfd.Attr) (*procfd.Handle, error) {
	h, err := procfd.Start(path, argv, attr)
	for retry := 0; retry < 2 && errors.Is(err, windows.ERROR_INTERNAL_ERROR) && UnderWine(); retry++ {
		AddReportEntry("Wine: CreateProcessW answered ERROR_INTERNAL_ERROR, started again", err.Error())
		h, err = procfd.Start(path, argv, attr)
	}
	return h, err
}
