//go:build cgo && unix

package main

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// FuzzCABI drives the C ABI (procfd_spawn's argument decoding, the handle
// table, every call on a handle, and the groups: procfd_group_new's attr
// and every call on a group) with C memory built from the input: argv,
// envp, attr (flags, dir, backend names, descriptors, a group), NULL and
// garbage pointers, stale handles and groups, handles passed as groups
// and groups as handles, signals, timeouts. No input may crash the
// process, leak a descriptor, or leave a child.
//
// What runs is chosen from a fixed list of harmless programs (true, false,
// sleep 1000, and paths that cannot be executed): the input shapes the
// arguments, never which program runs. A searched name (PROCFD_SEARCH_PATH)
// is looked up in a PATH that holds only a directory the test made. Open
// takes only the pid of one of the test's own children or a pid no process
// can have, so no signal reaches a process the test did not start. Groups
// hold only the test's children, so a group's signal reaches none other;
// PROCFD_GROUP_SUBREAPER is never asked for, since it would mark the whole
// fuzzing process for good.
//
// Run it with go test -run '^$' -fuzz '^FuzzCABI$' -fuzztime 60s ./bind;
// go test runs the committed corpus (testdata/fuzz/FuzzCABI) as tests.
func FuzzCABI(f *testing.F) {
	var progs []string
	for _, name := range []string{"true", "false", "sleep"} {
		p, err := exec.LookPath(name)
		if err != nil {
			f.Skip(err)
		}
		progs = append(progs, p)
	}
	// The searched directory: t is true, n a file that is not executable,
	// d a directory.
	dir := f.TempDir()
	if err := os.Symlink(progs[0], filepath.Join(dir, "t")); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "n"), nil, 0o644); err != nil {
		f.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		f.Fatal(err)
	}
	h := &harness{
		paths:   append(progs, "/nonexistent/procfd-fuzz", dir, filepath.Join(dir, "n"), ""),
		sleep:   progs[2],
		path:    dir,
		scratch: fuzzCMem(64),
	}
	f.Cleanup(func() { fuzzFree(h.scratch) })

	// The library's lazily made descriptors (the poller, the pipe
	// backend's watch) exist before the first input is measured.
	for _, backend := range []string{"pidfd", "pipe"} {
		p, rc := fuzzSpawn(fuzzSpawnArgs{
			Path: []byte(progs[0]), Argv: [][]byte{[]byte("true")},
			Attr: &fuzzAttr{Backend: []byte(backend)},
		})
		if backend == "pidfd" && rc == -int(syscall.ENOTSUP) {
			// No pidfd backend here (qemu-user takes no
			// CLONE_PIDFD): the inputs that ask for it get
			// -ENOTSUP, as they must.
			f.Logf("procfd_spawn on pidfd: -ENOTSUP: the pidfd backend does not work here")
			continue
		}
		if rc != 0 {
			f.Fatalf("procfd_spawn on %s: %d", backend, rc)
		}
		fuzzFd(p)
		if rc, _ := fuzzWait(p, -1, false); rc != 0 {
			f.Fatalf("procfd_wait on %s: %d", backend, rc)
		}
		fuzzClose(p)
	}
	// The seeds run once here too, each settled before the next, so that
	// what they leave to settle (a group closed while its child ran) is
	// gone before the first input counts the descriptors.
	for _, seed := range seeds {
		h.runSettled(f, seed)
	}
	for _, seed := range seeds {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, data []byte) { h.runSettled(t, data) })
}

// runSettled runs one input and waits until it has settled, all within
// inputBudget.
func (h *harness) runSettled(t testing.TB, data []byte) {
	deadline := time.Now().Add(inputBudget)
	before := openFds(t)
	h.run(t, data)
	h.settle(t, before, deadline)
}

