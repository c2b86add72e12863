#!/bin/sh
# run.sh - runs the browser tests (smoke.mjs, governance.mjs, items.mjs,
# inbox.mjs) in Debian's Chromium, one after the other, and sums their
# counts into one closing
# line "N passed, N failed" (each test's own closing line is kept, as a
# comment); exits non-zero when any test failed.
# Needs `npm install` in this folder (done by .ci/run) and /usr/bin/chromium.
# Usage: sh tests/browser/run.sh [BINARY]   (env as in smoke.mjs)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../${KV_BUILD:-build}/kanalvakt}
if [ ! -d "$here/node_modules/playwright-core" ]; then
	echo "browser tests: run 'npm install' in tests/browser first" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
out=$(mktemp "${TMPDIR:-/tmp}/kv-browser-run.XXXXXX")
trap 'rm -f "$out"' EXIT
total_p=0
total_f=0
for t in smoke.mjs governance.mjs items.mjs inbox.mjs; do
	echo "# ---- $t"
	rc=0
	node "$here/$t" "$bin" >"$out" 2>&1 || rc=$?
	# the test's own summary becomes a comment; only ours is counted
	sed -E 's/^([0-9]+ passed, [0-9]+ failed)$/# '"$t"': \1/' "$out"
	sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1 || true)
	if [ -z "$sum" ]; then
		echo "not ok - $t printed no 'N passed, N failed' line (exit $rc)"
		p=0
		f=1
	else
		p=${sum%% passed*}
		f=${sum#*passed, }
		f=${f%% failed*}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "not ok - $t exited with $rc"
			f=1
		fi
	fi
	total_p=$((total_p + p))
	total_f=$((total_f + f))
done
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
