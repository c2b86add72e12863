#!/bin/sh
# tools/lint.sh - every static check in one place (STYLE-ANCHORS §4.11,
# §4.12 step 8); `make lint` runs it.
#
#   checksrc      tools/checksrc.sh: banned functions, line length, trailing
#                 white space, opening comments
#   checkhtml     tools/checkhtml.sh: raw HTML only from string literals
#   cppcheck      warning + portability checks on src/ (errors fail)
#   msgfmt        msgfmt --check-format on each po/*.po (when installed)
#   clang-format  --dry-run --Werror on src/**/*.[ch] (.clang-format); skip
#                 with KV_LINT_FORMAT=0
#
# Each tool is one check.  A tool that is not installed fails (so CI cannot
# pass by accident) unless it is optional (msgfmt, clang-format), which is
# then reported as skipped.  Suppress a cppcheck finding only in the source,
# next to the code, with a reason:
#     /* cppcheck-suppress nullPointer ; p was checked by the caller */
# The last line is "N passed, N failed"; the exit status is 1 when any
# check failed.
set -u
cd "$(dirname "$0")/.." || exit 1

passed=0
failed=0
skipped=0

check() {
	name=$1
	shift
	echo "== $name"
	if "$@" 2>&1; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		failed=$((failed + 1))
	fi
}

skip() {
	echo "skip $1 ($2)"
	skipped=$((skipped + 1))
}

run_cppcheck() {
	if ! command -v cppcheck >/dev/null 2>&1; then
		echo "cppcheck is not installed (apt-get install cppcheck)" >&2
		return 1
	fi
	# One configuration, the one the Makefile builds: C11 + POSIX 2008.
	# The -I let cppcheck follow our own headers; system and library
	# headers are not needed for these checks.
	cppcheck --error-exitcode=1 --enable=warning,portability \
	    --inline-suppr -q --std=c11 --library=posix \
	    -D_POSIX_C_SOURCE=200809L \
	    -I src/base -I src/store -I src/domain -I src/web \
	    src
}

run_msgfmt() {
	rc=0
	for po in po/*.po; do
		[ -f "$po" ] || continue
		msgfmt --check-format -o /dev/null "$po" || rc=1
	done
	return $rc
}

run_clang_format() {
	# shellcheck disable=SC2046
	clang-format --dry-run --Werror $(find src -name '*.[ch]' | LC_ALL=C sort)
}

check checksrc sh tools/checksrc.sh
check checkhtml sh tools/checkhtml.sh
check cppcheck run_cppcheck
if command -v msgfmt >/dev/null 2>&1; then
	check msgfmt run_msgfmt
else
	skip msgfmt "not installed: apt-get install gettext"
fi
if [ "${KV_LINT_FORMAT:-1}" = 1 ]; then
	if command -v clang-format >/dev/null 2>&1; then
		check clang-format run_clang_format
	else
		echo "clang-format is not installed" >&2
		failed=$((failed + 1))
	fi
else
	skip clang-format "KV_LINT_FORMAT=0 was set"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
