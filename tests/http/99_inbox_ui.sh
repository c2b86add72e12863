#!/bin/sh
# tests/http/99_inbox_ui.sh - the HTML pages and form posts of the inbox
# (issue 5) from outside (POSIX sh), on the demo's day (`kanalvakt demo`
# loads a realistic day's comments into the inbox):
#  - /inbox and its views and filters, a bad filter answers 422 beside
#    the field; the item page; /admin/triage;
#  - every form post needs the CSRF field (403 without or with a wrong
#    one);
#  - the forms work: assign, close with a reason, correct the classes, a
#    note, bulk, removal through its confirmation with the evidence hash
#    and the police pack, registry (409 before a mailbox is set) and
#    journal reference, a reply the platform cannot take (502 in its
#    words), rules and the try-out;
#  - authorization: another unit's editor gets 404 on the item, its posts
#    and its evidence, and does not see it in the queue; someone who may
#    read but not work it gets 403 on the posts; only administrators
#    change rules and the registry mailbox;
#  - hostile text in an item (text, author, link), a note and a rule is
#    escaped everywhere it is shown.
. "$(dirname "$0")/../lib/t.sh"
mkdir -p "$T_DIR/keys"
KV_KEY_FILE=$T_DIR/keys/secret.key
export KV_KEY_FILE
. "$(dirname "$0")/../lib/server.sh"
kv_setup
D=meldal-kommune.example

item_like() {
	kv_sql "SELECT b.item_id FROM inbox b JOIN item_versions v ON v.item_id = b.item_id WHERE v.text LIKE '%$1%' ORDER BY b.item_id LIMIT 1"
}
THREAT=$(item_like idioten)
CASE=$(item_like fritak)
PRAISE=$(item_like Kjempeflott)
SPAM=$(item_like 'a day from home')
QUESTION=$(item_like 'glass og metall')
check_match "$THREAT $CASE $PRAISE $SPAM $QUESTION" '^[0-9]+ [0-9]+ [0-9]+ [0-9]+ [0-9]+$' \
	"the demo's inbox has the threat, the case request, the praise, the spam and a question"
ANNE=$(kv_sql "SELECT id FROM people WHERE email = 'anne.lise.fossum@$D'")

J=$T_DIR/admin
M=$T_DIR/anne
kv_login "$KV_ADMIN_EMAIL" "$KV_PW" "$J" || fail "the admin logs in" "$(ctx)"
kv_login "anne.lise.fossum@$D" "$KV_PW" "$M" || fail "the adviser logs in" "$(ctx)"

# --- the queue ------------------------------------------------------------------
req GET "$KV_URL/inbox?lang=en" -b "$M"
check_status 200 "GET /inbox"
check_match "$(body)" "href=\"/inbox/$THREAT\"" "the queue links the threat"
check_match "$(body)" '<a href="/inbox" aria-current="page">Inbox' "the main menu has Inbox, current"
check_match "$(body)" 'aria-live="polite"' "…a live region for updates"
check_match "$(body)" '<script nonce="[0-9a-f]+" src="/static/inbox.js" defer>' "…and its script with the CSP nonce"
csp=$(hdr Content-Security-Policy)
check_match "$csp" "connect-src 'self'" "the CSP lets the page's EventSource connect"
nonce=$(grep -o 'script nonce="[0-9a-f]*"' "$H_BODY" | sed 's/.*="\(.*\)"/\1/')
check_match "$csp" "script-src 'nonce-$nonce'" "…and the script's nonce is the page's"
req GET "$KV_URL/static/inbox.js"
check_status 200 "the script is served"
check_match "$(hdr Content-Type)" '^text/javascript' "…as JavaScript"
for v in open mine overdue all; do
	req GET "$KV_URL/inbox?view=$v&lang=en" -b "$M"
	check_status 200 "GET /inbox?view=$v"
done
req GET "$KV_URL/inbox?class=abuse&lang=en" -b "$M"
check_match "$(body)" "href=\"/inbox/$THREAT\"" "class=abuse lists the threat"
check_nomatch "$(body)" "href=\"/inbox/$PRAISE\"" "…and not the praise"
req GET "$KV_URL/inbox?q=tømmeplanen&view=all&lang=en" -b "$M"
check_match "$(body)" 'tømmeplanen' "the search finds a word"
req GET "$KV_URL/inbox?class=nonsense&lang=en" -b "$M"
check_status 422 "an unknown class answers 422"
check_match "$(body)" 'aria-invalid="true"' "…with the error beside the field"
req GET "$KV_URL/inbox?channel=abc&lang=en" -b "$M"
check_status 422 "a bad channel answers 422"
req GET "$KV_URL/inbox?lang=nb" -b "$M"
check_match "$(body)" '>Innboks' "the menu says Innboks in bokmål"
req GET "$KV_URL/inbox"
check_status '30[0-9]' "logged out, /inbox redirects to the login"

