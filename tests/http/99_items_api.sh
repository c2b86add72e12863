#!/bin/sh
# tests/http/99_items_api.sh - the JSON API of connections and captured
# items, and the Meta webhook endpoint (POSIX sh; issue 4):
#  - PUT /api/v1/channels/:id/connection seals credentials (never echoed,
#    never in the database in clear), validates config, refuses roles that
#    may not connect; GET shows the status without secrets;
#  - POST /api/v1/channels/:id/sync makes the channel due (202);
#  - items captured by a real poll (the Mastodon connector against the
#    recorded instance of tests/lib/replay.sh) are listed, filtered,
#    searched with stemming and shown with their versions and events, to
#    those who may see the channel only;
#  - /hooks/meta: the subscription handshake, a signed delivery stored as
#    items of the page's channel, a wrong signature refused with nothing
#    stored.
. "$(dirname "$0")/../lib/t.sh"
mkdir -p "$T_DIR/keys"
KV_KEY_FILE=$T_DIR/keys/secret.key
KANALVAKT_META_APP_SECRET=app-secret-for-tests
KANALVAKT_META_VERIFY_TOKEN=verify-me
export KV_KEY_FILE KANALVAKT_META_APP_SECRET KANALVAKT_META_VERIFY_TOKEN
. "$(dirname "$0")/../lib/server.sh"
. "$(dirname "$0")/../lib/replay.sh"
kv_setup
D=meldal-kommune.example
CT='Content-Type: application/json'
ADMIN=$(kv_token "$KV_ADMIN_EMAIL")
ANNE=$(kv_token "anne.lise.fossum@$D")
SIRI=$(kv_token "siri.bakken@$D")
as() { # TOKEN METHOD PATH [JSON]
	if [ $# -ge 4 ]; then
		req "$2" "$KV_URL$3" -H "Authorization: Bearer $1" -H "$CT" --data-binary "$4"
	else
		req "$2" "$KV_URL$3" -H "Authorization: Bearer $1"
	fi
}
cli() { "$KV_BIN" --db "$KV_DB_URL" "$@"; }

# a Mastodon channel of the communications unit
MA=$(kv_sql "SELECT id FROM channels WHERE platform = 'mastodon' LIMIT 1")
if [ -z "$MA" ]; then
	kv_sql "INSERT INTO channels (org_id, unit_id, platform, name, address, status, created_at, updated_at) SELECT org_id, unit_id, 'mastodon', 'Mastodon', '@kommune@mastodon.example', 'active', 0, 0 FROM channels WHERE platform = 'facebook_page' ORDER BY id LIMIT 1"
	MA=$(kv_sql "SELECT id FROM channels WHERE platform = 'mastodon' LIMIT 1")
fi
kv_sql "UPDATE channels SET status = 'active' WHERE id = $MA"

# --- connection --------------------------------------------------------------
as "$ADMIN" GET "/api/v1/channels/$MA/connection"
check_status 200 "GET connection of an unconnected channel"
check_eq "$(js 'j["status"]')" not_connected "…says not_connected"
check_eq "$(js 'j["connector"]')" Mastodon "…names the connector"
check_match "$(js 'j["limits"]')" "hide" "…and what the platform does not allow"

replay_mastodon "$T_DIR/replay"
as "$ADMIN" PUT "/api/v1/channels/$MA/connection" '{"config":{"base_url":"ftp://x"},"credentials":{"access_token":"tok-API-SECRET-99"}}'
check_status 422 "a config URL that is not http(s) is refused"
check_match "$(js 'j["errors"][0]["field"]')" config "…naming config"
as "$ADMIN" PUT "/api/v1/channels/$MA/connection" '{"config":{"base_url":"'"$RP_BASE"'"},"credentials":["x"]}'
check_status 422 "credentials that are not an object are refused"
as "$ADMIN" PUT "/api/v1/channels/$MA/connection" '{"config":{"base_url":"'"$RP_BASE"'"},"credentials":{"access_token":"x"},"extra":1}'
check_status 422 "an unknown field is refused"
as "$SIRI" PUT "/api/v1/channels/$MA/connection" '{"config":{"base_url":"'"$RP_BASE"'"},"credentials":{"access_token":"tok-API-SECRET-99"}}'
check_match "$H_STATUS" '^(403|404)$' "a unit editor may not connect a channel"
check_eq "$(kv_sql "SELECT COUNT(*) FROM channel_connections WHERE channel_id = $MA")" 0 "…nothing stored"
as "$ANNE" PUT "/api/v1/channels/$MA/connection" '{"config":{"base_url":"'"$RP_BASE"'"},"credentials":{"access_token":"tok-API-SECRET-99"}}'
check_status 200 "communications connects the channel"
check_eq "$(js 'j["connected"]')" true "…connected"
check_eq "$(js 'j["config"]["base_url"]')" "$RP_BASE" "…with its settings"
check_nomatch "$(body)" "tok-API-SECRET" "…and the token is not echoed"
check_eq "$(kv_sql "SELECT COUNT(*) FROM channel_connections WHERE cred_box LIKE '%SECRET%' OR config_json LIKE '%SECRET%'")" 0 \
	"the token is not stored in clear"
check_eq "$(stat -c %a "$KV_KEY_FILE" 2>/dev/null)" 600 "the server made its key file with mode 0600"
check_eq "$(kv_sql "SELECT COUNT(*) FROM audit WHERE action = 'connect' AND object_id = $MA AND after_json NOT LIKE '%SECRET%'")" 1 \
	"the connection is audited without the secret"

as "$SIRI" POST "/api/v1/channels/$MA/sync"
check_match "$H_STATUS" '^(403|404)$' "a unit editor may not ask for a poll"
kv_sql "UPDATE channel_connections SET next_poll_at = 9999999999, backoff_until = 9999999999 WHERE channel_id = $MA"
as "$ANNE" POST "/api/v1/channels/$MA/sync"
check_status 202 "POST sync makes the channel due"
check_eq "$(kv_sql "SELECT backoff_until FROM channel_connections WHERE channel_id = $MA")" 0 "…clears the back-off"
check_ne "$(kv_sql "SELECT next_poll_at FROM channel_connections WHERE channel_id = $MA")" 9999999999 "…and is due now"

# the poll itself: the worker side (the CLI here, the scheduler in serve)
cli sync "$MA" --no-metrics >"$T_DIR/sync.out" 2>"$T_DIR/sync.err"
check_eq "$?" 0 "a poll of the connected channel" "$(cat "$T_DIR/sync.err")"
N=$(kv_sql "SELECT COUNT(*) FROM items WHERE channel_id = $MA")
check_ne "$N" 0 "…captured items"

# --- items ---------------------------------------------------------------------
as "$ADMIN" GET "/api/v1/items?channel_id=$MA&limit=500"
check_status 200 "listItems"
check_eq "$(js 'j["total"]')" "$N" "…counts every item of the channel"
check_eq "$(js 'all(i["platform"] == "mastodon" for i in j["items"])')" true "…all of them Mastodon"
ID=$(js 'j["items"][0]["id"]')
WORD=$(kv_sql "SELECT text FROM item_versions WHERE item_id = $ID ORDER BY version DESC LIMIT 1" |
	tr -c 'A-Za-z\n' ' ' | tr ' ' '\n' | awk 'length($0) >= 5' | head -n 1)
as "$ADMIN" GET "/api/v1/items?type=bogus"
check_status 400 "a bad type filter is refused"
check_match "$(hdr Content-Type)" '^application/problem\+json' "…as problem+json"
as "$ADMIN" GET "/api/v1/items?from=yesterday"
check_status 400 "a bad date is refused"
as "$ADMIN" GET "/api/v1/items?channel_id=$MA&type=post&state=live&from=2000-01-01&to=2100-01-01"
check_status 200 "filters by type, state and dates"
as "$ADMIN" GET "/api/v1/items/$ID"
check_status 200 "getItem"
check_eq "$(js 'len(j["versions"]) >= 1 and j["versions"][0]["version"] == 1')" true "…with its versions"
check_eq "$(js 'any(e["kind"] == "created" for e in j["events"])')" true "…and its events"
check_match "$(js 'j["versions"][0]["raw_sha256"]')" '^[0-9a-f]{64}$' "…and the hash of the raw payload"
as "$ADMIN" GET "/api/v1/items/999999"
check_status 404 "an unknown item is 404"
if [ -n "$WORD" ]; then
	as "$ADMIN" GET "/api/v1/items/search?q=$(urlenc "$WORD")"
	check_status 200 "searchItems ($WORD)"
	check_ne "$(js 'len(j["items"])')" 0 "…finds the item"
fi
as "$ADMIN" GET "/api/v1/items/search?q=$(urlenc '"a" OR * NEAR(')"
check_status 200 "search syntax is plain text"
as "$ADMIN" GET "/api/v1/items/search"
check_status 400 "a search without q is refused"
# a unit editor of another unit sees nothing of this channel
as "$SIRI" GET "/api/v1/items?channel_id=$MA"
check_eq "$(js 'j.get("total", 0)')" 0 "a unit editor of another unit lists none of its items"
as "$SIRI" GET "/api/v1/items/$ID"
check_status 404 "…and cannot open one"
replay_stop

# --- Meta webhooks ----------------------------------------------------------------
FB=$(kv_sql "SELECT id FROM channels WHERE platform = 'facebook_page' AND status = 'active' ORDER BY id LIMIT 1")
as "$ADMIN" PUT "/api/v1/channels/$FB/connection" '{"config":{"account":"1234567890321"},"credentials":{"page_token":"tok-PAGE-SECRET"}}'
check_status 200 "connect the Facebook page"
req GET "$KV_URL/hooks/meta?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"
check_status 200 "the subscription handshake"
check_eq "$(cat "$H_BODY")" 1158201444 "…answers the challenge"
req GET "$KV_URL/hooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1"
check_status 403 "…not with a wrong verify token"
F=${KV_FIXTURES:-$KV_ROOT/../shared/fixtures}/facebook/restfb/webhooks/feed-comment-add-211.json
SIG=$("$T_PY" -c 'import hmac, hashlib, sys
print("sha256=" + hmac.new(sys.argv[1].encode(), open(sys.argv[2], "rb").read(), hashlib.sha256).hexdigest())' \
	"$KANALVAKT_META_APP_SECRET" "$F")
before=$(kv_sql "SELECT COUNT(*) FROM items WHERE channel_id = $FB")
req POST "$KV_URL/hooks/meta" -H "$CT" -H "X-Hub-Signature-256: sha256=$(printf '0%.0s' $(seq 64))" --data-binary "@$F"
check_status 401 "a delivery with a wrong signature is refused"
check_eq "$(kv_sql "SELECT COUNT(*) FROM items WHERE channel_id = $FB")" "$before" "…and nothing is stored"
req POST "$KV_URL/hooks/meta" -H "$CT" --data-binary "@$F"
check_status 401 "…as is one without a signature"
req POST "$KV_URL/hooks/meta" -H "$CT" -H "X-Hub-Signature-256: $SIG" --data-binary "@$F"
check_status 200 "a signed delivery is taken"
check_eq "$(js 'j["stored"]')" 1 "…and its comment stored"
check_eq "$(kv_sql "SELECT COUNT(*) FROM items WHERE channel_id = $FB AND platform_id = '901097836652708_903438993085259' AND type = 'comment'")" 1 \
	"…as a comment of the page's channel"
req POST "$KV_URL/hooks/meta" -H "$CT" -H "X-Hub-Signature-256: $SIG" --data-binary "@$F"
check_eq "$(kv_sql "SELECT COUNT(*) FROM items WHERE channel_id = $FB")" "$((before + 1))" "the same delivery again stores nothing twice"
out=$(cli capture verify)
check_eq "$?" 0 "capture verify after API, sync and webhooks" "$out"
kv_finish
