#!/usr/bin/env bash
# procfd build entry point.
#
#   ./build.sh          build everything and run the bundled examples (Go, C,
#                       Python): the Go package, and under build/ libprocfd.so
#                       (the C ABI), include/procfd.h and lib/pkgconfig/procfd.pc
#   ./build.sh test     run every test: gofmt, go vet, the C layer under
#                       -Werror, the exports of libprocfd.so against procfd.h,
#                       the Ginkgo suites under -race (tests/capi among them
#                       runs the C and the Python tests), the package
#                       without cgo (run_nocgo), the POSIX death pipe
#                       (run_posixpipe), the Windows suite under Wine
#                       (run_windows), the Linux suites on arm64 and
#                       riscv64 under qemu-user (run_qemu), then the
#                       reliability step
#   ./build.sh reliability
#                       fuzz the C ABI for FUZZTIME (default 60s), and run
#                       the Linux suite under AddressSanitizer (go test
#                       -asan; its slow specs, the 8,000-cycle leak
#                       counts, left out)
#   ./build.sh windows  the Windows step of test alone: the suite and the C
#                       test of procfd.dll, cross-built, under Wine
#   ./build.sh nocgo    the CGO_ENABLED=0 step of test alone: the package
#                       without cgo, and the conformance specs on Linux
#   ./build.sh posixpipe
#                       the death pipe of macOS and the BSDs, built on Linux
#                       under the tag procfd_posixpipe, and its suite
#   ./build.sh qemu     the qemu-user step of test alone
#   ./build.sh python   the Python package step of test alone: pip install
#                       ./bind/python into a new venv (build/venv), offline,
#                       and the Python tests against what it installed
#   ./build.sh fuzz     the fuzzing alone; go test runs the committed
#                       corpus (bind/testdata/fuzz) in any case
#   ./build.sh bench    the side-by-side benchmark table (issue 9; 15 to 26 min on 2 cores here)
#   ./build.sh lib [OUTDIR]
#                       build libprocfd.so alone, by the one recipe that this
#                       script, CMakeLists.txt and tests/capi all use, into
#                       OUTDIR (default: build/ here): lib/libprocfd.so.X.Y.Z,
#                       its links libprocfd.so.X (the soname) and libprocfd.so,
#                       include/procfd.h, lib/pkgconfig/procfd.pc
#
# GO names the go command (default: go).
#
# Needs Go 1.26+, a C compiler (cgo) and Python 3; the tests also need
# mingw-w64 and Wine (Debian: gcc-mingw-w64-x86-64 wine64), qemu-user and the
# cross compilers for arm64 and riscv64 (Debian: qemu-user
# gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu). CMake users: see
# CMakeLists.txt, which builds the same library.
set -euo pipefail
caller_dir=$PWD
cd "$(dirname "$0")"
GO=${GO:-go}

export CGO_ENABLED=1
# The project's own builds treat a C warning as an error; the package itself
# asks only for -Wall -Wextra (csrc/doc.go), so that a consumer's newer
# compiler never breaks its build.
export CGO_CFLAGS="${CGO_CFLAGS:--g -O2} -Werror"
CFLAGS_STRICT=(-std=gnu11 -Wall -Wextra -Werror -O2)

step() { printf '\n==> %s\n' "$*"; }

