#!/bin/sh
# tests/http/97_sync_cli.sh - the capture CLI end to end (POSIX sh):
#  - `channel connect` seals the credentials with a key file it makes
#    (mode 0600, outside the database); the token is nowhere in the
#    database; credentials are never taken from the command line;
#  - `sync` of a channel whose platform has no connector reports status
#    config on stderr and exits 1, and stores nothing;
#  - `capture verify` on the (empty, then filled) store;
#  - `items search` with query syntax as plain text;
#  - a Mastodon channel polled through tests/lib/replay.py with recorded
#    responses (../shared/fixtures/mastodon/cassettes): every stdout line
#    is one JSON object with exactly the keys platform, item_id, type,
#    parent_id, author, text, created_at, version; a second run stores
#    nothing new.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/replay.sh"
kv_setup
KEY=$T_DIR/keys/secret.key
mkdir -p "$T_DIR/keys"
cli() { "$KV_BIN" --db "$KV_DB_URL" --key-file "$KEY" "$@"; }

# --- connect -----------------------------------------------------------------
FB=$(kv_sql "SELECT id FROM channels WHERE platform = 'forum' LIMIT 1")
FB_ADDR=$(kv_sql "SELECT address FROM channels WHERE id = $FB")
printf '{"access_token":"tok-SECRET-4711","user":"kv"}' >"$T_DIR/cred.json"
out=$(cli channel connect "$FB_ADDR" --config '{"base_url":"http://127.0.0.1:1"}' 2>&1)
check_eq "$?" 2 "channel connect without --cred-file is refused"
check_match "$out" "never on the command line" "…and says why"
out=$(cli channel connect "$FB_ADDR" --config '{"base_url":"http://127.0.0.1:1"}' \
	--cred-file "$T_DIR/cred.json" 2>&1)
check_eq "$?" 0 "channel connect by address"
check_eq "$(stat -c %a "$KEY" 2>/dev/null)" 600 "the key file is made with mode 0600"
check_eq "$(stat -c %s "$KEY" 2>/dev/null)" 32 "…and holds 32 bytes"
check_eq "$(kv_sql "SELECT COUNT(*) FROM channel_connections WHERE channel_id = $FB AND cred_box <> '' AND config_json LIKE '%127.0.0.1:1%'")" 1 \
	"the connection is stored, credentials sealed"
check_eq "$(kv_sql "SELECT COUNT(*) FROM channel_connections WHERE cred_box LIKE '%SECRET%' OR config_json LIKE '%SECRET%'")" 0 \
	"the token is not stored in clear"
case $KV_DB_URL in
sqlite:*)
	if grep -qa 'tok-SECRET-4711' "${KV_DB_URL#sqlite:}"* 2>/dev/null; then
		fail "the token is nowhere in the SQLite files"
	else
		ok "the token is nowhere in the SQLite files"
	fi
	;;
esac
check_eq "$(kv_sql "SELECT COUNT(*) FROM audit WHERE action = 'connect' AND object_id = $FB AND after_json NOT LIKE '%SECRET%'")" 1 \
	"the connection is audited without the secret"
printf '{"access_token":"x"}' | cli channel connect "$FB" --cred-file - >/dev/null 2>&1
check_eq "$?" 0 "channel connect by id, credentials from stdin"
cli channel connect 99999 --cred-file "$T_DIR/cred.json" >/dev/null 2>&1
check_eq "$?" 1 "channel connect of an unknown channel fails"
printf 'not json' | cli channel connect "$FB" --cred-file - >"$T_DIR/o" 2>&1
check_eq "$?" 1 "credentials that are not a JSON object are refused"

# --- sync without a connector ------------------------------------------------
cli sync "$FB" >"$T_DIR/sync.out" 2>"$T_DIR/sync.err"
check_eq "$?" 1 "sync of a platform without a connector exits 1"
check_eq "$(wc -c <"$T_DIR/sync.out" | tr -d ' ')" 0 "…prints no item"
check_match "$(cat "$T_DIR/sync.err")" "status config: no connector for platform forum" \
	"…and says so in the summary"
