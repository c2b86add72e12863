#!/bin/sh
# tests/run.sh - the one test entry point (POSIX sh); `make check` and
# `make check-asan` run it.
#
#   sh tests/run.sh [--asan] [--quiet] [--only=ERE]
#
# Runs, in order:
#   unit/NAME         every unit test binary $KV_BUILD/tests/test_*, with
#                     KV_TEST_PG_URL set to a fresh PostgreSQL database
#   http/sqlite/NAME  every tests/http/*.sh against SQLite
#   http/pg/NAME      the same against PostgreSQL
#   browser           tests/browser/run.sh, when present (not with --asan)
#   lint              tools/lint.sh, when present (not with --asan)
#   fuzz              fuzz/run.sh, each target for FUZZ_SECONDS (default
#                     10; not with --asan)
# PostgreSQL is started once (tests/lib/pg.sh) and stopped at exit.  When it
# cannot start, the PostgreSQL parts are skipped with a loud warning - or,
# with CI set (CI=true), that is a failure.
#
# Every suite ends with a line "N passed, N failed"; this script sums them
# and ends with one such line for everything (nothing is printed after
# it).  A suite that prints no such line, or exits non-zero without
# reporting a failure, or times out, counts as one failure.  Exit status 0
# only when nothing failed and every suite ran.
#
#   --asan      use $KV_BUILD (default build-asan) built with ASan/UBSan,
#               with leak detection on; a sanitizer report in any server or
#               CLI log fails the suite (see tests/lib/server.sh)
#   --quiet     show only failures, their details and the suite summaries
#   --only=ERE  run only the suites whose name matches ERE
#               (e.g. --only='^http/sqlite/' or --only=20_login)
#
# Environment: KV_BUILD (default build, or build-asan with --asan), CI,
# KV_TEST_TIMEOUT (seconds per suite, default 300; 600 with --asan).
# Logs of every suite and server end up in $KV_BUILD/test-logs/.
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)

ASAN=
QUIET=
ONLY=
for a in "$@"; do
	case $a in
	--asan) ASAN=1 ;;
	--quiet | -q) QUIET=1 ;;
	--only=*) ONLY=${a#--only=} ;;
	-h | --help)
		sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "tests/run.sh: unknown argument $a (see --help)" >&2
		exit 2
		;;
	esac
done

if [ -n "$ASAN" ]; then
	KV_BUILD=${KV_BUILD:-build-asan}
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}
	export ASAN_OPTIONS UBSAN_OPTIONS
	TIMEOUT=${KV_TEST_TIMEOUT:-600}
else
	KV_BUILD=${KV_BUILD:-build}
	TIMEOUT=${KV_TEST_TIMEOUT:-300}
