#!/bin/sh
# check-exports.sh LIBRARY HEADER
#
# libprocfd.so must export exactly the functions that procfd.h declares:
# one more would make an internal function part of the ABI, one fewer is a
# declared function that does not link. The C layer's own symbols (pfd_*)
# must not show at all. NM and CC name the tools (default nm, cc).
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
"$nm" -D --defined-only "$lib" | awk '$2 == "T" && $3 ~ /^procfd_/ { print $3 }' | sort -u >"$tmp/library"

if ! diff -u "$tmp/header" "$tmp/library" >"$tmp/diff"; then
	echo "$lib does not export exactly the functions of $header (- header only, + library only):" >&2
	cat "$tmp/diff" >&2
	exit 1
fi
if "$nm" -D --defined-only "$lib" | awk '{ print $3 }' | grep '^pfd_' >"$tmp/leaks"; then
	echo "$lib exports internal symbols:" $(cat "$tmp/leaks") >&2
	exit 1
fi
echo "$(wc -l <"$tmp/header") exported functions, exactly those of $(basename "$header"):" $(cat "$tmp/library")