# --- the item page ---------------------------------------------------------------
req GET "$KV_URL/inbox/$CASE?lang=en" -b "$M"
check_status 200 "GET /inbox/ID"
check_match "$(body)" '<mark><span class="visually-hidden">' "personal data is marked with its kind"
check_match "$(body)" 'class="explain"' "…the explanation of triage is shown"
check_match "$(body)" "action=\"/inbox/$CASE/assign\"" "…with the forms that work it"
req GET "$KV_URL/inbox/99999999" -b "$M"
check_status 404 "an unknown item answers 404"

# --- CSRF ------------------------------------------------------------------------
req POST "$KV_URL/inbox/$QUESTION/assign" -b "$M" --data 'me=1'
check_status 403 "assign without the CSRF field is refused"
req POST "$KV_URL/inbox/$QUESTION/assign" -b "$M" --data 'me=1&_csrf=0000'
check_status 403 "…and with a wrong one"
for p in "inbox/$QUESTION/mark" "inbox/$QUESTION/classes" "inbox/$QUESTION/notes" \
	"inbox/$QUESTION/reply" "inbox/$QUESTION/remove" "inbox/$QUESTION/registry" \
	"inbox/$QUESTION/journal" inbox/bulk admin/triage/rules admin/triage/try \
	admin/triage/registry; do
	req POST "$KV_URL/$p" -b "$J" --data 'x=1'
	check_status 403 "POST /$p without CSRF is refused"
done
check_eq "$(kv_sql "SELECT COALESCE(assignee_id, 0) FROM inbox WHERE item_id = $QUESTION")" 0 \
	"nothing was assigned"

# --- working an item -------------------------------------------------------------
kv_form_post "$M" "/inbox/$QUESTION/assign" me=1
check_status 303 "assign to me"
check_match "$(hdr Location)" "^/inbox/$QUESTION\\?done=assigned" "…back to the item"
check_eq "$(kv_sql "SELECT assignee_id FROM inbox WHERE item_id = $QUESTION")" "$ANNE" "…assigned to the adviser"
kv_form_post "$M" "/inbox/$QUESTION/assign" person_id=abc
check_status 422 "a bad person answers 422"
kv_form_post "$M" "/inbox/$PRAISE/mark" state=no_answer reason=
check_status 422 "no answer needed without a reason answers 422"
check_match "$(body)" 'id="e-mk-reason"' "…with the error beside the reason"
kv_form_post "$M" "/inbox/$PRAISE/mark" state=no_answer 'reason=Ros, ingen svar trengs'
check_status 303 "no answer needed with a reason"
check_eq "$(kv_sql "SELECT state || ':' || no_answer_reason FROM inbox WHERE item_id = $PRAISE")" \
	'no_answer:Ros, ingen svar trengs' "…is stored"
kv_form_post "$M" "/inbox/$QUESTION/classes" hard_shown=1
check_status 422 "no class answers 422"
kv_form_post "$M" "/inbox/$QUESTION/classes" classes=question classes=abuse hard_shown=1
check_status 422 "abuse without a ground answers 422"
kv_form_post "$M" "/inbox/$QUESTION/classes" classes=question classes=complaint hard_shown=1 hard=1
check_status 303 "the classes are corrected"
check_eq "$(kv_sql "SELECT classes || ':' || hard FROM inbox WHERE item_id = $QUESTION")" '5:1' \
	"…question + complaint, a hard case"
check_ne "$(kv_sql "SELECT COUNT(*) FROM triage_labels")" 0 "…kept as a label for the classifier"
kv_form_post "$M" "/inbox/$QUESTION/notes" 'text=<script>alert("n")</script> sjekk med renovasjon'
check_status 303 "a note is added"
req GET "$KV_URL/inbox/$QUESTION?lang=en" -b "$M"
check_match "$(body)" '&lt;script&gt;alert\(&quot;n&quot;\)&lt;/script&gt; sjekk med renovasjon' "…and shown escaped"
check_nomatch "$(body)" '<script>alert' "…never as markup"
kv_form_post "$M" "/inbox/$QUESTION/reply?lang=en" 'text=Glass og metall hentes hver fjerde uke.'
check_status 502 "a reply on a channel without a connection answers 502"
check_match "$(body)" 'The platform did not do it' "…and says the platform did not do it"
check_match "$(body)" 'Glass og metall hentes hver fjerde uke.</textarea>' "…keeping the text"