fi
case $KV_BUILD in
/*) BUILD_DIR=$KV_BUILD ;;
*) BUILD_DIR=$ROOT/$KV_BUILD ;;
esac
KV_ROOT=$ROOT
export KV_BUILD KV_ROOT

CI_MODE=
case ${CI:-} in
'' | false | 0 | no) ;;
*) CI_MODE=1 ;;
esac

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kv-run.XXXXXX") || exit 2
LOGS=$BUILD_DIR/test-logs
rm -rf "$LOGS"
mkdir -p "$LOGS" || LOGS=$RUN_DIR/logs
mkdir -p "$LOGS"
KV_LOG_DIR=$LOGS/servers
mkdir -p "$KV_LOG_DIR"
export KV_LOG_DIR

. "$ROOT/tests/lib/pg.sh"
cleanup() {
	trap '' INT TERM
	pg_stop
	rm -rf "$RUN_DIR"
}
# On Ctrl-C or TERM, stop the running suite: timeout(1) leads its own
# process group, so the whole group (shell, server, curl) gets the signal.
on_signal() {
	trap '' INT TERM
	if [ -s "$RUN_DIR/suite.pid" ]; then
		kill -TERM "-$(cat "$RUN_DIR/suite.pid")" 2>/dev/null
	fi
	exit "$1"
}
trap 'cleanup' EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

PASSED=0
FAILED=0
PROBLEMS=
note_problem() {
	PROBLEMS="$PROBLEMS
  $1"
}

say() {
	printf '%s\n' "$*"
}

selected() {
	[ -z "$ONLY" ] || printf '%s\n' "$1" | grep -Eq -- "$ONLY"
}

# show: the suite's output on stdout, indented; with --quiet only what
# matters.
show() {
	if [ -n "$QUIET" ]; then
		awk '/^not ok / { p = 1; print "    " $0; fflush(); next }
		     /^#/ { if (p) { print "    " $0; fflush() }; next }
		     { p = 0 }
		     /^[0-9]+ passed, [0-9]+ failed$/ { print "    " $0; fflush() }'
	else
		awk '{ print "    " $0; fflush() }'
	fi
}

# run_suite NAME CMD…: runs one suite, shows its output and adds its counts.
run_suite() {
	rs_name=$1
	shift
	selected "$rs_name" || return 0
	rs_log=$LOGS/$(printf '%s' "$rs_name" | tr '/' '.').log
	rs_t0=$(date +%s)
	say "# ---- $rs_name"
	# (in the background with wait, so that a signal's trap runs at once)
	(
		timeout -k 10 "$TIMEOUT" "$@" </dev/null 2>&1 &
		echo "$!" >"$RUN_DIR/suite.pid"
		wait "$!"
		echo "$?" >"$RUN_DIR/suite.rc"
	) | tee "$rs_log" | show &
	wait "$!"
	: >"$RUN_DIR/suite.pid"
	rs_rc=$(cat "$RUN_DIR/suite.rc" 2>/dev/null || echo 255)
	rm -f "$RUN_DIR/suite.rc"
	rs_secs=$(($(date +%s) - rs_t0))
	rs_sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$rs_log" | tail -n 1)
	if [ -z "$rs_sum" ]; then
		rs_p=0
		rs_f=1
		if [ "$rs_rc" = 124 ] || [ "$rs_rc" = 137 ]; then
			note_problem "$rs_name: timed out after ${TIMEOUT}s"
		else
			note_problem "$rs_name: printed no 'N passed, N failed' line (exit $rs_rc)"
		fi
	else
		rs_p=${rs_sum%% passed*}
		rs_f=${rs_sum#*passed, }
		rs_f=${rs_f%% failed}
		if [ "$rs_rc" = 124 ] || [ "$rs_rc" = 137 ]; then
			rs_f=$((rs_f + 1))
			note_problem "$rs_name: timed out after ${TIMEOUT}s"
		elif [ "$rs_rc" != 0 ] && [ "$rs_f" = 0 ]; then
			rs_f=1
			note_problem "$rs_name: exited $rs_rc but reported no failure"
		elif [ "$rs_f" != 0 ]; then
			note_problem "$rs_name: $rs_f failed"
		fi
	fi
	PASSED=$((PASSED + rs_p))
	FAILED=$((FAILED + rs_f))
	say "# ---- $rs_name: $rs_p passed, $rs_f failed (${rs_secs}s)"
}

# fail_suite NAME WHY: a suite that could not run counts as one failure.
fail_suite() {
	selected "$1" || return 0
	say "# ---- $1: NOT RUN: $2"
	FAILED=$((FAILED + 1))
	note_problem "$1: not run: $2"
}

say "# kanalvakt tests: build $KV_BUILD${ASAN:+ (ASan/UBSan)}, logs in $LOGS"

# --- PostgreSQL ---------------------------------------------------------------
PG_OK=
PG_WHY=
needs_pg=1
if [ -n "$ONLY" ]; then
	needs_pg=
	for f in "$BUILD_DIR"/tests/test_* "$ROOT"/tests/http/*.sh; do
		case $f in
		*.sh) n=http/pg/$(basename "$f" .sh) ;;
		*) n=unit/$(basename "$f") ;;
		esac
		selected "$n" && needs_pg=1
	done
fi
if [ -n "$needs_pg" ]; then
	if pg_start >"$LOGS/pg-start.log" 2>&1; then
		PG_OK=1
		say "# PostgreSQL: $KV_PG_BASE (data in $KV_PG_DIR)"
	else
		PG_WHY=$(tail -n 5 "$LOGS/pg-start.log")
		if [ -n "$CI_MODE" ]; then
			say "# ---- postgresql: could not be started, and CI is set:"
			printf '%s\n' "$PG_WHY" | sed 's/^/#      /'
			FAILED=$((FAILED + 1))
			note_problem "postgresql: could not be started (CI is set); see $LOGS/pg-start.log"
		else
			say "#"
			say "# !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
			say "# !!! PostgreSQL could not be started: its tests are SKIPPED."
			printf '%s\n' "$PG_WHY" | sed 's/^/# !!! /'
			say "# !!! Install it with: sh tools/deps.sh  (under CI this fails)"
			say "# !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
			say "#"
		fi
	fi
fi

# --- (a) unit tests -------------------------------------------------------------
n_unit_src=$(ls "$ROOT"/tests/unit/test_*.c 2>/dev/null | wc -l)
n_unit_bin=0
for b in "$BUILD_DIR"/tests/test_*; do
	[ -f "$b" ] && [ -x "$b" ] || continue
	case $b in *.d | *.o) continue ;; esac
	n_unit_bin=$((n_unit_bin + 1))
	name=$(basename "$b")
	selected "unit/$name" || continue
	if [ -n "$PG_OK" ]; then
		url=$(pg_createdb "kv_unit_$(printf '%s' "$name" | tr -c 'a-z0-9_' '_')") || url=
		if [ -z "$url" ]; then
			fail_suite "unit/$name" "could not create its PostgreSQL database"
			continue
		fi
		run_suite "unit/$name" env KV_TEST_PG_URL="$url" "$b"
	else
		run_suite "unit/$name" "$b"
	fi
done
if [ "$n_unit_bin" -lt "$n_unit_src" ]; then
	fail_suite unit "$n_unit_src unit test sources but $n_unit_bin binaries in $KV_BUILD/tests (run make unit${ASAN:+ BUILD=asan})"
fi

# --- (b, c) HTTP black-box tests ----------------------------------------------------
if [ ! -x "$BUILD_DIR/kanalvakt" ]; then
	fail_suite http "no binary $KV_BUILD/kanalvakt (run make${ASAN:+ asan})"
else
	for db in sqlite pg; do
		if [ "$db" = pg ] && [ -z "$PG_OK" ]; then
			continue
		fi
		for f in "$ROOT"/tests/http/*.sh; do
			[ -f "$f" ] || continue
			name=$(basename "$f" .sh)
			run_suite "http/$db/$name" env KV_TEST_DB=$db sh "$f"
		done
	done
fi

# --- (d) browser tests, (e) lint -------------------------------------------------------
if [ -z "$ASAN" ]; then
	if [ -f "$ROOT/tests/browser/run.sh" ]; then
		run_suite browser sh "$ROOT/tests/browser/run.sh" "$BUILD_DIR/kanalvakt"
	fi
	if [ -f "$ROOT/tools/lint.sh" ]; then
		run_suite lint sh "$ROOT/tools/lint.sh"
	fi
	# a short smoke of every libFuzzer target (longer: make fuzz)
	if [ -f "$ROOT/fuzz/run.sh" ]; then
		FUZZ_SECONDS=${FUZZ_SECONDS:-10}
		export FUZZ_SECONDS
		# building every target with clang and running each takes
		# longer than one suite's limit (24 targets by issue 5)
		SUITE_TIMEOUT=$TIMEOUT
		TIMEOUT=${KV_FUZZ_TIMEOUT:-1500}
		run_suite fuzz sh "$ROOT/fuzz/run.sh"
		TIMEOUT=$SUITE_TIMEOUT
	fi
fi

# --- summary ---------------------------------------------------------------------------
if [ -n "$PROBLEMS" ]; then
	say "# problems:$PROBLEMS"
fi
if [ -z "$PG_OK" ] && [ -n "$needs_pg" ] && [ -z "$CI_MODE" ]; then
	say "# WARNING: PostgreSQL was not available; its tests were SKIPPED."
fi
say "# logs: $LOGS"
printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
[ "$FAILED" -eq 0 ]