// seeds: what an input looks like (see harness.run and harness.spawn).
// The corpus in testdata/fuzz/FuzzCABI holds more.
var seeds = [][]byte{
	// true with argv {"true"}, no attr; wait; close
	{opSpawn, 0, 0x40, 1, 4, 't', 'r', 'u', 'e', 0, opWait, 0, 50, 0, opClose, 0},
	// sleep on pidfd, SETSID|SETPGID|KILL_ON_CLOSE, env {"A=1"}, fds
	// {0, 1, 2}; every call on the handle; close twice
	{opSpawn, 2, 0x07, 0, 1, 1, 3, 'A', '=', '1', 3, 3, 1, 2, 3, 0,
		opPid, 0, opFd, 0, opBackend, 0, opSignal, 0, 15, opWait, 0, 50, 0,
		opOnExit, 0, 0, opClose, 0, opClose, 0},
	// sleep on pipe, KILL_ON_CLOSE, fds {-1}; on_exit, then close
	{opSpawn, 2, 0x04, 0, 0, 4, 1, 0, 0, opFd, 0, opOnExit, 0, 0, opClose, 0},
	// sleep on pipe, closed while it runs (detached)
	{opSpawn, 2, 0x00, 0, 0, 4, 0, 0, opClose, 0},
	// a "cgroup" group with KILL_ON_CLOSE; sleep started in it; every call
	// on the group; the group passed to procfd_pid and procfd_close; the
	// group closed, which kills sleep; sleep's handle waited and closed
	{opGroupNew, 3, 0x01,
		opSpawn, 2, 0x10, 0, 0, 0x04, 0, 0, 0, 0,
		opGroupPids, 0, 0x05, opGroupSignal, 0, 0, opGroupWait, 0, 20,
		opGroupFd, 0, opGroupMechanism, 0, opPid, 0, opClose, 0,
		opGroupClose, 0, opWait, 1, 50, 0, opClose, 1},
	// a "pgroup" group: sleep with SETSID refused in it, true started in
	// it; wait for it to empty; close it twice
	{opGroupNew, 4, 0x00,
		opSpawn, 2, 0x11, 0, 0, 0x04, 0, 0, 0, 0,
		opSpawn, 0, 0x10, 1, 4, 't', 'r', 'u', 'e', 0, 0x04, 0, 0, 0, 0,
		opGroupWait, 0, 63, opGroupClose, 0, opGroupClose, 0},
	// a handle passed as a group; groups of other systems, of an unknown
	// mechanism, with NULL out, with unknown flags
	{opSpawn, 2, 0x00, 0, 0, 4, 0, 0,
		opSpawn, 0, 0x10, 1, 4, 't', 'r', 'u', 'e', 0, 0x04, 0, 0, 0, 0,
		opGroupNew, 5, 0, opGroupNew, 6, 0, opGroupNew, 1, 0, 3, 'x', 'y', 'z',
		opGroupNew, 0xc0, 0, opGroupNew, 0x10, 0, 0xff, opGroupPids, 0, 0x07,
		opGroupClose, 0},
	// garbage pointers, the default backend, strerror
	{opBadPtr, 0, 1, opBadPtr, 1, 7, opPid, 0, opClose, 1, opSignal, 0, 9,
		opDefault, opStrerror, 0x80, 0, 0, 0},
	// "t" searched in PATH; open its pid; signal 0 through that; close it
	{opSpawn, 7, 0x00, 1, 1, 't', 1, 't', 0, 0, 0, 0,
		opOpen, 0, 0, opSignal, 1, 0, opClose, 1, opWait, 0, 10, 0},
	// a working directory and an unknown backend name
	{opSpawn, 0, 0x20, 1, 4, 't', 'r', 'u', 'e', 0, 4, '/', 't', 'm', 'p', 1, 5, 'b', 'o', 'g', 'u', 's', 0, 0},
	// bad descriptors and a negative nfds; NULL out; NULL path
	{opSpawn, 0, 0x00, 1, 1, 'x', 0, 0, 2, 0x80, 0x40, 0x42, 0x0f, 0, 0x80, 0xff, 0xff, 0xff, 0xff, 0,
		opSpawn, 0, 0x00, 1, 1, 'x', 0, 0, 1, 0x7f, 1,
		opSpawn, 0xc0, 0x40, 0, 0, opSpawn, 0xa0, 0x40, 0, 0},
	// pids no process has
	{opOpen, 1, 0, opOpen, 3, 0, opOpen, 5, 0, opOpen, 7, 1},
}