check_eq "$(kv_sql "SELECT last_status FROM channel_connections WHERE channel_id = $FB")" config \
	"…and the status is stored"
"$KV_BIN" --db "$KV_DB_URL" --key-file "$T_DIR/nokey" sync "$FB" >/dev/null 2>"$T_DIR/o"
check_eq "$?" 1 "sync without the key file fails"
check_match "$(cat "$T_DIR/o")" "cannot open key file" "…saying which"

# --- verify and search ---------------------------------------------------------
out=$(cli capture verify)
check_eq "$?" 0 "capture verify on an empty store"
check_match "$out" "intact" "…says intact"
out=$(cli items search '"a" OR * NEAR(' 2>&1)
check_eq "$?" 0 "items search with query syntax runs"
check_eq "$out" "" "…and finds nothing"

# --- Mastodon through the replay server -----------------------------------------
MA=$(kv_sql "SELECT id FROM channels WHERE platform = 'mastodon' LIMIT 1")
if [ -z "$MA" ]; then
	kv_sql "INSERT INTO channels (org_id, unit_id, platform, name, address, status, created_at, updated_at) SELECT org_id, unit_id, 'mastodon', 'Mastodon', '@kommune@mastodon.example', 'active', 0, 0 FROM channels WHERE id = $FB"
	MA=$(kv_sql "SELECT id FROM channels WHERE platform = 'mastodon' LIMIT 1")
fi
printf '{"access_token":"tok-MASTO-0815"}' >"$T_DIR/mcred.json"
replay_mastodon "$T_DIR/replay"
cli channel connect "$MA" --config "{\"base_url\":\"$RP_BASE\"}" \
	--cred-file "$T_DIR/mcred.json" >/dev/null 2>&1
check_eq "$?" 0 "channel connect (Mastodon)"
cli sync "$MA" --no-metrics >"$T_DIR/m1.out" 2>"$T_DIR/m1.err"
m1=$?
check_eq "$m1" 0 "sync (Mastodon) succeeds" "$(cat "$T_DIR/m1.err")"
check_ne "$(wc -l <"$T_DIR/m1.out" | tr -d ' ')" 0 "sync prints the items it captured"
bad=$("$T_PY" - "$T_DIR/m1.out" <<'EOF'
import json, sys
want = ["platform", "item_id", "type", "parent_id", "author", "text",
        "created_at", "version"]
bad = 0
for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
    except ValueError:
        bad += 1
        continue
    if (list(o) != want or o["platform"] != "mastodon"
            or not isinstance(o["version"], int) or o["version"] < 1
            or o["type"] not in ("post", "comment", "reply", "mention",
                                 "dm")):
        bad += 1
print(bad)
EOF
)
check_eq "$bad" 0 "every line is one JSON object with exactly the eight keys"
check_match "$(cat "$T_DIR/m1.err")" "status ok" "the summary says ok"
n1=$(kv_sql "SELECT COUNT(*) FROM items WHERE channel_id = $MA")
cli sync "$MA" --no-metrics >"$T_DIR/m2.out" 2>"$T_DIR/m2.err"
check_match "$(cat "$T_DIR/m2.err")" "items 0 new, 0 edited" "a second sync stores nothing new"
check_eq "$(kv_sql "SELECT COUNT(*) FROM items WHERE channel_id = $MA")" "$n1" \
	"…and the item count is the same"
check_eq "$(kv_sql "SELECT COUNT(*) FROM channel_connections WHERE cred_box LIKE '%MASTO%'")" 0 \
	"the Mastodon token is not stored in clear"
out=$(cli capture verify)
check_eq "$?" 0 "capture verify after the syncs" "$out"
replay_stop
kv_finish
