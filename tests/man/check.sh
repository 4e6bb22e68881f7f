#!/usr/bin/env bash
# tests/man/check.sh - the man pages against include/procfd.h, their contract.
#
# Fails, naming the page and what is wrong, unless:
#   - every function that procfd.h declares has man/man3/<function>.3;
#   - every page in man/man3 is named (file, .TH, NAME) after a function
#     that procfd.h declares, has the sections a procfd page has, and its
#     SYNOPSIS holds that function's prototype as the header declares it
#     (whitespace aside), with any struct or #define it shows also as the
#     header has them (comments aside);
#   - every page's .TH names the header's version, PROCFD_VERSION_*;
#   - man/man7/procfd.7 lists every section-3 page under SEE ALSO;
#   - every page renders with `man --warnings -l` (MANWIDTH=80) with
#     nothing on stderr, and again in the C locale with groff's full set
#     of warnings (-ww), which also catches unknown escapes.
#
# Run it from anywhere: it works from the repository root, found from its
# own path. It needs man(1) from man-db (CI installs it), awk and sed, and
# takes some 15 s (two renderings of each of the 20 pages).
set -eu -o pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
header=include/procfd.h
man3=man/man3
man7=man/man7/procfd.7

failures=0
fail() {
	echo "man: FAIL: $*" >&2
	failures=$((failures + 1))
}

if ! command -v man >/dev/null 2>&1; then
	echo "man: man(1) is not installed: the pages cannot be rendered and checked (Debian: apt-get install man-db)" >&2
	exit 1
fi
[ -f "$header" ] || { echo "man: $header is missing" >&2; exit 1; }
[ -d "$man3" ] || { echo "man: $man3 is missing" >&2; exit 1; }
[ -f "$man7" ] || { echo "man: $man7 is missing" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# norm: C text on stdin as one line: comments gone, whitespace collapsed,
# and no space next to punctuation, so that only the tokens are compared.
norm() {
	tr '\n\t' '  ' |
		sed -E -e 's#/\*([^*]|\*+[^*/])*\*+/# #g' \
			-e 's/ +/ /g' \
			-e 's/ ?([][(),;*{}]) ?/\1/g' \
			-e 's/^ //; s/ $//'
	echo
}

# check_render PAGE: render PAGE as `man --warnings -l` does (MANWIDTH=80,
# the caller's locale), then again in the C locale with groff's full set of
# warnings (-ww, which also catches unknown escapes such as \q, and, on the
# ASCII device, characters that have no ASCII form); each must exit 0 and
# print nothing on stderr. The plain ASCII text of the second pass is left
# in $tmp/text for the checks that read the rendered page.
check_render() {
	local status=0
	MANWIDTH=80 man --warnings -l "$1" >/dev/null 2>"$tmp/warnings" || status=$?
	if [ "$status" -ne 0 ] || [ -s "$tmp/warnings" ]; then
		fail "$1: man --warnings -l exited $status and said:
$(sed 's/^/    /' "$tmp/warnings")"
	fi
	status=0
	MANWIDTH=80 LC_ALL=C MAN_KEEP_FORMATTING= man --warnings=w -l "$1" >"$tmp/text.raw" 2>"$tmp/warnings" || status=$?
	if [ "$status" -ne 0 ] || [ -s "$tmp/warnings" ]; then
		fail "$1: LC_ALL=C man --warnings=w -l (groff -ww) exited $status and said:
$(sed 's/^/    /' "$tmp/warnings")"
	fi
	# No bold or underline, should man leave them in.
	sed -e 's/.\x08//g' -e 's/\x1b\[[0-9;]*m//g' "$tmp/text.raw" >"$tmp/text"
}

# section NAME: the text of section NAME of a rendered page on stdin.
section() {
	awk -v want="$1" '
		/^[A-Z]/ { on = ($0 == want); next }
		on { print }'
}

# --- the header: version, and each function's declaration --------------
version_part() {
	sed -nE "s/^#define PROCFD_VERSION_$1 +([0-9]+).*/\1/p" "$header"
}
version="$(version_part MAJOR).$(version_part MINOR).$(version_part PATCH)"
case $version in
[0-9]*.[0-9]*.[0-9]*) ;;
*) echo "man: cannot read PROCFD_VERSION_MAJOR/MINOR/PATCH from $header (got '$version')" >&2; exit 1 ;;
esac

