//go:build windows

// Package winhost tells the Windows specs what they run on and where their
// child program is.
package winhost

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
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