# --- bulk ------------------------------------------------------------------------
kv_form_post "$M" /inbox/bulk ids=abc action=assign_me
check_status 400 "a bad id in bulk answers 400"
kv_form_post "$M" /inbox/bulk action=assign_me
check_status 422 "bulk without items answers 422"
kv_form_post "$M" /inbox/bulk "ids=$SPAM" action=no_answer reason=
check_status 422 "bulk no answer needed without a reason answers 422"
kv_form_post "$M" /inbox/bulk "ids=$SPAM" "ids=$CASE" action=assign_me view=all
check_status 303 "bulk assigns two items to me"
check_match "$(hdr Location)" '^/inbox\?view=all&done=2$' "…and says 2 were changed"
check_eq "$(kv_sql "SELECT COUNT(*) FROM inbox WHERE item_id IN ($SPAM, $CASE) AND assignee_id = $ANNE")" 2 \
	"…both are mine"

# --- removal with evidence -------------------------------------------------------
kv_form_post "$M" "/inbox/$THREAT/remove" action=manual ground=
check_status 422 "a removal without a ground answers 422"
kv_form_post "$M" "/inbox/$THREAT/remove" action=manual ground=threat 'note=Trussel mot ansatt'
check_status 200 "a removal asks for confirmation first"
check_match "$(body)" 'name="confirm" value="1"' "…with the confirmation form"
check_eq "$(kv_sql "SELECT COUNT(*) FROM removals WHERE item_id = $THREAT")" 0 "…and removes nothing yet"
kv_form_post "$M" "/inbox/$THREAT/remove" action=manual ground=threat 'note=Trussel mot ansatt' confirm=1
check_status 303 "the confirmed removal"
RM=$(kv_sql "SELECT id FROM removals WHERE item_id = $THREAT")
SHA=$(kv_sql "SELECT evidence_sha256 FROM removals WHERE item_id = $THREAT")
req GET "$KV_URL/inbox/$THREAT?done=removed&lang=en" -b "$M"
check_match "$(body)" "$SHA" "the item page shows the evidence hash"
check_match "$(body)" "href=\"/inbox/removals/$RM/evidence\"" "…and links the police pack"
check_match "$(body)" 'Message to the sender' "…and the drafted message to the sender"
req GET "$KV_URL/inbox/removals/$RM/evidence" -b "$M"
check_status 200 "the evidence pack downloads"
check_eq "$(hdr Content-Type)" application/zip "…as a zip"
check_eq "$(head -c 2 "$H_BODY")" PK "…that is a zip"

# --- registry and journal ----------------------------------------------------------
kv_form_post "$M" "/inbox/$CASE/registry?lang=en" 'note=Søknad om fritak'
check_status 409 "sending to the registry without a mailbox answers 409"
check_match "$(body)" 'No registry mailbox' "…and says so"
kv_form_post "$M" /admin/triage/registry mailbox=postmottak@meldal-kommune.example
check_status 403 "only administrators set the registry mailbox"
kv_form_post "$J" /admin/triage/registry mailbox=not-an-address
check_status 422 "a mailbox that is no address answers 422"
kv_form_post "$J" /admin/triage/registry mailbox=postmottak@meldal-kommune.example
check_status 303 "the administrator sets the registry mailbox"
kv_form_post "$M" "/inbox/$CASE/registry" 'note=Søknad om fritak'
check_status 303 "the case request is sent to the registry"
check_eq "$(kv_sql "SELECT state FROM inbox WHERE item_id = $CASE")" registry "…and is marked so"
req GET "$KV_URL/inbox/$CASE?done=registry&lang=en" -b "$M"
check_match "$(body)" 'journalføre' "the reply box has the message to the sender in bokmål"
kv_form_post "$M" "/inbox/$CASE/journal" journal_ref=
check_status 422 "an empty journal reference answers 422"
kv_form_post "$M" "/inbox/$CASE/journal" journal_ref=2026/01234-1
check_status 303 "the journal reference is recorded"
check_eq "$(kv_sql "SELECT journal_ref FROM inbox WHERE item_id = $CASE")" 2026/01234-1 "…and stored"

# --- authorization -----------------------------------------------------------------
S=$T_DIR/siri
kv_login "siri.bakken@$D" "$KV_PW" "$S" || fail "siri logs in" "$(ctx)"
req GET "$KV_URL/inbox/$SPAM" -b "$S"
check_status 404 "another unit's editor gets 404 on the item"
req GET "$KV_URL/inbox/removals/$RM/evidence" -b "$S"
check_status 404 "…and on its evidence"
for p in assign mark classes notes reply remove registry journal; do
	kv_form_post "$S" "/inbox/$SPAM/$p" me=1 state=no_answer reason=x classes=spam \
		text=x action=manual ground=spam confirm=1 journal_ref=1
	check_status 404 "…and on POST /inbox/ID/$p"
