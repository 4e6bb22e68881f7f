#!/bin/sh
# check-exports.sh LIBRARY HEADER
#
# libprocfd.so must define exactly the dynamic symbols that procfd.h
# declares, each of them a function: one more would make an internal symbol
# (the Go runtime's _cgo_*, a shim's pfdgo_*, the C layer's pfd_*, a
# version node) part of the ABI, one fewer is a declared function that does
# not link. NM and CC name the tools (default nm, cc).
set -eu
lib=$1
header=$2
nm=${NM:-nm}
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Preprocessed, the header has no comments left to mention a function, and
# every prototype reads "procfd_name(".
"$cc" -E -P -x c "$header" | grep -oE '\bprocfd_[a-z0-9_]+ *\(' | sed 's/ *($//' | sort -u >"$tmp/header"
# Every defined dynamic symbol, whatever its name or type, as "TYPE NAME"
# (a versioned name without its @VERSION).
"$nm" -D --defined-only "$lib" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $2, $3 }' >"$tmp/defined"
awk '{ print $2 }' "$tmp/defined" | sort -u >"$tmp/library"

if ! diff -u "$tmp/header" "$tmp/library" >"$tmp/diff"; then
	echo "$lib does not define exactly the functions of $header (- header only, + library only):" >&2
	cat "$tmp/diff" >&2
	exit 1
fi
if awk '$1 != "T"' "$tmp/defined" | grep . >"$tmp/other"; then
	echo "$lib exports symbols that are not functions:" $(cat "$tmp/other") >&2
	exit 1
fi
echo "$(wc -l <"$tmp/header") exported functions, exactly those of $(basename "$header"), and nothing else:" $(cat "$tmp/library")