// The operations an input is made of: one byte, then its operands.
const (
	opSpawn = iota
	opOpen
	opPid
	opFd
	opBackend
	opDefault
	opSignal
	opWait
	opOnExit
	opClose
	opBadPtr
	opStrerror
	opGroupNew
	opGroupMechanism
	opGroupSignal
	opGroupWait
	opGroupFd
	opGroupPids
	opGroupClose
	numOps
)

const (
	maxOps     = 24
	maxHandles = 3
	maxGroups  = 3
	// The pids that no process has: zero, negative, beyond any pid_max
	// (2^22) and beyond the 32 bits of a pid.
	// Under go test -fuzz, an input that runs 10 s is a hang that kills
	// the worker without a word: the harness gives up first, and says
	// why. An input's calls, cleanup and settling share inputBudget.
	cleanupTimeout = 2 * time.Second
	inputBudget    = 8 * time.Second
)

var noPids = []int32{0, -1, -1 << 31, 1<<31 - 1, 1<<22 + 1}

type harness struct {
	paths []string
	sleep string
	// PATH while procfd_spawn runs: set for the call alone, since the
	// fuzzing workers, started from this process, look up programs too.
	path    string
	scratch unsafe.Pointer
}

// slot is a pointer the input can pass to the calls on a handle or on a
// group.
type slot struct {
	p       uintptr // a procfd_t * or procfd_group_t * as C would pass it
	owned   bool    // from procfd_spawn: the test started the child
	group   bool    // from procfd_group_new
	closed  bool
	garbage bool // neither a handle nor a group
}

// openHandle: the calls on a handle must take s.
func (s *slot) openHandle() bool { return !s.closed && !s.garbage && !s.group && s.p != 0 }

// openGroup: the calls on a group must take s.
func (s *slot) openGroup() bool { return !s.closed && !s.garbage && s.group && s.p != 0 }

// reader hands out the input's bytes; past the end, zeros.
type reader struct{ b []byte }

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) int32() int32 {
	var b [4]byte
	for i := range b {
		b[i] = r.byte()
	}
	return int32(binary.LittleEndian.Uint32(b[:]))
}

// bytes: a length byte, then that many bytes (as many as there are).
func (r *reader) bytes() []byte {
	n := min(int(r.byte()), len(r.b))
	s := r.b[:n:n]
	r.b = r.b[n:]
	return s
}

func (r *reader) list() [][]byte {
	n := int(r.byte() % 8)
	l := make([][]byte, 0, n)
	for range n {
		l = append(l, r.bytes())
	}
	return l
}

