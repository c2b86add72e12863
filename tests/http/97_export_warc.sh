#!/bin/sh
# tests/http/97_export_warc.sh - `kanalvakt export warc` end to end (POSIX
# sh): a real sync of a Mastodon channel through tests/lib/replay.py
# stores its HTTP exchanges; the export (plain and .warc.gz) is then read
# with the npm package warcio (tests/browser/warc_check.mjs): a warcinfo
# record first, every stored exchange as a request and a response linked
# by WARC-Concurrent-To, every payload digest right, the token nowhere in
# the file.  A filter that matches nothing gives warcinfo only; a bad
# argument or a path that cannot be written exits non-zero and leaves no
# file.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/replay.sh"
kv_setup
KEY=$T_DIR/keys/secret.key
mkdir -p "$T_DIR/keys"
cli() { "$KV_BIN" --db "$KV_DB_URL" --key-file "$KEY" "$@"; }
WCHECK="$(cd "$(dirname "$0")/../browser" && pwd)/warc_check.mjs"

MA=$(kv_sql "SELECT id FROM channels WHERE platform = 'mastodon' LIMIT 1")
if [ -z "$MA" ]; then
	kv_sql "INSERT INTO channels (org_id, unit_id, platform, name, address, status, created_at, updated_at) SELECT org_id, unit_id, 'mastodon', 'Mastodon', '@kommune@mastodon.example', 'active', 0, 0 FROM channels LIMIT 1"
	MA=$(kv_sql "SELECT id FROM channels WHERE platform = 'mastodon' LIMIT 1")
fi
printf '{"access_token":"tok-WARC-0816"}' >"$T_DIR/mcred.json"
replay_mastodon "$T_DIR/replay"
cli channel connect "$MA" --config "{\"base_url\":\"$RP_BASE\"}" \
	--cred-file "$T_DIR/mcred.json" >/dev/null 2>&1
check_eq "$?" 0 "channel connect (Mastodon)"
cli sync "$MA" --no-metrics >/dev/null 2>"$T_DIR/sync.err"
check_eq "$?" 0 "sync (Mastodon) succeeds" "$(cat "$T_DIR/sync.err")"
replay_stop
NX=$(kv_sql "SELECT COUNT(*) FROM exchanges WHERE channel_id = $MA AND status > 0")
check_ne "$NX" 0 "the sync stored HTTP exchanges"

# --- the export, read by warcio -------------------------------------------------
cli export warc --out "$T_DIR/all.warc" --channel "$MA" 2>"$T_DIR/e.err"
check_eq "$?" 0 "export warc succeeds" "$(cat "$T_DIR/e.err")"
check_match "$(cat "$T_DIR/e.err")" "$NX exchanges, $((NX * 2 + 1)) records" \
	"…and says how many exchanges and records"
[ -e "$T_DIR/all.warc.tmp" ] && fail "no temporary file is left" || ok "no temporary file is left"
if grep -q 'tok-WARC-0816' "$T_DIR/all.warc"; then
	fail "the token is not in the export"
else
	ok "the token is not in the export"
fi
check_match "$(head -c 200 "$T_DIR/all.warc")" "WARC/1.1" "the file starts with WARC/1.1"

summary() { # FILE: warcio's reading, or skip when node/warcio is missing
	(cd "$(dirname "$WCHECK")" && node "$WCHECK" "$1")
}
if ! command -v node >/dev/null 2>&1 ||
	[ ! -d "$(dirname "$WCHECK")/node_modules/warcio" ]; then
	ok "SKIP: node or warcio missing (cd tests/browser && npm install)"
else
	for f in all.warc all.warc.gz; do
		if [ "$f" = all.warc.gz ]; then
			cli export warc --out "$T_DIR/$f" --channel "$MA" 2>"$T_DIR/e.err"
			check_eq "$?" 0 "export warc to .warc.gz succeeds" "$(cat "$T_DIR/e.err")"
			check_eq "$(od -An -tx1 -N2 "$T_DIR/$f" | tr -d ' ')" 1f8b "…and is gzip"
		fi
		s=$(summary "$T_DIR/$f")
		check_eq "$?" 0 "warcio reads $f" "$s"
		check_match "$s" '"first":"warcinfo"' "$f: warcinfo comes first"
		check_match "$s" "\"request\":$NX[,}]" "$f: one request record per exchange" "$s"
		check_match "$s" "\"response\":$NX[,}]" "$f: one response record per exchange" "$s"
		check_match "$s" "\"paired\":$NX," "$f: each response is concurrent to its request"
		check_match "$s" '"digest_bad":0,' "$f: every payload digest is right"
		check_match "$s" '"status":200' "$f: HTTP statuses are read"
		check_match "$s" "\"url\":\"$RP_BASE/api/v1/accounts/verify_credentials\"" \
			"$f: the target URIs are the requested URLs"
	done
	cli export warc --out "$T_DIR/none.warc" --channel "$MA" --from 1999-01-01 --to 1999-12-31 2>"$T_DIR/e.err"
	check_eq "$?" 0 "export of a range without exchanges succeeds"
	s=$(summary "$T_DIR/none.warc")
	check_match "$s" '"types":{"warcinfo":1}' "…and holds the warcinfo record only" "$s"
fi

# --- failures keep no output ------------------------------------------------------
cli export warc --out "$T_DIR/x.warc" --from 2026-13-01 >/dev/null 2>&1
check_eq "$?" 2 "a bad date is refused"
cli export warc --out "$T_DIR/x.warc" --from 2026-05-02 --to 2026-05-01 >/dev/null 2>&1
check_eq "$?" 2 "--from after --to is refused"
cli export warc >/dev/null 2>&1
check_eq "$?" 2 "export warc without --out is refused"
cli export warc --out "$T_DIR/nodir/x.warc" 2>"$T_DIR/e.err"
check_eq "$?" 1 "an unwritable path fails"
check_match "$(cat "$T_DIR/e.err")" "nothing written" "…saying nothing was written"
[ -e "$T_DIR/x.warc" ] && fail "no file is left by refused exports" || ok "no file is left by refused exports"
# a stored body changed after capture: the export refuses and leaves nothing
kv_sql "UPDATE blobs SET bytes = X'00' WHERE sha256 = (SELECT body_sha256 FROM exchanges WHERE channel_id = $MA AND body_sha256 IS NOT NULL ORDER BY id LIMIT 1)" >/dev/null 2>&1 ||
	kv_sql "UPDATE blobs SET bytes = '\\x00'::bytea WHERE sha256 = (SELECT body_sha256 FROM exchanges WHERE channel_id = $MA AND body_sha256 IS NOT NULL ORDER BY id LIMIT 1)" >/dev/null 2>&1
cli export warc --out "$T_DIR/bad.warc" 2>"$T_DIR/e.err"
check_eq "$?" 1 "an export over a changed blob fails"
check_match "$(cat "$T_DIR/e.err")" "does not match its hash" "…naming the broken body"
[ -e "$T_DIR/bad.warc" ] || [ -e "$T_DIR/bad.warc.tmp" ] && fail "…and leaves no file" || ok "…and leaves no file"
kv_finish
