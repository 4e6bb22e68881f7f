//go:build unix

// Command killonexit starts a child that sleeps, prints the child's pid,
// then exits without closing its handle, as a program that crashes would:
//
//	killonexit kill|keep
//
// kill starts the child with KillOnClose, keep without. On FreeBSD the
// kernel closes the child's process descriptor as this program ends: made
// without PD_DAEMON (kill), that kills the child; with it (keep), the child
// runs on. The FreeBSD suite checks both.
package main

import (
	"fmt"
	"os"

	"github.com/procfd/procfd"
)

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "kill" && os.Args[1] != "keep") {
		fmt.Fprintln(os.Stderr, "usage: killonexit kill|keep")
		os.Exit(2)
	}
	h, err := procfd.Start("/bin/sleep", []string{"sleep", "100"}, &procfd.Attr{
		KillOnClose: os.Args[1] == "kill",
		Files:       []*os.File{nil, nil, os.Stderr},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "killonexit:", err)
		os.Exit(1)
	}
	fmt.Println(h.Pid())
	os.Exit(0) // no Close: the kernel closes the descriptor
}