func (h *harness) run(t testing.TB, data []byte) {
	r := &reader{b: data}
	var slots []slot
	var children []int
	groups := 0
	pick := func() *slot {
		if len(slots) == 0 {
			return &slot{p: 0, garbage: true}
		}
		return &slots[int(r.byte())%len(slots)]
	}
	// No call may block: the longest wait an input asks for is 63 ms.
	var op byte
	var start time.Time
	blocked := func() {
		if d := time.Since(start); !start.IsZero() && d > cleanupTimeout {
			t.Errorf("operation %d took %v", op, d)
		}
	}
	for i := 0; i < maxOps && len(r.b) > 0; i++ {
		blocked()
		op, start = r.byte()%numOps, time.Now()
		switch op {
		case opSpawn:
			if len(children) >= maxHandles {
				continue
			}
			h.spawn(t, r, &slots, &children)
		case opOpen:
			var pid int32
			switch c := r.byte(); {
			case int(c)%2 == 0 && len(children) > 0:
				pid = int32(children[int(c/2)%len(children)])
			default:
				pid = noPids[int(c)%len(noPids)]
			}
			p, rc := fuzzOpen(pid, r.byte()%16 == 1)
			if rc != 0 {
				continue
			}
			// A reaped child's pid may be another process's by now:
			// a handle is kept only while the pid is still our
			// unreaped child, so no signal reaches a stranger.
			if !slices.Contains(childPids(t), int(pid)) {
				fuzzClose(p)
				continue
			}
			slots = append(slots, slot{p: p})
		case opPid:
			s := pick()
			if got := fuzzPid(s.p); (got > 0) != s.openHandle() {
				t.Fatalf("procfd_pid of %+v: %d", *s, got)
			}
		case opFd:
			s := pick()
			if fd := fuzzFd(s.p); (fd >= 0) != s.openHandle() {
				t.Fatalf("procfd_fd of %+v: %d", *s, fd)
			}
		case opBackend:
			s := pick()
			name, null := fuzzBackend(s.p)
			namedAs(t, "procfd_backend", s, s.openHandle(), name, null, "pidfd", "pipe")
		case opDefault:
			if b := fuzzDefaultBackend(); b != "pidfd" && b != "pipe" {
				t.Fatalf("procfd_default_backend: %q", b)
			}
		case opSignal:
			s := pick()
			if rc := fuzzSignal(s.p, signalOf(r)); rc >= 0 && !s.openHandle() {
				t.Fatalf("procfd_signal of %+v succeeded", *s)
			}
		case opWait:
			s := pick()
			// Short timeouts: an input must not wait for sleep 1000.
			ms := int32(r.byte() % 64)
			if rc, _ := fuzzWait(s.p, ms, r.byte()%8 == 1); rc == 0 && !s.openHandle() {
				t.Fatalf("procfd_wait of %+v succeeded", *s)
			}
		case opOnExit:
			s := pick()
			if rc := fuzzOnExit(s.p, r.byte()%8 == 1); rc >= 0 && !s.openHandle() {
				t.Fatalf("procfd_on_exit of %+v succeeded", *s)
			}
		case opClose:
			s := pick()
			open := s.openHandle()
			closedAs(t, "procfd_close", s, open, fuzzClose(s.p))
		case opBadPtr:
			// NULL, C memory that is not a handle, or a small integer
			// such as (procfd_t *)1: the library takes handles as
			// numbers, never as Go pointers, which the runtime's stack
			// copier would abort on below 4096.
			var p uintptr
			switch v := r.byte(); v % 3 {
			case 1:
				p = uintptr(unsafe.Add(h.scratch, int(r.byte())%64))
			case 2:
				p = uintptr(r.byte()) + 1
			}
			slots = append(slots, slot{p: p, garbage: true})
		case opStrerror:
			if fuzzStrerror(r.int32()) == "" {
				t.Fatal("procfd_strerror gave an empty text")
			}
		case opGroupNew:
			if groups >= maxGroups {
				continue
			}
			if p := h.newGroup(t, r); p != 0 {
				slots = append(slots, slot{p: p, group: true})
				groups++
			}
		case opGroupMechanism:
			s := pick()
			name, null := fuzzGroupMechanism(s.p)
			namedAs(t, "procfd_group_mechanism", s, s.openGroup(), name, null, "cgroup", "pgroup")
		case opGroupSignal:
			s := pick()
			if rc := fuzzGroupSignal(s.p, signalOf(r)); rc >= 0 && !s.openGroup() {
				t.Fatalf("procfd_group_signal of %+v succeeded", *s)
			}
		case opGroupWait:
			s := pick()
			if rc := fuzzGroupWait(s.p, int32(r.byte()%64)); rc == 0 && !s.openGroup() {
				t.Fatalf("procfd_group_wait of %+v succeeded", *s)
			}
		case opGroupFd:
			s := pick()
			if fd := fuzzGroupFd(s.p); (fd >= 0) != s.openGroup() {
				t.Fatalf("procfd_group_fd of %+v: %d", *s, fd)
			}
		case opGroupPids:
			h.groupPids(t, r, pick(), children)
		case opGroupClose:
			s := pick()
			open := s.openGroup()
			closedAs(t, "procfd_group_close", s, open, fuzzGroupClose(s.p))
		}
	}
	blocked()
	h.cleanup(t, slots)
}

