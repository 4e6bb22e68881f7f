//go:build linux

// Package bench measures procfd against os/exec: the cost of a spawn and
// wait, how it grows with the parent's memory, and what awaiting many
// processes at once costs in threads and memory. These go test benchmarks
// are for profiling one case (go test -bench SpawnWait -cpuprofile ...);
// ./build.sh bench runs cmd/benchtable, which sets every case beside its
// peers (C, os/exec, asyncio) in one table.
package bench

import (
	"context"
	"os/exec"
	"runtime"
	"testing"

	"github.com/procfd/procfd"
)

func spawnWaitProcfd(b *testing.B, backend procfd.Backend) {
	b.Helper()
	for b.Loop() {
		h, err := procfd.Start("/bin/true", []string{"true"}, &procfd.Attr{Backend: backend})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.Wait(context.Background()); err != nil {
			b.Fatal(err)
		}
		h.Close()
	}
}

func spawnWaitExec(b *testing.B) {
	b.Helper()
	for b.Loop() {
		if err := exec.Command("/bin/true").Run(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSpawnWait(b *testing.B) {
	b.Run("pidfd", func(b *testing.B) { spawnWaitProcfd(b, procfd.BackendPidfd) })
	b.Run("pipe", func(b *testing.B) { spawnWaitProcfd(b, procfd.BackendPipe) })
	b.Run("os-exec", spawnWaitExec)
}

// BenchmarkSpawnWaitBigParent spawns from a parent with 1 GiB of touched
// heap: with vfork semantics the cost must not grow with it.
func BenchmarkSpawnWaitBigParent(b *testing.B) {
	heap := make([]byte, 1<<30)
	for i := 0; i < len(heap); i += 4096 {
		heap[i] = 1
	}
	b.ResetTimer()
	b.Run("pidfd", func(b *testing.B) { spawnWaitProcfd(b, procfd.BackendPidfd) })
	b.Run("pipe", func(b *testing.B) { spawnWaitProcfd(b, procfd.BackendPipe) })
	b.Run("os-exec", spawnWaitExec)
	runtime.KeepAlive(heap)
}
