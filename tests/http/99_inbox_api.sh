#!/bin/sh
# tests/http/99_inbox_api.sh - the JSON API of the inbox (POSIX sh; issue
# 5), on the demo's day of comments:
#  - listInbox: open items most urgent first, filters (class, channel,
#    state, mine, overdue, q), 400 for bad filters; another unit's editor
#    sees only her unit's items and gets 404 for the others;
#  - assignItem, markItem (no answer needs a reason; classes teach the
#    classifier: a label row), addInboxNote, bulkInbox per item;
#  - triageText with its explanation; triage rules: 403 for non-admins,
#    422 for a pattern PCRE2 refuses, a new rule firing at once;
#  - replyToItem on a channel with no connection: 502 with the reason,
#    the attempt kept; removeItem: a ground is required, "manual" records
#    the removal with its evidence hash, the police pack is a zip;
#  - sendItemToRegistry: 409 without a mailbox, then a queued mail and
#    a reference; recordJournalReference;
#  - inboxEvents: Server-Sent Events with ids that resume.
. "$(dirname "$0")/../lib/t.sh"
mkdir -p "$T_DIR/keys"
KV_KEY_FILE=$T_DIR/keys/secret.key
export KV_KEY_FILE
. "$(dirname "$0")/../lib/server.sh"
kv_setup
D=meldal-kommune.example
CT='Content-Type: application/json'
ADMIN=$(kv_token "$KV_ADMIN_EMAIL")
ANNE=$(kv_token "anne.lise.fossum@$D")
SIRI=$(kv_token "siri.bakken@$D")
BERIT=$(kv_token "berit.vold@$D")
as() { # TOKEN METHOD PATH [JSON]
	if [ $# -ge 4 ]; then
		req "$2" "$KV_URL$3" -H "Authorization: Bearer $1" -H "$CT" --data-binary "$4"
	else
		req "$2" "$KV_URL$3" -H "Authorization: Bearer $1"
	fi
}
item_of() { # a fragment of the text -> the item id
	kv_sql "SELECT i.id FROM items i JOIN item_versions v ON v.item_id = i.id WHERE v.text LIKE '%$1%' LIMIT 1"
}
MK=$(kv_sql "SELECT id FROM channels WHERE name = 'Meldal kommune'")
UNG=$(kv_sql "SELECT id FROM channels WHERE name = 'Ungdomsleder i Meldal'")
Q=$(item_of 'Hvilken dag hentes glass')
THREAT=$(item_of 'Jeg vet hvor du bor')
CASE=$(item_of 'fritak fra renovasjonsgebyret')
EMMA=$(item_of 'LAN-party')

# --- listing --------------------------------------------------------------------
as "$ANNE" GET "/api/v1/inbox"
check_status 200 "listInbox"
check_eq "$(js 'j["total"] >= 20')" true "the demo day is in the inbox"
check_eq "$(js 'all(i["state"] in ("new","assigned") for i in j["items"])')" true "…open items by default"
check_eq "$(js '[i["due_at"] for i in j["items"] if i["due_at"]] == sorted(i["due_at"] for i in j["items"] if i["due_at"])')" true \
	"…most urgent first"
as "$ANNE" GET "/api/v1/inbox?class=abuse"
check_eq "$(js 'len(j["items"]) >= 3 and all("abuse" in i["classes"] for i in j["items"])')" true "filter by class"
as "$ANNE" GET "/api/v1/inbox?class=abuse&channel_id=$UNG"
check_eq "$(js 'len(j["items"])')" 1 "filter by class and channel"
as "$ANNE" GET "/api/v1/inbox?q=brøytebilen"
check_eq "$(js 'len(j["items"]) >= 1')" true "full-text filter (stemmed)"
as "$ANNE" GET "/api/v1/inbox?class=nonsense"
check_status 400 "an unknown class is a bad query"
as "$ANNE" GET "/api/v1/inbox?state=closed"
check_status 400 "an unknown state is a bad query"
as "$ANNE" GET "/api/v1/inbox/$THREAT"
check_status 200 "getInboxItem"
check_eq "$(js 'j["abuse_ground"]')" threat "the threat has its ground"
check_eq "$(js 'j["hard"]')" true "…and is a hard case"
# another unit's editor: her unit only
as "$SIRI" GET "/api/v1/inbox"
check_eq "$(js 'all(i["item"]["channel_id"] == '"$UNG"' for i in j["items"]) and len(j["items"]) >= 1')" true \
	"an editor of Ungdomsarbeid sees only her unit's items"
as "$SIRI" GET "/api/v1/inbox/$THREAT"
check_status 404 "…and another unit's item is not found"
as "$SIRI" POST "/api/v1/inbox/$THREAT/notes" '{"text":"x"}'
check_status 404 "…nor can she note it"

# --- assign, mark, note, bulk ------------------------------------------------------------
ANNE_ID=$(kv_sql "SELECT id FROM people WHERE email = 'anne.lise.fossum@$D'")
as "$ANNE" POST "/api/v1/inbox/$Q/assign" '{"person_id":'"$ANNE_ID"'}'
check_status 200 "assignItem"
check_eq "$(js 'j["state"]')" assigned "…the item is assigned"
as "$ANNE" GET "/api/v1/inbox?mine=1"
check_eq "$(js 'any(i["item_id"] == '"$Q"' for i in j["items"])')" true "…and in mine"
as "$ANNE" POST "/api/v1/inbox/$Q/assign" '{}'
check_status 422 "assign without person_id"
as "$ANNE" POST "/api/v1/inbox/$Q/mark" '{"state":"no_answer"}'
check_status 422 "no answer needs a reason"
as "$ANNE" POST "/api/v1/inbox/$Q/mark" '{"classes":["question","wish"]}'
check_status 422 "an unknown class is refused"
L0=$(kv_sql "SELECT COUNT(*) FROM triage_labels")
as "$ANNE" POST "/api/v1/inbox/$EMMA/mark" '{"classes":["question","praise"]}'
check_status 200 "markItem with classes"
check_eq "$(kv_sql "SELECT COUNT(*) FROM triage_labels")" "$((L0 + 1))" "…is a label the classifier learns from"
as "$ANNE" POST "/api/v1/inbox/$EMMA/notes" '{"text":"Spør ungdomsleder om LAN i gymsalen"}'
check_status 201 "addInboxNote"
as "$BERIT" POST "/api/v1/inbox/$EMMA/notes" '{"text":"x"}'
check_status 403 "the auditor sees but does not work"
P1=$(item_of 'Tusen takk for at dere')
P2=$(item_of 'Stor takk til brøytemannskapene')
as "$ANNE" POST "/api/v1/inbox/bulk" '{"ids":['"$P1,$P2"',999999],"action":"mark","state":"no_answer","reason":"takk"}'
check_status 200 "bulkInbox"
check_eq "$(js '[r["ok"] for r in j["results"]]')" '[true, true, false]' "…answers per item"
as "$ANNE" POST "/api/v1/inbox/bulk" '{"ids":[],"action":"mark"}'
check_status 422 "bulk without ids"

# --- triage and rules ----------------------------------------------------------------------
as "$ANNE" POST "/api/v1/triage" '{"text":"Jeg vil klage på vedtaket om skoleskyss","lang":"nb"}'
check_status 200 "triageText"
check_match "$(js 'j["classes"]')" case_request "…finds the case request"
check_eq "$(js 'len(j["explain"]) > 0')" true "…and says why"
as "$ANNE" POST "/api/v1/triage/rules" '{"class":"complaint","lang":"nb","pattern":"postkasse","note":"brøyting"}'
check_status 403 "only administrators add rules"
as "$ADMIN" POST "/api/v1/triage/rules" '{"class":"complaint","kind":"pattern","pattern":"(unclosed","note":"x"}'
check_status 422 "a pattern PCRE2 refuses"
check_eq "$(js 'j["errors"][0]["field"]')" pattern "…names the pattern"
as "$ADMIN" POST "/api/v1/triage/rules" '{"class":"complaint","lang":"nb","pattern":"postkasse","note":"Brøyting som ødelegger postkasser"}'
check_status 201 "createTriageRule"
RULE=$(js 'j["id"]')
as "$ADMIN" POST "/api/v1/triage" '{"text":"Brøytebilen tok postkassen igjen","lang":"nb"}'
check_match "$(js 'j["explain"]')" postkass "the new rule fires at once"
as "$ADMIN" GET "/api/v1/triage/rules"
check_eq "$(js 'len(j["rules"])')" 1 "listTriageRules"
as "$ADMIN" DELETE "/api/v1/triage/rules/$RULE"
check_status 204 "deleteTriageRule"

# --- reply, removal ---------------------------------------------------------------------
as "$ANNE" POST "/api/v1/inbox/$Q/reply" '{"text":"Glass og metall hentes onsdag."}'
check_status 502 "a reply on a channel without connection: 502"
check_match "$(js 'j["detail"]')" "not connected" "…says why"
check_eq "$(kv_sql "SELECT state FROM inbox_replies WHERE item_id = $Q")" failed "…the attempt is kept"
as "$ANNE" POST "/api/v1/inbox/$Q/reply" '{"text":""}'
check_status 422 "an empty reply"
as "$ANNE" POST "/api/v1/inbox/$THREAT/remove" '{"action":"manual"}'
check_status 422 "a removal needs a ground"
as "$ANNE" POST "/api/v1/inbox/$THREAT/remove" '{"action":"manual","ground":"threat","note":"Anmeldes"}'
check_status 201 "removeItem (by hand)"
check_eq "$(js 'len(j["sha256"])')" 64 "…with the evidence hash"
RID=$(js 'j["id"]')
as "$ANNE" GET "/api/v1/inbox/$THREAT"
check_eq "$(js 'j["state"]')" removed "…the item is removed"
check_eq "$(js 'j["removals"][0]["ground"]')" threat "…and the removal shown"
as "$ANNE" GET "/api/v1/removals/$RID/evidence"
check_status 200 "getEvidencePack"
check_match "$(hdr Content-Type)" application/zip "…a zip"
"$T_PY" - "$H_BODY" <<'EOF' >"$T_DIR/zip.out" 2>&1
import hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = set(z.namelist())
ok = {"README.txt", "evidence.json", "text.txt", "SHA256SUMS"} <= names
for line in z.read("SHA256SUMS").decode().splitlines():
    h, n = line.split("  ", 1)
    ok = ok and hashlib.sha256(z.read(n)).hexdigest() == h
print("ok" if ok else "bad " + " ".join(sorted(names)))
EOF
check_eq "$(cat "$T_DIR/zip.out")" ok "…whose SHA256SUMS hold"
as "$SIRI" GET "/api/v1/removals/$RID/evidence"
check_status 404 "…not for another unit's editor"

# --- registry ------------------------------------------------------------------------------
as "$ANNE" POST "/api/v1/inbox/$CASE/registry" '{}'
check_status 409 "to the registry without a mailbox"
as "$ANNE" PUT "/api/v1/registry" '{"mailbox":"postmottak@meldal.kommune.no"}'
check_status 403 "only administrators set the mailbox"
as "$ADMIN" PUT "/api/v1/registry" '{"mailbox":"not an address"}'
check_status 422 "a mailbox must be an address"
as "$ADMIN" PUT "/api/v1/registry" '{"mailbox":"postmottak@meldal.kommune.no"}'
check_status 200 "setRegistry"
as "$ANNE" POST "/api/v1/inbox/$CASE/registry" '{"note":"Søknad om fritak"}'
check_status 201 "sendItemToRegistry"
REF=$(js 'j["reference"]')
check_eq "$REF" "KV-$CASE-1" "…with our reference"
check_match "$(js 'j["message_to_sender"]')" "journalføre" "…and the message to the sender"
check_eq "$(kv_sql "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'postmottak@meldal.kommune.no' AND subject LIKE '[$REF]%'")" 1 \
	"…a mail to postmottak is queued"
as "$ANNE" POST "/api/v1/inbox/$CASE/journal" '{"journal_ref":"2026/01234-1"}'
check_status 200 "recordJournalReference"
check_eq "$(js 'j["journal_ref"]')" "2026/01234-1" "…shown on the item"
as "$ANNE" POST "/api/v1/inbox/$Q/journal" '{"journal_ref":"2026/9"}'
check_status 409 "no journal reference for an item never sent"

# --- live changes --------------------------------------------------------------------------
as "$ANNE" GET "/api/v1/inbox/events"
check_status 200 "inboxEvents"
check_match "$(hdr Content-Type)" text/event-stream "…as Server-Sent Events"
check_match "$(body)" "event: hello" "…starting with the position"
POS=$(sed -n 's/^id: //p' "$H_BODY" | head -n 1)
as "$ANNE" POST "/api/v1/inbox/$EMMA/notes" '{"text":"LAN er avklart"}'
req GET "$KV_URL/api/v1/inbox/events" -H "Authorization: Bearer $ANNE" -H "Last-Event-ID: $POS"
check_match "$(body)" "event: change" "…then the changes after Last-Event-ID"
check_match "$(body)" "\"item_id\": *$EMMA" "…naming the item"
req GET "$KV_URL/api/v1/inbox/events" -H "Authorization: Bearer $SIRI" -H "Last-Event-ID: $POS"
check_nomatch "$(body)" "\"item_id\": *$THREAT" "another unit's changes are not sent"
req GET "$KV_URL/api/v1/inbox/events" -H "Authorization: Bearer $ANNE" -H "Last-Event-ID: x"
check_status 400 "a bad Last-Event-ID"

kv_finish