func (h *harness) spawn(t testing.TB, r *reader, slots *[]slot, children *[]int) {
	var a fuzzSpawnArgs
	sel := r.byte()
	flags := r.byte()
	a.OutNull = sel&0x80 != 0 && sel&0x40 != 0
	a.PathNull = sel&0x80 != 0 && sel&0x40 == 0 && sel&0x20 != 0
	prog := int(sel&0x1f) % (len(h.paths) + 1)
	a.Argv = r.list()
	if flags&0x80 != 0 {
		a.Argv = nil
	}
	search := prog == len(h.paths)
	if search {
		// A name searched in the test's own PATH, never a path: the
		// input does not choose what runs. It always comes with an
		// attr that asks for the search (below): a name without a
		// slash is otherwise run from the child's working directory.
		name := strings.ReplaceAll(string(r.bytes()), "/", "")
		a.Path = []byte(name)
		flags &^= 0x40
		flags |= 0x08
	} else {
		a.Path = []byte(h.paths[prog])
	}
	if !search && h.paths[prog] == h.sleep {
		// sleep with the input's arguments could print, or end soon:
		// it sleeps long, to be killed, closed or left running.
		a.Argv = [][]byte{[]byte("sleep"), []byte("1000")}
	}
	envSel := r.byte()
	if envSel%4 != 0 {
		for _, kv := range r.list() {
			// The dynamic loader's variables could load code.
			if !strings.HasPrefix(string(kv), "LD_") {
				a.Envp = append(a.Envp, kv)
			}
		}
		if a.Envp == nil {
			a.Envp = [][]byte{}
		}
	}
	if flags&0x40 == 0 {
		attr := &fuzzAttr{Flags: uint32(flags & 0x0f)}
		if flags&0x10 != 0 && !search {
			// SIGDEFAULT, SIGMASK, GROUP, and bits procfd.h does
			// not define
			attr.Flags |= uint32(r.byte()) << 4
		}
		if flags&0x20 != 0 {
			attr.Dir = r.bytes()
		}
		switch b := r.byte(); b % 8 {
		case 0:
		case 1:
			attr.Backend = r.bytes()
		default:
			attr.Backend = []byte([...]string{"", "pidfd", "pipe", "procdesc", "handle", "PIDFD"}[b%8-2])
		}
		nfds := int(r.byte() % 8)
		for range nfds {
			c := r.byte()
			switch {
			case c < 0x80:
				attr.Fds = append(attr.Fds, int32(c%8)-1) // -1 (closed) and 0..6
			default:
				attr.Fds = append(attr.Fds, r.int32())
			}
		}
		switch c := r.byte(); c % 16 {
		case 1:
			attr.NfdsOverride = -1
		case 2:
			attr.NfdsOverride = r.int32()
		case 3:
			attr.FdsNull = true
		}
		if attr.Flags&fuzzFlagGroup != 0 && len(*slots) > 0 {
			// Any slot: a group, a handle, garbage, a closed one.
			attr.Group = (*slots)[int(r.byte())%len(*slots)].p
		}
		a.Attr = attr
	}
	orig, had := os.LookupEnv("PATH")
	os.Setenv("PATH", h.path)
	p, rc := fuzzSpawn(a)
	if had {
		os.Setenv("PATH", orig)
	} else {
		os.Unsetenv("PATH")
	}
	if rc > 0 {
		t.Fatalf("procfd_spawn returned %d", rc)
	}
	if rc != 0 {
		if p != 0 {
			t.Fatalf("procfd_spawn failed (%d) and still gave a handle", rc)
		}
		return
	}
	if a.OutNull || p == 0 {
		t.Fatalf("procfd_spawn succeeded without a handle to give")
	}
	pid := fuzzPid(p)
	if pid <= 0 {
		t.Fatalf("procfd_pid of a new handle: %d", pid)
	}
	*children = append(*children, pid)
	*slots = append(*slots, slot{p: p, owned: true})
}

