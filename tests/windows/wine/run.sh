#!/bin/sh
# run.sh PREFIX PROGRAM.exe [ARG...]: run a Windows program under Wine, in
# the Wine prefix PREFIX (a directory of the caller's, made at first use),
# and exit with its status.
#
# Needs Debian's wine64 (its loader is /usr/lib/wine/wine64, not on PATH)
# and mingw-w64 (x86_64-w64-mingw32-gcc) for the ProcessPrng shim that Go
# programs need under Wine 8 (see bcryptprimitives.c).
set -eu
[ $# -ge 2 ] || { echo "usage: $0 PREFIX PROGRAM.exe [ARG...]" >&2; exit 2; }
prefix=$1
shift
here=$(cd "$(dirname "$0")" && pwd)

wine=
for w in wine64 /usr/lib/wine/wine64; do
	if command -v "$w" >/dev/null 2>&1; then
		wine=$w
		break
	fi
done
[ -n "$wine" ] || { echo "$0: no wine64 (Debian: apt-get install wine64)" >&2; exit 1; }
command -v x86_64-w64-mingw32-gcc >/dev/null ||
	{ echo "$0: no x86_64-w64-mingw32-gcc (Debian: apt-get install gcc-mingw-w64-x86-64)" >&2; exit 1; }

mkdir -p "$prefix"
export WINEPREFIX
WINEPREFIX=$(cd "$prefix" && pwd)
# Wine's own chatter (fixme: lines) would bury the program's output.
export WINEDEBUG=${WINEDEBUG:--all}
system32=$WINEPREFIX/drive_c/windows/system32
if [ ! -d "$system32" ]; then
	echo "run.sh: making the Wine prefix $WINEPREFIX" >&2
	"$wine" wineboot --init >/dev/null 2>&1 || true
	[ -d "$system32" ] || { echo "$0: wineboot made no prefix in $WINEPREFIX" >&2; exit 1; }
fi
if [ ! -e "$system32/bcryptprimitives.dll" ] || [ "$here/bcryptprimitives.c" -nt "$system32/bcryptprimitives.dll" ]; then
	x86_64-w64-mingw32-gcc -std=gnu11 -Wall -Wextra -Werror -O2 -shared \
		-o "$system32/bcryptprimitives.dll" "$here/bcryptprimitives.c" -lbcrypt
fi
exec "$wine" "$@"
