#!/bin/sh
# tests/http/99_archive_verify.sh - `kanalvakt archive verify` end to end
# (POSIX sh; issue 6): the demo database (captured items, an inbox day,
# audit rows) and an imported X export (raw payloads as blobs) verify
# intact with exit 0 and a summary; one byte of one blob changed with
# sqlite3/psql makes it exit 1 naming that blob and the item version that
# refers to it, and nothing else; put back, intact again; an audit row
# changed is named by its seq; a database that cannot be read exits 2.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
cli() { "$KV_BIN" --db "$KV_DB_URL" "$@"; }
IM=$KV_ROOT/tests/fixtures/imports

X=$(kv_sql "SELECT id FROM channels WHERE platform = 'x' ORDER BY id LIMIT 1")
cli import x "$IM/x/data/tweets.js" --channel "$X" >/dev/null 2>"$T_DIR/e"
check_eq "$?" 0 "an X export imported (raw payloads as blobs)" "$(cat "$T_DIR/e")"

cli archive verify >"$T_DIR/o" 2>"$T_DIR/e"
check_eq "$?" 0 "archive verify of the demo and the import exits 0" "$(cat "$T_DIR/o" "$T_DIR/e")"
check_match "$(cat "$T_DIR/o")" "^archive intact: [0-9]+ objects checked, 0 problems$" "…with a summary"

# one byte of one blob: the first byte of the raw payload of one version
SHA=$(kv_sql "SELECT v.raw_sha256 FROM item_versions v JOIN items i ON i.id = v.item_id WHERE i.channel_id = $X AND v.raw_sha256 IS NOT NULL ORDER BY v.item_id LIMIT 1")
ITEM=$(kv_sql "SELECT item_id FROM item_versions WHERE raw_sha256 = '$SHA' ORDER BY item_id LIMIT 1")
case $KV_DB_URL in
sqlite:*)
	flip="UPDATE blobs SET bytes = CAST('[' || substr(CAST(bytes AS TEXT), 2) AS BLOB) WHERE sha256 = '$SHA'"
	back="UPDATE blobs SET bytes = CAST('{' || substr(CAST(bytes AS TEXT), 2) AS BLOB) WHERE sha256 = '$SHA'"
	;;
*)
	flip="UPDATE blobs SET bytes = set_byte(bytes, 0, 91) WHERE sha256 = '$SHA'"
	back="UPDATE blobs SET bytes = set_byte(bytes, 0, 123) WHERE sha256 = '$SHA'"
	;;
esac
check_eq "$(kv_sql "SELECT COUNT(*) FROM blobs WHERE sha256 = '$SHA' AND size > 1")" 1 "a raw payload blob to tamper with"
kv_sql "$flip"
cli archive verify >"$T_DIR/o" 2>"$T_DIR/e"
check_eq "$?" 1 "one byte of one blob changed: exit 1"
check_match "$(cat "$T_DIR/o")" "BROKEN blobs sha256 $SHA item $ITEM version 1: the bytes do not match" \
	"…naming the blob and the item version that refers to it" "$(cat "$T_DIR/o")"
check_match "$(tail -n 1 "$T_DIR/o")" "^archive BROKEN: [0-9]+ objects checked, 1 problems$" "…one problem in the summary"
kv_sql "$back"
cli archive verify >/dev/null 2>&1
check_eq "$?" 0 "the byte put back: intact again"

# an audit row (the append-only trigger out of the way first)
case $KV_DB_URL in
sqlite:*) kv_sql "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone else' WHERE seq = 2" ;;
*) kv_sql "ALTER TABLE audit DISABLE TRIGGER audit_no_update; UPDATE audit SET actor = 'someone else' WHERE seq = 2" ;;
esac
cli archive verify >"$T_DIR/o" 2>&1
check_eq "$?" 1 "an audit row changed: exit 1"
check_match "$(cat "$T_DIR/o")" "BROKEN audit seq 2: row content does not match its hash" "…naming its seq"

out=$("$KV_BIN" --db "sqlite:$T_DIR/nodir/none.db" archive verify 2>&1)
check_eq "$?" 2 "a database that cannot be opened: exit 2" "$out"
"$KV_BIN" --db "$KV_DB_URL" archive >/dev/null 2>&1
check_eq "$?" 2 "archive without verify is a usage error"
kv_finish
