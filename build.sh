#!/usr/bin/env bash
# procfd build entry point.
#
#   ./build.sh          build everything and run the bundled examples
#   ./build.sh test     run every test: gofmt, go vet, the C layer under
#                       -Werror, the Ginkgo suites under -race
#   ./build.sh bench    run the benchmarks (spawn cost, 10,000 waiters)
#
# Needs Go 1.26+ and a C compiler (cgo); nothing else.
set -euo pipefail
cd "$(dirname "$0")"

export CGO_ENABLED=1
CFLAGS_STRICT=(-std=gnu11 -Wall -Wextra -Werror -O2)

step() { printf '\n==> %s\n' "$*"; }

build() {
	step "go build"
	go build ./...
	step "C layer, standalone, with ${CFLAGS_STRICT[*]}"
	mkdir -p build/obj
	for src in csrc/*_linux.c csrc/*_posix.c; do
		cc "${CFLAGS_STRICT[@]}" -c "$src" -o "build/obj/$(basename "${src%.c}").o"
	done
}

examples() {
	step "example: Go (examples/go)"
	go run ./examples/go
}

check_format() {
	step "gofmt"
	local unformatted
	unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
	if [ -n "$unformatted" ]; then
		echo "gofmt would change:" $unformatted >&2
		exit 1
	fi
}

run_tests() {
	check_format
	build
	step "go vet"
	go vet ./...
	step "Ginkgo suites under -race"
	go test -race -count=1 -timeout 20m ./tests/...
}

run_bench() {
	build
	step "benchmarks (tests/bench)"
	go test -run '^$' -bench 'SpawnWait' -benchtime "${BENCHTIME:-1000x}" ./tests/bench/
	# One round each: a round is 10,000 (or 2,000) processes.
	go test -run '^$' -bench 'Waiters' -benchtime 1x ./tests/bench/
}

case "${1:-all}" in
all) build && examples ;;
test) run_tests ;;
bench) run_bench ;;
*)
	echo "usage: $0 [test|bench]" >&2
	exit 2
	;;
esac
