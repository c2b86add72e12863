#!/bin/sh
# fuzz/run.sh - build the libFuzzer targets with clang and run each briefly.
#
#   sh fuzz/run.sh [TARGET...]     (TARGET: NAME of any fuzz/fuzz_NAME.c)
#
# Environment:
#   FUZZ_SECONDS   seconds per target (default 20); 0 = only replay the
#                  committed corpus (a quick regression run)
#   CLANG          the compiler (default clang)
#
# The src files are compiled here with clang into build-fuzz/ (not through
# the Makefile), instrumented with -fsanitize=fuzzer-no-link,address,undefined;
# the embedded-file table is generated with tools/embed.c as the Makefile
# does.  Each target then runs on a scratch copy of its corpus
# (build-fuzz/corpus/T, seeded from fuzz/corpus/T, which is never written).
# Crash inputs land in build-fuzz/artifacts/; copy a minimised one into
# fuzz/corpus/T/ as a regression input once the bug is fixed.
#
# A target passes when it ran without a crash, leak, sanitizer report or
# broken invariant.  The last line is "N passed, N failed"; the exit status
# is 1 when any target failed or could not be built.
set -u
cd "$(dirname "$0")/.." || exit 1

CLANG=${CLANG:-clang}
SECS=${FUZZ_SECONDS:-20}
B=build-fuzz
# the Makefile's pkg-config list (libcurl came with notifications, issue 3)
PKGS=$(sed -n 's/^PKGS[ \t]*:=[ \t]*//p' Makefile)
[ -n "$PKGS" ] || PKGS="libmicrohttpd jansson sqlite3 libpq libsodium libcurl"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fno-omit-frame-pointer $SAN"
# every fuzz/fuzz_NAME.c is a target NAME
ALL_TARGETS=$(for f in fuzz/fuzz_*.c; do
	n=${f#fuzz/fuzz_}
	echo "${n%.c}"
done)
passed=0
failed=0

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: $CLANG not found (apt-get install clang libclang-rt-14-dev)" >&2
	failed=1
	summary
fi
# shellcheck disable=SC2086 # PKGS is a list
if ! PKG_CFLAGS=$(pkg-config --cflags $PKGS) ||
   ! PKG_LIBS=$(pkg-config --libs $PKGS); then
	echo "fuzz: pkg-config does not know $PKGS (make deps)" >&2
	failed=1
	summary
fi

# the libraries the Makefile adds after the pkg-config ones (LDLIBS)
# shellcheck disable=SC2016 # $(PKG_LIBS) is Makefile text, not shell
EXTRA_LIBS=$(sed -n 's/^LDLIBS[ \t]*:=[ \t]*$(PKG_LIBS)//p' Makefile)
[ -n "$EXTRA_LIBS" ] || EXTRA_LIBS="-lpthread"

mkdir -p "$B/obj" "$B/gen" "$B/tools" "$B/artifacts" "$B/corpus"

# 1. the src objects (all but main.c), rebuilt when the source or any
#    header under src/ is newer than the object
stale() {
	[ ! -f "$2" ] ||
	[ -n "$(find "$1" src -newer "$2" \( -name '*.c' -o -name '*.h' \
	        -o -name '*.def' \) \( -path "$1" -o ! -name '*.c' \) \
	        2>/dev/null | head -n 1)" ]
}
objs=""
build_ok=1
for src in src/*/*.c; do
	obj="$B/obj/$(echo "$src" | sed 's,/,_,g; s,\.c$,.o,')"
	objs="$objs $obj"
	if stale "$src" "$obj"; then
		echo "  CC $src"
		# shellcheck disable=SC2086
		if ! "$CLANG" $CFLAGS -fsanitize=fuzzer-no-link $PKG_CFLAGS \
		    -c -o "$obj" "$src"; then
			rm -f "$obj"
			build_ok=0
		fi
	fi
done

# 2. the embedded files, as the Makefile's EMBED list
embed_files=$(ls sql/sqlite/*.sql sql/pg/*.sql po/*.po 2>/dev/null;
              find assets -maxdepth 1 -type f 2>/dev/null)
# shellcheck disable=SC2086 # one file name per word
embed_files=$(printf '%s\n' $embed_files | LC_ALL=C sort)
# shellcheck disable=SC2086
if ! "$CLANG" -std=c11 -O1 -o "$B/tools/embed" tools/embed.c ||
   ! "$B/tools/embed" "$B/gen/embed.c" $embed_files ||
   ! "$CLANG" -std=c11 -O1 -c -o "$B/gen/embed.o" "$B/gen/embed.c"; then
	build_ok=0
fi
objs="$objs $B/gen/embed.o"

if [ "$build_ok" -ne 1 ]; then
	echo "fuzz: the src objects did not build with $CLANG" >&2
	failed=1
	summary
fi

# 3. build and run each target
targets=${*:-$ALL_TARGETS}
for t in $targets; do
	name="fuzz_$t"
	exe="$B/$name"
	extra=""
	[ "$t" = json_body ] && extra="-Wl,--wrap=req_header,--wrap=req_query"
	if [ ! -f "fuzz/$name.c" ]; then
		echo "FAIL $name: no fuzz/$name.c" >&2
		failed=$((failed + 1))
		continue
	fi
	# shellcheck disable=SC2086
	if ! "$CLANG" $CFLAGS -Wall -Wextra -Werror -fsanitize=fuzzer \
	    $PKG_CFLAGS -o "$exe" "fuzz/$name.c" $objs $extra $PKG_LIBS \
	    $EXTRA_LIBS; then
		echo "FAIL $name: does not build" >&2
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$B/corpus/$t" "fuzz/corpus/$t"
	if [ "$SECS" -gt 0 ] 2>/dev/null; then
		mode="-max_total_time=$SECS"
	else
		mode="-runs=0"
	fi
	log="$B/$name.log"
	echo "  RUN $name ($mode)"
	# shellcheck disable=SC2086 # $mode is one option
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	   "$exe" $mode -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
	   -print_final_stats=1 -artifact_prefix="$B/artifacts/$name-" \
	   "$B/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok $name (${runs:-?} runs)"
		passed=$((passed + 1))
	else
		echo "FAIL $name: see $log; inputs in $B/artifacts/" >&2
		tail -n 40 "$log" >&2
		failed=$((failed + 1))
	fi
done
summary
