#!/bin/sh
# run.sh - runs the browser tests (smoke.mjs) in Debian's Chromium.
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
exec node "$here/smoke.mjs" "$bin"
