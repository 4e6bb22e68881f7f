//go:build unix

// Command fdprobe writes the line "fd N" to each descriptor N named on its
// command line, in order, and exits 1 if any write fails. The specs give
// it descriptors through procfd.Attr.Files and read the pipes behind them
// to see where each descriptor leads.
//
// It cannot tell whether descriptors 0, 1 and 2 were closed: the Go runtime
// opens /dev/null on those at start-up.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

func main() {
	status := 0
	for _, arg := range os.Args[1:] {
		fd, err := strconv.Atoi(arg)
		if err != nil {
			fmt.Fprintf(os.Stderr, "fdprobe: %q is not a descriptor number\n", arg)
			os.Exit(2)
		}
		if _, err := syscall.Write(fd, fmt.Appendf(nil, "fd %d\n", fd)); err != nil {
			fmt.Fprintf(os.Stderr, "fdprobe: write fd %d: %v\n", fd, err)
			status = 1
		}
	}
	os.Exit(status)
}