done
req GET "$KV_URL/inbox?view=all&lang=en" -b "$S"
check_nomatch "$(body)" "href=\"/inbox/$SPAM\"" "…and does not see it in the queue"
kv_form_post "$S" /inbox/bulk "ids=$SPAM" action=assign_me
check_match "$(hdr Location)" 'done=0&failed=1' "bulk changes nothing of another unit"
check_eq "$(kv_sql "SELECT assignee_id FROM inbox WHERE item_id = $SPAM")" "$ANNE" "…the item keeps its assignee"
B=$T_DIR/berit
kv_login "berit.vold@$D" "$KV_PW" "$B" || fail "the auditor logs in" "$(ctx)"
req GET "$KV_URL/inbox/$SPAM?lang=en" -b "$B"
check_status 200 "the auditor may read the item"
check_nomatch "$(body)" "action=\"/inbox/$SPAM/assign\"" "…without the forms"
for p in assign notes remove; do
	kv_form_post "$B" "/inbox/$SPAM/$p" me=1 text=x action=manual ground=spam confirm=1
	check_status 403 "…and gets 403 on POST /inbox/ID/$p"
done

# --- rules and the try-out -----------------------------------------------------------
req GET "$KV_URL/admin/triage?lang=en" -b "$M"
check_status 200 "GET /admin/triage for the adviser"
check_nomatch "$(body)" 'action="/admin/triage/rules"' "…without the rule form"
kv_form_post "$M" /admin/triage/rules class=complaint kind=keyword pattern=brøytekant weight=1
check_status 403 "only administrators add rules"
kv_form_post "$J" /admin/triage/rules class=complaint kind=pattern 'pattern=(' weight=1
check_status 422 "a pattern PCRE2 refuses answers 422"
kv_form_post "$J" /admin/triage/rules class=complaint kind=keyword pattern=brøytekant weight=abc
check_status 422 "a weight that is no number answers 422"
kv_form_post "$J" /admin/triage/rules class=complaint lang=nb kind=keyword \
	'pattern=brøytekant|postkasse' weight=0,9 enabled=1 'note=<img src=x onerror=alert(2)>'
check_status 303 "the administrator adds a keyword rule (decimal comma)"
RULE=$(kv_sql "SELECT id FROM triage_rules WHERE pattern = 'brøytekant|postkasse'")
req GET "$KV_URL/admin/triage?lang=en" -b "$J"
check_match "$(body)" "id=\"rule-$RULE\"" "the rule is listed"
check_match "$(body)" '&lt;img src=x onerror=alert\(2\)&gt;' "…its note escaped"
check_nomatch "$(body)" '<img src=x' "…never as markup"
kv_form_post "$J" /admin/triage/try 'text=Brøytebilen tok postkassen vår igjen' lang=nb
check_status 200 "the try-out"
check_match "$(body)" 'class="tryout"' "…shows the result"
check_match "$(body)" "href=\"/admin/triage#rule-$RULE\"" "…and the rule firing"
kv_form_post "$J" /admin/triage/try text=
check_status 422 "an empty try-out answers 422"
kv_form_post "$J" "/admin/triage/rules/$RULE/toggle"
check_status 303 "the rule is disabled"
check_eq "$(kv_sql "SELECT enabled FROM triage_rules WHERE id = $RULE")" 0 "…and stored so"
kv_form_post "$M" "/admin/triage/rules/$RULE/delete"
check_status 403 "only administrators delete rules"
kv_form_post "$J" "/admin/triage/rules/$RULE/delete"
check_status 303 "the administrator deletes it"
kv_form_post "$J" "/admin/triage/rules/$RULE/delete"
check_status 404 "…twice is 404"

# --- hostile text in an item ---------------------------------------------------------
HOST=$QUESTION
kv_sql "INSERT INTO item_versions (item_id, version, seen_at, text, content_sha256) VALUES ($HOST, 2, 1, '<img src=x onerror=alert(1)> \"quoted\" & ''single''', 'x')" >/dev/null
kv_sql "UPDATE items SET current_version = 2, author_name = '<b>Evil</b>', url = 'javascript:alert(3)' WHERE id = $HOST" >/dev/null
for p in "inbox?view=all&lang=en" "inbox/$HOST?lang=en"; do
	req GET "$KV_URL/$p" -b "$M"
	check_status 200 "GET /$p with hostile text"
	check_nomatch "$(body)" '<img src=x|<b>Evil' "…shows no markup from the item"
	check_match "$(body)" '&lt;img src=x onerror=alert\(1\)&gt;' "…but the text, escaped"
	check_nomatch "$(body)" 'href="javascript:' "…and no javascript: link"
done

kv_finish
