// Command example starts a few processes through procfd handles and shows
// what a handle gives: its backend, an exit status, a death by signal, and
// many processes awaited at once without a thread each.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/procfd/procfd"
)

func main() {
	log.SetFlags(0)
	fmt.Println("default backend:", procfd.DefaultBackend())

	for _, backend := range []procfd.Backend{procfd.BackendPidfd, procfd.BackendPipe} {
		h, err := procfd.Start("/bin/sh", []string{"sh", "-c", "exit 3"}, &procfd.Attr{Backend: backend})
		if errors.Is(err, procfd.ErrUnsupported) {
			fmt.Printf("%-5s  %v\n", backend, err)
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		st, err := h.Wait(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-5s  pid %d: %v\n", backend, st.Pid, st)
		h.Close()
	}

	// A context bounds the wait; the process is then still ours to kill.
	h, err := procfd.Start("/bin/sleep", []string{"sleep", "60"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	_, err = h.Wait(ctx)
	cancel()
	fmt.Println("sleep 60, waited 50ms:", err)
	h.Kill()
	st, _ := h.Wait(context.Background())
	fmt.Println("after Kill:", st)
	h.Close()

	// Awaiting many processes at once parks goroutines, not threads.
	const n = 200
	var wg sync.WaitGroup
	failed := 0
	var mu sync.Mutex
	for range n {
		h, err := procfd.Start("/bin/true", []string{"true"}, nil)
		if err != nil {
			log.Fatal(err)
		}
		wg.Go(func() {
			defer h.Close()
			if st, err := h.Wait(context.Background()); err != nil || !st.Success() {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	fmt.Printf("%d processes awaited at once, %d failed\n", n, failed)

	_, err = procfd.Start("/no/such/prog", []string{"prog"}, nil)
	fmt.Println("missing program:", err)
}