# A declaration starts at column 0 with a return type and procfd_NAME( and
# ends at the first line that holds ");".
awk '
	!decl && /^[a-z][a-z0-9_ ]*[ *]procfd_[a-z0-9_]+\(/ { decl = 1; text = "" }
	decl { text = text " " $0 }
	decl && /\);/ { print text; decl = 0 }
' "$header" >"$tmp/decls.raw"
: >"$tmp/functions"
while IFS= read -r decl; do
	name=$(printf '%s\n' "$decl" | sed -E 's/.*[ *](procfd_[a-z0-9_]+)\(.*/\1/')
	printf '%s\n' "$decl" | norm >"$tmp/decl.$name"
	echo "$name" >>"$tmp/functions"
done <"$tmp/decls.raw"
nfuncs=$(wc -l <"$tmp/functions")
[ "$nfuncs" -gt 0 ] || { echo "man: found no function declarations in $header" >&2; exit 1; }
if [ "$(sort "$tmp/functions" | uniq -d)" != "" ]; then
	echo "man: $header declares a function twice: $(sort "$tmp/functions" | uniq -d)" >&2
	exit 1
fi

# The header's structs (typedef struct X { ... } X_t;) and #defines,
# normalized, to compare with what a SYNOPSIS shows of them.
awk '
	/^typedef struct [a-z_]+ \{/ { on = 1; text = "" }
	on { text = text " " $0 }
	on && /^\} [a-z_]+;/ { print text; on = 0 }
' "$header" >"$tmp/structs.raw"
while IFS= read -r s; do
	tag=$(printf '%s\n' "$s" | sed -E 's/^ *typedef struct ([a-z_]+) .*/\1/')
	printf '%s\n' "$s" | norm >"$tmp/struct.$tag"
done <"$tmp/structs.raw"
grep -E '^#define PROCFD_' "$header" | while IFS= read -r d; do printf '%s\n' "$d" | norm; done >"$tmp/defines"

# --- every function has its page ------------------------------------------
while read -r name; do
	[ -f "$man3/$name.3" ] || fail "$header declares $name(), but $man3/$name.3 does not exist"
done <"$tmp/functions"

