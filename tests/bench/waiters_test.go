//go:build linux

package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/procfd/procfd"
	"github.com/procfd/procfd/tests/internal/procstat"
)

// awaitMany starts n /bin/cat children reading one pipe, waits for all of
// them at once from n goroutines, and reports the process's threads and
// RSS while they all wait. Closing the pipe then ends every child.
func awaitMany(b *testing.B, n int, start func(stdin, stdout *os.File) (wait func() error)) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	for b.Loop() {
		r, w, err := os.Pipe()
		if err != nil {
			b.Fatal(err)
		}
		var started, finished sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wait := start(r, devnull)
			started.Add(1)
			finished.Go(func() {
				started.Done()
				if err := wait(); err != nil {
					errs <- err
				}
			})
		}
		started.Wait()
		b.ReportMetric(float64(procstat.Threads()), "threads")
		b.ReportMetric(float64(procstat.RSSKiB())/1024, "RSS-MiB")
		w.Close()
		finished.Wait()
		r.Close()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
	}
}

func procfdWaiter(b *testing.B, backend procfd.Backend) func(stdin, stdout *os.File) func() error {
	return func(stdin, stdout *os.File) func() error {
		h, err := procfd.Start("/bin/cat", []string{"cat"}, &procfd.Attr{
			Files: []*os.File{stdin, stdout, stdout}, Backend: backend,
		})
		if err != nil {
			b.Fatal(err)
		}
		return func() error {
			defer h.Close()
			st, err := h.Wait(context.Background())
			if err == nil && !st.Success() {
				err = fmt.Errorf("cat: %v", st)
			}
			return err
		}
	}
}

func execWaiter(b *testing.B) func(stdin, stdout *os.File) func() error {
	return func(stdin, stdout *os.File) func() error {
		cmd := exec.Command("/bin/cat")
		cmd.Stdin, cmd.Stdout = stdin, stdout
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		return cmd.Wait
	}
}

// BenchmarkWaiters10000 awaits 10,000 processes at once. os/exec is run
// with 2,000 only: it holds a thread per waiter, and Go's default limit of
// 10,000 threads would kill the benchmark.
func BenchmarkWaiters10000(b *testing.B) {
	b.Run("pidfd", func(b *testing.B) { awaitMany(b, 10000, procfdWaiter(b, procfd.BackendPidfd)) })
	b.Run("pipe", func(b *testing.B) { awaitMany(b, 10000, procfdWaiter(b, procfd.BackendPipe)) })
}

func BenchmarkWaiters2000(b *testing.B) {
	b.Run("pidfd", func(b *testing.B) { awaitMany(b, 2000, procfdWaiter(b, procfd.BackendPidfd)) })
	b.Run("os-exec", func(b *testing.B) { awaitMany(b, 2000, execWaiter(b)) })
}
