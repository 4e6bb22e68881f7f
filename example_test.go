//go:build linux

package procfd_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os/exec"
	"sync"
	"time"

	"github.com/procfd/procfd"
)

func ExampleStart() {
	h, err := procfd.Start("/bin/sh", []string{"sh", "-c", "exit 3"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()

	st, err := h.Wait(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st)
	// Output: exit status 3
}

// A Wait that gives up, then a kill through the handle: the signal can reach
// no process but the handle's own, even if its PID were reused.
func ExampleHandle_Wait() {
	h, err := procfd.Start("/bin/sleep", []string{"sleep", "10"}, &procfd.Attr{KillOnClose: true})
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := h.Wait(ctx); errors.Is(err, context.DeadlineExceeded) {
		fmt.Println("still running after 50ms")
		if err := h.Kill(); err != nil {
			log.Fatal(err)
		}
	}
	st, err := h.Wait(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st)
	// Output:
	// still running after 50ms
	// signal: killed
}

// A handle on a process that something else started: here os/exec. Open
// needs a backend that can refer to an existing process (pidfd on Linux).
func ExampleOpen() {
	cmd := exec.Command("/bin/sleep", "10")
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	h, err := procfd.Open(cmd.Process.Pid)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()

	if err := h.Kill(); err != nil {
		log.Fatal(err)
	}
	// It is our child, so Wait reaps it (and cmd.Wait would find nothing).
	st, err := h.Wait(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st)
	// Output: signal: killed
}

// Many children awaited at once: each Wait parks its goroutine on the
// runtime's poller, so the program holds no OS thread per child.
func Example_manyChildren() {
	const n = 100
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		h, err := procfd.Start("/bin/sh", []string{"sh", "-c", fmt.Sprintf("sleep 0.1; exit %d", i)}, nil)
		if err != nil {
			log.Fatal(err)
		}
		wg.Go(func() {
			defer h.Close()
			st, err := h.Wait(context.Background())
			if err != nil {
				log.Fatal(err)
			}
			codes[i] = st.ExitCode
		})
	}
	wg.Wait()

	sum := 0
	for _, c := range codes {
		sum += c
	}
	fmt.Println(n, "children, exit codes summing to", sum)
	// Output: 100 children, exit codes summing to 4950
}