// namedAs checks the text that call gave for s, which was open for it or
// not: one of names if it was, NULL if not.
func namedAs(t testing.TB, call string, s *slot, open bool, name string, null bool, names ...string) {
	if open && (null || !slices.Contains(names, name)) || !open && !null {
		t.Fatalf("%s of %+v: %q (NULL %v)", call, *s, name, null)
	}
}

// closedAs checks what call, a close, returned for s, which was open for
// it or not, and marks s closed if it was.
func closedAs(t testing.TB, call string, s *slot, open bool, rc int) {
	if !open {
		if rc >= 0 {
			t.Fatalf("%s of %+v succeeded", call, *s)
		}
		return
	}
	if rc != 0 {
		// A close reports the release's error; what it closed is
		// closed all the same.
		t.Logf("%s: %d", call, rc)
	}
	s.closed = true
}

// signalOf reads a signal number: mostly 0 to 0xef, and a few that no
// signal has.
func signalOf(r *reader) int32 {
	sig := int32(r.byte())
	if sig >= 0xf0 {
		sig = [...]int32{-1, -1 << 31, 65, 1 << 30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}[sig-0xf0]
	}
	return sig
}

// newGroup calls procfd_group_new with what the input says: a select
// byte (0x80 with 0x40: out is NULL; 0x20: attr is NULL; 0x10: flag bits
// procfd.h does not define follow; the low three bits pick the
// mechanism), then the flags. It returns the group, or 0.
func (h *harness) newGroup(t testing.TB, r *reader) uintptr {
	sel := r.byte()
	outNull := sel&0x80 != 0 && sel&0x40 != 0
	flags := uint32(r.byte()) &^ fuzzGroupSubreaper
	if sel&0x10 != 0 {
		flags |= uint32(r.byte()) << 2
	}
	var mechanism []byte
	switch m := sel % 8; m {
	case 0: // NULL
	case 1:
		mechanism = r.bytes()
	default:
		mechanism = []byte([...]string{"", "cgroup", "pgroup", "job", "reaper", "CGROUP"}[m-2])
	}
	p, rc := fuzzGroupNew(outNull, sel&0x20 != 0, flags, mechanism)
	switch {
	case rc > 0:
		t.Fatalf("procfd_group_new returned %d", rc)
	case rc < 0 && p != 0:
		t.Fatalf("procfd_group_new failed (%d) and still gave a group", rc)
	case rc == 0 && (outNull || p == 0):
		t.Fatalf("procfd_group_new succeeded without a group to give")
	}
	return p
}