# --- every page: name, version, sections, synopsis ----------------------
required_sections="NAME SYNOPSIS DESCRIPTION RETURN_VALUE ERRORS NOTES EXAMPLE SEE_ALSO"
npages=0
for page in "$man3"/*; do
	npages=$((npages + 1))
	check_render "$page" # whatever else is wrong with it
	base=$(basename "$page")
	name=${base%.3}
	if [ "$base" = "$name" ]; then
		fail "$page: a page in $man3 must be named FUNCTION.3"
		continue
	fi
	if ! grep -qx "$name" "$tmp/functions"; then
		fail "$page: $header declares no function $name()"
		continue
	fi

	th=$(grep -m1 '^\.TH ' "$page" || true)
	th_name=$(printf '%s\n' "$th" | sed -nE 's/^\.TH +"?([^" ]+)"? +.*/\1/p')
	th_section=$(printf '%s\n' "$th" | sed -nE 's/^\.TH +"?[^" ]+"? +"?([^" ]+)"? .*/\1/p')
	th_version=$(printf '%s\n' "$th" | sed -nE 's/^\.TH .*"procfd ([0-9][^"]*)".*/\1/p')
	[ "$th_name" = "$name" ] || fail "$page: .TH names '$th_name', not $name"
	[ "$th_section" = 3 ] || fail "$page: .TH says section '$th_section', not 3"
	[ "$th_version" = "$version" ] ||
		fail "$page: .TH says version '${th_version:-none}', $header says $version"

	name_line=$(awk '/^\.SH NAME/ { getline; print; exit }' "$page")
	case $name_line in
	"$name \\- "?*) ;;
	*) fail "$page: the NAME line must read '$name \\- WHAT IT DOES', not '$name_line'" ;;
	esac

	sections=$(sed -nE 's/^\.SH +"?([^"]*)"?$/\1/p' "$page" | tr ' ' _ | tr '\n' ' ')
	expect=$required_sections
	for s in $sections; do
		case " $required_sections " in
		*" $s "*) [ "${expect%% *}" = "$s" ] && expect=${expect#"$s"} && expect=${expect# } ;;
		esac
	done
	[ -z "$expect" ] ||
		fail "$page: section $(echo "${expect%% *}" | tr _ ' ') is missing or out of order (a page has, in this order: $(echo "$required_sections" | sed 's/ /, /g; s/_/ /g'))"
	if ! awk '/^\.SH SEE ALSO/ { on = 1; next } /^\.SH/ { on = 0 } on' "$page" | grep -qE '^\.BR procfd \(7\)'; then
		fail "$page: SEE ALSO does not name procfd(7)"
	fi

	section SYNOPSIS <"$tmp/text" >"$tmp/synopsis"
	grep -q '#include <procfd.h>' "$tmp/synopsis" || fail "$page: SYNOPSIS lacks #include <procfd.h>"
	grep -q 'Link with -lprocfd' "$tmp/synopsis" || fail "$page: SYNOPSIS lacks 'Link with -lprocfd.'"
	synopsis=$(norm <"$tmp/synopsis")
	decl=$(cat "$tmp/decl.$name")
	case $synopsis in
	*"$decl"*) ;;
	*) fail "$page: SYNOPSIS does not hold the prototype of $header:
    header:   $decl
    synopsis: $synopsis" ;;
	esac
	# Each struct the SYNOPSIS shows must be the header's, field for field.
	tags=$(printf '%s\n' "$synopsis" | { grep -oE 'typedef struct [a-z_]+\{' || true; } | sed -E 's/typedef struct ([a-z_]+)\{/\1/')
	for tag in $tags; do
		if [ ! -f "$tmp/struct.$tag" ]; then
			fail "$page: SYNOPSIS shows struct $tag, which $header does not define"
			continue
		fi
		shown=$(printf '%s\n' "$synopsis" | sed -E "s/.*(typedef struct $tag\{[^}]*\}[a-z_]+;).*/\1/")
		[ "$shown" = "$(cat "$tmp/struct.$tag")" ] || fail "$page: SYNOPSIS's struct $tag differs from $header:
    header:   $(cat "$tmp/struct.$tag")
    synopsis: $shown"
	done
	# Each #define it shows must be one of the header's.
	{ grep -E '^ *#define ' "$tmp/synopsis" || true; } | while IFS= read -r d; do
		d=$(printf '%s\n' "$d" | norm)
		grep -qxF -- "$d" "$tmp/defines" || echo "$d"
	done >"$tmp/baddefines"
	if [ -s "$tmp/baddefines" ]; then
		fail "$page: SYNOPSIS shows #defines that $header does not have: $(tr '\n' ';' <"$tmp/baddefines")"
	fi
done

# --- procfd.7 -------------------------------------------------------------
th7=$(grep -m1 '^\.TH ' "$man7" || true)
case $th7 in
".TH procfd 7 "*) ;;
*) fail "$man7: .TH must name procfd, section 7: '$th7'" ;;
esac
th7_version=$(printf '%s\n' "$th7" | sed -nE 's/^\.TH .*"procfd ([0-9][^"]*)".*/\1/p')
[ "$th7_version" = "$version" ] ||
	fail "$man7: .TH says version '${th7_version:-none}', $header says $version"
awk '/^\.SH SEE ALSO/ { on = 1; next } /^\.SH/ { on = 0 } on' "$man7" >"$tmp/seealso7"
for page in "$man3"/*.3; do
	name=$(basename "$page" .3)
	grep -qE "^\.BR $name \(3\)" "$tmp/seealso7" || fail "$man7: SEE ALSO does not name $name(3)"
done

check_render "$man7"

if [ "$failures" -ne 0 ]; then
	echo "man: $failures problem(s) found (pages in $man3 and $man7, against $header)" >&2
	exit 1
fi
echo "man: $npages pages in section 3, procfd.7; all match $header ($nfuncs functions, version $version) and render without warnings"
