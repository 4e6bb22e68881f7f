// Command child is the program the conformance specs start where no POSIX
// shell and tools exist (Windows): one small behaviour per command, each
// the equivalent of the shell line beside it.
//
//	child exit N           exit N
//	child sleep            sleep 100 (until killed)
//	child readexit N       read x; exit N
//	child cat              cat
//	child env              env -0
//	child pwd              pwd
//	child echo OUT ERR N   echo OUT; echo ERR >&2; exit N
//	child spawn            child sleep & echo $!; sleep 100
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: child exit|sleep|readexit|cat|env|pwd|echo [args]")
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "exit":
		os.Exit(code(args, 0))
	case "sleep":
		time.Sleep(100 * time.Second)
	case "readexit":
		bufio.NewReader(os.Stdin).ReadString('\n')
		os.Exit(code(args, 0))
	case "cat":
		if _, err := io.Copy(os.Stdout, os.Stdin); err != nil {
			fail(err.Error())
		}
	case "env":
		for _, kv := range os.Environ() {
			fmt.Printf("%s\x00", kv)
		}
	case "pwd":
		wd, err := os.Getwd()
		if err != nil {
			fail(err.Error())
		}
		fmt.Println(wd)
	case "echo":
		if len(args) != 3 {
			fail("usage: child echo OUT ERR N")
		}
		fmt.Fprintln(os.Stdout, args[0])
		fmt.Fprintln(os.Stderr, args[1])
		os.Exit(code(args, 2))
	case "spawn":
		self, err := os.Executable()
		if err != nil {
			fail(err.Error())
		}
		grandchild := startGrandchild(self, "sleep")
		fmt.Println(grandchild.Process.Pid)
		time.Sleep(100 * time.Second)
	default:
		fail("unknown command " + os.Args[1])
	}
}

// errorInternal is Windows' ERROR_INTERNAL_ERROR. Wine's CreateProcessW
// answers it now and then, when the new process died in its start-up
// (winhost.Start says more); a CI run met it here, in the
// grandchild's start. Under that error alone the start is tried again, at
// most twice, each time said on stderr. Elsewhere it never matches.
const errorInternal = syscall.Errno(1359)

func startGrandchild(name string, args ...string) *exec.Cmd {
	for retry := 0; ; retry++ {
		cmd := exec.Command(name, args...)
		err := cmd.Start()
		if err == nil {
			return cmd
		}
		if retry == 2 || !errors.Is(err, errorInternal) {
			fail("start " + name + ": " + err.Error())
		}
		fmt.Fprintf(os.Stderr, "child: start %s: %v; starting again (%d of 2)\n", name, err, retry+1)
	}
}

func code(args []string, i int) int {
	if len(args) <= i {
		fail("missing exit code")
	}
	n, err := strconv.Atoi(args[i])
	if err != nil {
		fail(err.Error())
	}
	return n
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "child:", msg)
	os.Exit(125)
}