# The version lives in include/procfd.h alone.
header_version() {
	local part v=()
	for part in MAJOR MINOR PATCH; do
		v+=("$(sed -n "s/^#define PROCFD_VERSION_$part \([0-9][0-9]*\)$/\1/p" include/procfd.h)")
	done
	local IFS=.
	echo "${v[*]}"
}

build() {
	step "go build"
	"$GO" build ./...
	step "C layer, standalone, with ${CFLAGS_STRICT[*]}"
	mkdir -p build/obj
	for src in csrc/*_linux.c csrc/*_posix.c; do
		cc "${CFLAGS_STRICT[@]}" -c "$src" -o "build/obj/$(basename "${src%.c}").o"
	done
	build_library build
}

# build_library OUTDIR: OUTDIR/lib/libprocfd.so.X.Y.Z with its soname link
# libprocfd.so.X and the link libprocfd.so, OUTDIR/include/procfd.h,
# OUTDIR/lib/pkgconfig/procfd.pc: OUTDIR is a prefix to build against.
# The linker exports procfd_* alone (bind/libprocfd.map), and the C code
# builds under -Werror (CGO_CFLAGS above).
build_library() {
	local out=$1 version soname file
	version=$(header_version)
	soname=libprocfd.so.${version%%.*}
	file=libprocfd.so.$version
	step "libprocfd: go build -buildmode=c-shared ./bind -> $out/lib/$file (SONAME $soname)"
	mkdir -p "$out/lib/pkgconfig" "$out/include"
	# The external linker runs elsewhere: the map's path is absolute.
	"$GO" build -buildmode=c-shared \
		-ldflags="-extldflags '-Wl,-soname,$soname -Wl,--version-script=$PWD/bind/libprocfd.map'" \
		-o "$out/lib/$file" ./bind
	# cgo's header: an artefact; include/procfd.h is the contract.
	rm -f "$out/lib/${file%.*}.h"
	ln -sfn "$file" "$out/lib/$soname"
	ln -sfn "$soname" "$out/lib/libprocfd.so"
	cp include/procfd.h "$out/include/procfd.h"
	sed -e 's|@PC_PREFIX_FROM_PCDIR@|../..|' -e 's|@PC_LIBDIR@|lib|' \
		-e 's|@PC_INCLUDEDIR@|include|' -e "s|@PROCFD_VERSION@|$version|" \
		cmake/procfd.pc.in >"$out/lib/pkgconfig/procfd.pc"
	ls -l "$out/lib" | sed 1d
}

examples() {
	step "example: Go (examples/go)"
	"$GO" run ./examples/go
	step "example: Go process trees, os/exec beside procfd groups (examples/tree)"
	"$GO" run ./examples/tree
	step "example: C (examples/c), against build/include and build/lib"
	mkdir -p build/examples
	# $ORIGIN: the example finds build/lib from wherever build/ is.
	cc -std=c11 -Wall -Wextra -Werror -Ibuild/include examples/c/main.c -o build/examples/c-example \
		-Lbuild/lib -lprocfd -Wl,-rpath,'$ORIGIN/../lib'
	build/examples/c-example
	step "example: Python (examples/python), through bind/python/procfd"
	PYTHONPATH=bind/python PYTHONDONTWRITEBYTECODE=1 python3 examples/python/example.py
}

check_format() {
	step "gofmt"
	local unformatted
	# Untracked files too: a new file is checked before its first commit.
	unformatted=$(gofmt -l $(git ls-files -co --exclude-standard '*.go' 2>/dev/null || find . -name '*.go'))
	if [ -n "$unformatted" ]; then
		echo "gofmt would change:" $unformatted >&2
		exit 1
	fi
}

# check_other_systems: the package builds and vets for the systems no
# machine here runs, without cgo (the C ABI needs cgo, and is left out
# there): their death pipe runs on Linux in run_posixpipe.
check_other_systems() {
	local os
	step "go build and go vet, CGO_ENABLED=0, for freebsd, darwin, netbsd, openbsd (built, not run)"
	for os in freebsd darwin netbsd openbsd; do
		GOOS=$os CGO_ENABLED=0 "$GO" build ./...
		GOOS=$os CGO_ENABLED=0 "$GO" vet ./...
	done
}

# run_nocgo: the package as a static Go binary builds it. On Linux it then
# spawns through Go's own syscall.StartProcess (spawn_nocgo_linux.go) and
# makes its system calls from Go (csrc/nocgo_linux.go). What runs: the
# conformance specs on both backends, the death pipe's two misleading
# cases, and the seccomp specs (kernels and containers without pidfds, and
# qemu-user's clone, whose refusal this spawn learns differently). The C
# ABI needs cgo and is left out; so is -race, which needs it too.
run_nocgo() {
	step "CGO_ENABLED=0: go vet, the package's examples, the conformance, death pipe, seccomp and group specs"
	CGO_ENABLED=0 "$GO" vet ./...
	CGO_ENABLED=0 "$GO" test -count=1 .
	CGO_ENABLED=0 "$GO" test -count=1 -timeout 15m ./tests/linux \
		-ginkgo.focus-file=conformance -ginkgo.focus-file=deathpipe -ginkgo.focus-file=reliability_seccomp \
		-ginkgo.focus-file=group
}

# run_posixpipe: the death pipe of macOS, NetBSD, OpenBSD and FreeBSD
# without cgo (handle_posixpipe.go), which no machine here runs: Linux
# builds it in place of its own backends under the tag procfd_posixpipe,
# and tests/posix runs the conformance specs and its own on it, under
# -race. GOFLAGS carries the tag to the helper programs the suite builds.
run_posixpipe() {
	step "the POSIX death pipe, built on Linux (-tags procfd_posixpipe): go vet and tests/posix under -race"
	GOFLAGS=-tags=procfd_posixpipe "$GO" vet . ./tests/posix ./tests/conformance
	GOFLAGS=-tags=procfd_posixpipe "$GO" test -race -count=1 -timeout 10m ./tests/posix
}

check_exports() {
	step "libprocfd.so exports the functions of include/procfd.h and nothing else"
	sh tests/capi/check-exports.sh build/lib/libprocfd.so include/procfd.h
}

# run_python_package: the Python package as a user installs it. In a new
# virtual environment, pip installs bind/python offline (--no-index: its
# build backend, in the tree, needs nothing from an index), building
# libprocfd.so into the package; then, from / and with neither PYTHONPATH
# nor PROCFD_LIBRARY, the README's one-liner and the Python tests run
# against what pip installed (PROCFD_TEST_INSTALLED adds the checks of the
# install itself). Last, the sdist the backend writes is installed over it
# and runs the one-liner: the sdist carries its own copy of the Go sources.
run_python_package() {
	step "Python package: pip install ./bind/python into a new venv, offline; the Python tests against it"
	local venv=$PWD/build/venv dist=$PWD/build/dist repo=$PWD
	local pip=("$venv/bin/python" -m pip --disable-pip-version-check --no-input install --no-index --no-cache-dir)
	rm -rf "$venv" "$dist"
	python3 -m venv "$venv"
	"${pip[@]}" ./bind/python
	local clean=(env -u PYTHONPATH -u PROCFD_LIBRARY -u PROCFD_BACKEND PYTHONDONTWRITEBYTECODE=1)
	(cd / && "${clean[@]}" "$venv/bin/python" -c "import procfd; print(procfd.spawn(['true']).wait())")
	(cd / && "${clean[@]}" PROCFD_TEST_INSTALLED=1 "$venv/bin/python" -m unittest discover \
		-s "$repo/tests/capi/python")
	step "Python package: its sdist, built by the backend, installed over it"
	mkdir -p "$dist"
	local sdist
	sdist=$(cd bind/python/backend && PYTHONDONTWRITEBYTECODE=1 python3 -c \
		'import sys, procfd_backend; print(procfd_backend.build_sdist(sys.argv[1]))' "$dist")
	"${pip[@]}" --force-reinstall "$dist/$sdist"
	(cd / && "${clean[@]}" "$venv/bin/python" -c "import procfd; print(procfd.spawn(['true']).wait(), procfd._lib._name)")
}

# check_man: a page in man/man3 for every function of include/procfd.h,
# each true to its prototype and rendering without warnings (man-db).
check_man() {
	step "man pages: one per function of include/procfd.h, each rendering without warnings"
	bash tests/man/check.sh
}

run_tests() {
	check_format
	build
	step "go vet"
	"$GO" vet ./...
	check_other_systems
	check_exports
	check_man
	run_python_package
	step "the package's examples and the Ginkgo suites, under -race (tests/capi: the C and Python tests)"
	"$GO" test -race -count=1 -timeout 20m ./...
	run_nocgo
	run_posixpipe
	run_windows
	run_qemu
	run_reliability
}

# run_windows: the Windows suite (tests/windows: the conformance specs on the
# handle backend, and Windows' own), cross-built with cgo and mingw-w64 as a
# Windows user would build, and run under Wine in a prefix of build/'s own
# (tests/windows/wine/run.sh). Needs Debian's gcc-mingw-w64-x86-64 and wine64.
run_windows() {
	local out=build/windows
	# The packages that build for Windows; the Linux helpers of
	# tests/internal do not.
	local win=(env GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc)
	local mingw=(x86_64-w64-mingw32-gcc "${CFLAGS_STRICT[@]}")
	step "go vet for windows"
	"${win[@]}" "$GO" vet . ./bind ./tests/conformance ./tests/windows ./tests/internal/child ./tests/internal/winhost
	step "Windows: the suite (tests/windows) and its child program, cross-built; run under Wine"
	mkdir -p "$out"
	"${win[@]}" "$GO" test -c -o "$out/windows.test.exe" ./tests/windows
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 "$GO" build -o "$out/child.exe" ./tests/internal/child
	# -ginkgo.v: a spec that Wine cannot honour is skipped with its reason
	# printed, never passed in silence.
	tests/windows/wine/run.sh build/wine "$out/windows.test.exe" -ginkgo.v -test.timeout 20m

	step "Windows: procfd.dll (the C ABI, mingw-w64) and its C test (tests/windows/c), under Wine"
	"${win[@]}" "$GO" build -buildmode=c-shared -o "$out/procfd.dll" ./bind
	# cgo's header: an artefact; include/procfd.h is the contract.
	rm -f "$out/procfd.h"
	# mingw links against the dll itself: no import library. The test,
	# its child and the dll sit side by side, as Windows looks for a dll
	# beside the program first.
	"${mingw[@]}" -o "$out/test_dll_child.exe" tests/windows/c/test_dll_child.c
	"${mingw[@]}" -Iinclude -o "$out/test_dll.exe" tests/windows/c/test_dll.c -L"$out" -lprocfd
	tests/windows/wine/run.sh build/wine "$out/test_dll.exe"
}

# run_qemu: the port to other CPUs. For arm64 and riscv64, the root
# package's tests (its examples), bind's (FuzzCABI's corpus through the C
# ABI) and the Linux suite (tests/linux, with tests/conformance) are
# cross-built with cgo as a user of that CPU would build them, and run under
# qemu-user with the target's libc (QEMU_LD_PREFIX). No go vet per CPU, to
# keep a fresh machine's builds short: no Go file is per CPU, so the native
# go vet has seen them all, and the cross builds compile the Go and the C
# (under -Werror) for each CPU.
# PROCFD_TEST_EMULATOR tells the suite (tests/internal/emulator): its helpers
# that run procfd are built for the same CPU and run through the emulator,
# not through binfmt_misc, which no machine here is set up with; what
# qemu-user cannot do is skipped with the reason printed; and the specs that
# spawn a thousand times run a tenth as many rounds, since each spawn forks
# the whole emulator. Not under -race: ThreadSanitizer refuses qemu-user's
# address space. Needs Debian's qemu-user, gcc-aarch64-linux-gnu and
# gcc-riscv64-linux-gnu.
run_qemu() {
	local arch triple emu dir start=$SECONDS
	# The specs left out, and why (-ginkgo.v prints those skipped inside):
	# "pidfd": qemu-user takes no CLONE_PIDFD, so that backend cannot
	# start a process there, which the spec "is pipe under qemu-user ..."
	# asserts; "slow": the 8,000-cycle leak counts, which the native run
	# covers, and which the emulator's fork per spawn would make last
	# longer than the rest together.
	local filter='!pidfd && !slow'
	for arch in arm64 riscv64; do
		case $arch in
		arm64) triple=aarch64-linux-gnu emu=qemu-aarch64 ;;
		riscv64) triple=riscv64-linux-gnu emu=qemu-riscv64 ;;
		esac
		dir=build/qemu/$arch
		local cross=(env GOARCH=$arch CGO_ENABLED=1 CC=$triple-gcc)
		# G_SLICE=always-malloc: qemu-user's translator allocates from
		# GLib's slice allocator, whose lock a fork can copy held (by
		# another thread of the emulator). The child, a spawn on its way
		# to exec, then waits on that lock for ever: seen in gdb, in
		# g_slice_alloc under tb_gen_code. With it, GLib uses malloc,
		# which glibc keeps fork-safe.
		local emulated=(env G_SLICE=always-malloc PROCFD_TEST_EMULATOR=$emu QEMU_LD_PREFIX=/usr/$triple CC=$triple-gcc)
		step "$arch: the tests cross-built with cgo ($triple-gcc)"
		mkdir -p "$dir"
		"${cross[@]}" "$GO" test -c -o "$dir/procfd.test" .
		"${cross[@]}" "$GO" test -c -o "$dir/bind.test" ./bind
		"${cross[@]}" "$GO" test -c -o "$dir/linux.test" ./tests/linux
		# go test runs each package's tests in its directory.
		step "$arch under $emu: the root package's examples, and FuzzCABI's corpus (bind)"
		echo "ExampleOpen is left out: Open needs the pidfd backend, which qemu-user rules out"
		"${emulated[@]}" "$emu" "$dir/procfd.test" -test.skip '^ExampleOpen$' -test.v -test.timeout 10m
		(cd bind && "${emulated[@]}" "$emu" "../$dir/bind.test" -test.v -test.timeout 10m)
		step "$arch under $emu: tests/linux -ginkgo.label-filter='$filter'"
		(cd tests/linux && "${emulated[@]}" "$emu" "../../$dir/linux.test" \
			-ginkgo.label-filter="$filter" -ginkgo.v -ginkgo.no-color -test.timeout 20m)
	done
	step "qemu: arm64 and riscv64 took $((SECONDS - start))s"
}

run_reliability() {
	run_fuzz
	step "the Linux suite under AddressSanitizer (go test -asan), but its slow specs"
	# -fsanitize in CGO_CFLAGS would abort inside runtime/cgo: -asan
	# builds the Go and the C code for ASan alike. The slow specs are the
	# leak counts, which the run above covers; ASan would add minutes.
	"$GO" test -asan -count=1 -timeout 20m ./tests/linux -ginkgo.label-filter='!slow'
}

run_fuzz() {
	step "fuzz the C ABI for ${FUZZTIME:-60s} (bind: FuzzCABI; corpus in bind/testdata/fuzz)"
	# The corpus that the run grows is in the Go cache, not in the tree.
	"$GO" test -run '^$' -fuzz '^FuzzCABI$' -fuzztime "${FUZZTIME:-60s}" ./bind
}

# run_bench prints one markdown table: procfd beside C posix_spawn, a
# one-thread C epoll loop over pidfds, os/exec and Python's asyncio, each
# figure the median of repetitions in which procfd and its peers take turns
# (tests/bench/cmd/benchtable; the C programs of tests/bench/c are compiled
# here with cc). It builds libprocfd.so into a temporary prefix, so build/
# stays as it is. Sizes, for a quick look at the instrument itself:
#   BENCH_SECTIONS        sections to run (default 1,2,3,4,5,6)
#   BENCH_REPS            repetitions per figure (5)
#   BENCH_WAIT_REPS       the same for sections 4 to 6 (BENCH_REPS), whose
#                         repetitions start some 40,000 children each
#   BENCH_SPAWNS          spawns per one-at-a-time measurement (400)
#   BENCH_PAR_SPAWNS      spawns per parallel measurement (600)
#   BENCH_HEAPS_GIB       the parent's heap sizes, 0 first (0,1,4)
#   BENCH_WAITERS         children awaited at once (10000)
#   BENCH_WAITERS_SMALL   the other end of the RSS-per-handle difference,
#                         read in the same process on the way up (1000)
#   BENCH_EXEC_WAITERS    os/exec's waiters, and procfd's beside them (2000)
#   BENCH_LATENCY_SAMPLES kills timed per repetition and load (1000)
#   BENCH_PY_WAITERS      children awaited from Python (2000)
# The go test benchmarks of tests/bench stay for profiling (go test -bench
# SpawnWait -cpuprofile ...).
run_bench() {
	# Global: the EXIT trap runs after this function's locals are gone.
	bench_tmp=$(mktemp -d)
	trap 'rm -rf "$bench_tmp"' EXIT
	build_library "$bench_tmp/prefix"
	"$GO" build -o "$bench_tmp/benchtable" ./tests/bench/cmd/benchtable
	step "benchmark table (tests/bench/cmd/benchtable)"
	local rc=0
	"$bench_tmp/benchtable" -prefix "$bench_tmp/prefix" -repo . -work "$bench_tmp" || rc=$?
	step "./build.sh bench took ${SECONDS}s"
	return $rc
}

case "${1:-all}" in
all) build && examples ;;
test) run_tests ;;
reliability) run_reliability ;;
windows) run_windows ;;
nocgo) run_nocgo ;;
posixpipe) run_posixpipe ;;
qemu) run_qemu ;;
python) run_python_package ;;
fuzz) run_fuzz ;;
bench) run_bench ;;
lib)
	# A relative OUTDIR is taken from where the script was called; the
	# default is the repository's build/.
	out=${2:-build}
	if [ -n "${2:-}" ] && [ "${out#/}" = "$out" ]; then
		out=$caller_dir/$out
	fi
	build_library "$out"
	;;
*)
	echo "usage: $0 [test|reliability|windows|nocgo|posixpipe|qemu|python|fuzz|bench|lib [OUTDIR]]" >&2
	exit 2
	;;
esac