// groupPids calls procfd_group_pids with a buffer the input sizes, or
// NULL, or a negative count. What it lists must be children of the test:
// a group holds nothing else.
func (h *harness) groupPids(t testing.TB, r *reader, s *slot, children []int) {
	c := r.byte()
	n, null := int32(0), true
	switch c % 4 {
	case 1:
		n, null = int32(c>>2)%8, false
	case 2:
		n, null = -1-int32(c>>2), false
	case 3:
		n = 1 + int32(c>>2) // NULL with a count
	}
	rc, pids := fuzzGroupPids(s.p, n, null)
	if !s.openGroup() {
		if rc >= 0 {
			t.Fatalf("procfd_group_pids of %+v succeeded", *s)
		}
		return
	}
	if bad := n < 0 || null && n > 0; bad != (rc == -int(syscall.EINVAL)) {
		t.Fatalf("procfd_group_pids(n %d, NULL %v): %d", n, null, rc)
	}
	if rc < 0 && rc != -int(syscall.EINVAL) && rc != -int(syscall.EMFILE) && rc != -int(syscall.ENFILE) {
		t.Fatalf("procfd_group_pids: %d", rc)
	}
	for _, pid := range pids {
		if !slices.Contains(children, int(pid)) {
			t.Fatalf("procfd_group_pids listed %d, which the test did not start (children %v)", pid, children)
		}
	}
}

// cleanup kills and reaps what the input started and closes what it
// opened.
func (h *harness) cleanup(t testing.TB, slots []slot) {
	for i := range slots {
		s := &slots[i]
		if s.closed || s.garbage || s.group {
			continue
		}
		if s.owned {
			fuzzSignal(s.p, int32(syscall.SIGKILL))
			if rc, _ := fuzzWait(s.p, int32(cleanupTimeout/time.Millisecond), false); rc == -int(syscall.ETIMEDOUT) {
				t.Fatalf("a killed child was not reaped within %v", cleanupTimeout)
			}
		}
		fuzzClose(s.p)
		s.closed = true
	}
	// The groups are empty now but for children closed while they ran,
	// which the loop below kills: a group closed before that is left to
	// its watcher, which releases it once they have ended.
	for i := range slots {
		if s := &slots[i]; s.openGroup() {
			fuzzGroupClose(s.p)
			s.closed = true
		}
	}
	// A child closed while it ran (no KILL_ON_CLOSE) runs on, detached:
	// procfd reaps it when it exits. Kill it through a pidfd, which
	// names our child and no other process.
	for _, pid := range childPids(t) {
		fd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			continue // reaped meanwhile
		}
		if slices.Contains(childPids(t), pid) {
			unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
		}
		unix.Close(fd)
	}
}

// settle waits until the input's children are gone and the descriptors
// are the ones open before it: the handles' last goroutines (procfd_on_exit
// callbacks, detached children's collectors) finish after the calls return.
func (h *harness) settle(t testing.TB, before []string, deadline time.Time) {
	for {
		kids, fds := childPids(t), openFds(t)
		if len(kids) == 0 && slices.Equal(fds, before) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the input: children %v; descriptors %v, before it %v", kids, fds, before)
		}
		time.Sleep(time.Millisecond)
	}
}

// childPids lists the process's children, zombies among them.
func childPids(t testing.TB) []int {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, task := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + task.Name() + "/children")
		if errors.Is(err, os.ErrNotExist) {
			continue // the thread ended
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range strings.Fields(string(b)) {
			pid, err := strconv.Atoi(f)
			if err != nil {
				t.Fatal(err)
			}
			pids = append(pids, pid)
		}
	}
	return pids
}

// openFds lists the process's open descriptors, each as "FD TARGET", but
// the one that reads the list, and those open on a file under /proc: the
// process-group scanner reads /proc/PID/stat files for a moment at a time,
// and a look that began before its group was released may still run when
// the next input counts the descriptors.
func openFds(t testing.TB) []string {
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, n := range names {
		fd, err := strconv.Atoi(n)
		if err != nil {
			t.Fatal(err)
		}
		if fd != int(d.Fd()) {
			nums = append(nums, fd)
		}
	}
	slices.Sort(nums)
	var fds []string
	for _, fd := range nums {
		target, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
		if errors.Is(err, os.ErrNotExist) {
			continue // closed meanwhile
		}
		if err != nil {
			t.Fatal(err)
		}
		if target == "/proc" || strings.HasPrefix(target, "/proc/") {
			continue
		}
		fds = append(fds, strconv.Itoa(fd)+" "+target)
	}
	return fds
}
