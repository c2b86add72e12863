#!/bin/sh
# tests/http/99_inbox_settings.sh - the inbox's settings (issue 5) from
# outside (POSIX sh), on the demo (which starts with topics, saved
# replies in five languages and "@meldalkommune" signed by its unit):
#  - the JSON API: saved replies, topics with their people, the policy
#    and a channel's reply rule: list, create, change, delete; 403 for
#    people the domain does not let change them (policy and topics:
#    administrators; saved replies: administrators and comms; the reply
#    rule: whoever may edit the channel); 422 with the field for bad
#    input; 404 for another organisation's objects (units and channels
#    included); a topic whose people are refused is not saved at all;
#  - /admin/inbox: read-only for others, forms for those who may change;
#    every form post needs the CSRF field; the forms work and answer 422
#    beside the field; the channel page's signature form;
#  - hostile text in a saved reply and a topic is escaped.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
D=meldal-kommune.example
CT='Content-Type: application/json'
pid() { kv_sql "SELECT id FROM people WHERE email = '$1@$D'"; }
TA=$(kv_token "$KV_ADMIN_EMAIL")
TM=$(kv_token "anne.lise.fossum@$D")
TS=$(kv_token "siri.bakken@$D")
TT=$(kv_token "tor.einar.moe@$D")
api() { # TOKEN METHOD PATH [curl args…]
	api_t=$1 api_m=$2 api_p=$3
	shift 3
	req "$api_m" "$KV_URL$api_p" -H "Authorization: Bearer $api_t" "$@"
}
TOR=$(pid tor.einar.moe)
SIRI=$(pid siri.bakken)
ANNE=$(pid anne.lise.fossum)
BIBL=$(kv_sql "SELECT id FROM units WHERE name = 'Meldal folkebibliotek'")
XCH=$(kv_sql "SELECT id FROM channels WHERE name = '@meldalkommune'")
BLOG=$(kv_sql "SELECT id FROM channels WHERE name = 'Bibliotekbloggen'")

# another organisation with a unit, a channel, a topic and a saved reply
ORG2=$(kv_sql "INSERT INTO orgs (name, slug, country, timezone, default_lang, created_at) VALUES ('Andeby kommune', 'andeby', 'SE', 'Europe/Stockholm', 'sv', 1) RETURNING id")
U2=$(kv_sql "INSERT INTO units (org_id, name, kind, created_at, updated_at) VALUES ($ORG2, 'Andeby kommune', 'organisation', 1, 1) RETURNING id")
CH2=$(kv_sql "INSERT INTO channels (org_id, unit_id, platform, name, address, status, created_at, updated_at) VALUES ($ORG2, $U2, 'x', '@andeby', 'https://x.com/andeby', 'active', 1, 1) RETURNING id")
TP2=$(kv_sql "INSERT INTO topics (org_id, name, keywords, created_at, updated_at) VALUES ($ORG2, 'Sophämtning', 'sopor|avfall', 1, 1) RETURNING id")
SR2=$(kv_sql "INSERT INTO saved_replies (org_id, lang, title, body, created_at, updated_at) VALUES ($ORG2, 'sv', 'Hej', 'Hej hej', 1, 1) RETURNING id")
check_match "$ORG2 $U2 $CH2 $TP2 $SR2" '^[0-9]+ [0-9]+ [0-9]+ [0-9]+ [0-9]+$' "a second organisation with its objects"

# --- the demo's settings -------------------------------------------------------
api "$TS" GET /api/v1/topics
check_status 200 "listTopics is 200 for anyone of the organisation"
check_eq "$(js '[t["name"] for t in j["topics"]]')" \
	'["Renovasjon", "Brøyting og veg", "Skole og oppvekst", "Bibliotek", "Ungdom og fritid"]' \
	"…the demo's topics in order"
check_eq "$(js '[t["people"] for t in j["topics"] if t["name"] == "Bibliotek"][0]')" "[$TOR]" \
	"…Bibliotek: the chief librarian has the competence"
check_nomatch "$(body)" 'Sophämtning' "…and not another organisation's"
api "$TS" GET /api/v1/saved-replies
check_status 200 "listSavedReplies is 200"
check_eq "$(js 'sorted(set(r["lang"] for r in j["replies"]))')" '["da", "en", "nb", "nn", "sv"]' \
	"…saved replies in five languages"
check_nomatch "$(body)" '"Hej hej"' "…none of another organisation's"
api "$TS" GET '/api/v1/saved-replies?lang=nn'
check_eq "$(js 'all(r["lang"] == "nn" for r in j["replies"]) and len(j["replies"]) > 0')" true \
	"?lang=nn lists only nynorsk"
STAB=$(kv_sql "SELECT id FROM units WHERE name = 'Stab og service'")
api "$TS" GET "/api/v1/saved-replies?lang=nb&unit_id=$STAB"
check_eq "$(js 'any(r["unit_id"] is not None for r in j["replies"])')" false \
	"?unit_id= of another unit leaves the library's own reply out"
api "$TS" GET "/api/v1/saved-replies?lang=nb&unit_id=$BIBL"
check_eq "$(js "[r['title'] for r in j['replies'] if r['unit_id'] == $BIBL]")" '["Innlevering under ombyggingen"]' \
	"?unit_id= adds that unit's own replies"
api "$TS" GET '/api/v1/saved-replies?lang=xx'
check_status 400 "?lang=xx answers 400"
api "$TS" GET '/api/v1/saved-replies?unit_id=abc'
check_status 400 "?unit_id=abc answers 400"
api "$TS" GET /api/v1/inbox/policy
check_status 200 "getInboxPolicy is 200"
check_eq "$(js '[j["mode"], j["open_hour"], j["close_hour"], j["days_off"], j["escalate_after_min"], j["comms_unit_id"]]')" \
	'["same_day", 8, 16, "next_business_day", 120, null]' "…the defaults"
api "$TA" GET "/api/v1/channels/$XCH/reply-rule"
check_status 200 "getReplyRule is 200"
check_eq "$(js '[j["signature"], j["example"]]')" '["unit", "– Stab og service"]' \
	"…@meldalkommune is signed by its unit"
api "$TT" GET "/api/v1/channels/$BLOG/reply-rule"
check_eq "$(js '[j["signature"], j["example"]]')" '["first_name_role", "– Tor, biblioteksjef"]' \
	"…the default: first name and role of the caller"

# --- saved replies ----------------------------------------------------------------
api "$TM" POST /api/v1/saved-replies -H "$CT" \
	--data '{"lang":"nn-NO","title":"Brøyting","body":"Takk! Vi har meldt frå til brøytemannskapet.\nDei kjem så fort dei kan."}'
check_status 201 "comms adds a saved reply"
SR=$(js 'j["id"]')
check_eq "$(hdr Location)" "/api/v1/saved-replies/$SR" "…with a Location"
check_eq "$(js '[j["lang"], j["unit_id"], "\n" in j["body"]]')" '["nn", null, true]' \
	"…the tag nn-NO taken as nn, for the whole organisation, the line break kept"
api "$TM" PUT "/api/v1/saved-replies/$SR" -H "$CT" \
	--data "{\"lang\":\"nn\",\"title\":\"Brøyting i Vollan\",\"body\":\"Takk!\",\"unit_id\":$BIBL}"
check_status 200 "comms changes it"
check_eq "$(js '[j["title"], j["body"], j["unit_id"]]')" "[\"Brøyting i Vollan\", \"Takk!\", $BIBL]" "…all of it"
check_eq "$(kv_sql "SELECT title FROM saved_replies WHERE id = $SR")" "Brøyting i Vollan" "…stored"
api "$TS" POST /api/v1/saved-replies -H "$CT" --data '{"lang":"nb","title":"x","body":"y"}'
check_status 403 "a channel editor may not add saved replies"
api "$TS" PUT "/api/v1/saved-replies/$SR" -H "$CT" --data '{"lang":"nb","title":"x","body":"y"}'
check_status 403 "…nor change them"
api "$TS" DELETE "/api/v1/saved-replies/$SR"
check_status 403 "…nor delete them"
api "$TM" POST /api/v1/saved-replies -H "$CT" --data '{"lang":"de","title":"","body":""}'
check_status 422 "a bad saved reply answers 422"
check_match "$(hdr Content-Type)" '^application/problem\+json' "…as problem+json"
check_eq "$(js 'sorted(e["field"] for e in j["errors"])')" '["body", "lang", "title"]' \
	"…naming lang, title and body"
api "$TM" POST /api/v1/saved-replies -H "$CT" --data "{\"lang\":\"sv\",\"title\":\"t\",\"body\":\"b\",\"unit_id\":$U2}"
check_status 422 "another organisation's unit answers 422"
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["unit_id"]' "…naming unit_id"
api "$TM" POST /api/v1/saved-replies -H "$CT" --data '{"lang":"nb","title":"t","body":"b","colour":"red"}'
check_status 422 "an unknown field answers 422"
api "$TM" POST /api/v1/saved-replies -H "$CT" --data '{"lang":7,"title":"t","body":"b"}'
check_status 422 "a number as the language answers 422"
api "$TM" PUT "/api/v1/saved-replies/$SR2" -H "$CT" --data '{"lang":"sv","title":"t","body":"b"}'
check_status 404 "another organisation's saved reply is 404 on PUT"
api "$TM" DELETE "/api/v1/saved-replies/$SR2"
check_status 404 "…and on DELETE"
check_eq "$(kv_sql "SELECT title FROM saved_replies WHERE id = $SR2")" Hej "…and it is untouched"
api "$TM" DELETE "/api/v1/saved-replies/$SR"
check_status 204 "comms deletes the saved reply"
api "$TM" DELETE "/api/v1/saved-replies/$SR"
check_status 404 "…twice is 404"

# --- topics -----------------------------------------------------------------------------
api "$TA" POST /api/v1/topics -H "$CT" \
	--data "{\"name\":\"Byggesak\",\"keywords\":\"byggesak|byggesøknad|klage på vedtak\",\"people\":[$TOR,$ANNE]}"
check_status 201 "the administrator adds a topic with its people"
TP=$(js 'j["id"]')
check_eq "$(hdr Location)" "/api/v1/topics/$TP" "…with a Location"
check_eq "$(js 'j["people"]')" "$(printf '%s\n%s\n' "$TOR" "$ANNE" | sort -n | paste -sd, | sed 's/,/, /; s/^/[/; s/$/]/')" \
	"…the people, ascending"
api "$TA" PUT "/api/v1/topics/$TP" -H "$CT" --data '{"name":"Byggesak og plan","keywords":"byggesak|reguleringsplan"}'
check_status 200 "the administrator renames it"
check_eq "$(js '[j["name"], len(j["people"])]')" '["Byggesak og plan", 2]' "…people left out stay"
api "$TA" PUT "/api/v1/topics/$TP" -H "$CT" --data "{\"name\":\"Byggesak og plan\",\"keywords\":\"byggesak\",\"people\":[$SIRI]}"
check_eq "$(js 'j["people"]')" "[$SIRI]" "people given replace the competence"
api "$TA" PUT "/api/v1/topics/$TP" -H "$CT" --data '{"name":"Nytt navn","keywords":"byggesak","people":[999999]}'
check_status 422 "an unknown person answers 422"
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["people"]' "…naming people"
check_eq "$(kv_sql "SELECT name FROM topics WHERE id = $TP")" "Byggesak og plan" \
	"…and nothing of the change is saved (one transaction)"
api "$TA" POST /api/v1/topics -H "$CT" --data '{"name":"Halvveis","keywords":"halv","people":[999999]}'
check_status 422 "a new topic with an unknown person answers 422"
check_eq "$(kv_sql "SELECT COUNT(*) FROM topics WHERE name = 'Halvveis'")" 0 "…and is not created"
api "$TA" POST /api/v1/topics -H "$CT" --data '{"name":"Bibliotek","keywords":"bok"}'
check_status 409 "a taken name answers 409"
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["name"]' "…naming name"
api "$TA" POST /api/v1/topics -H "$CT" --data '{"name":"","keywords":"|  |"}'
check_status 422 "an empty name and keywords without words answer 422"
check_eq "$(js 'sorted(e["field"] for e in j["errors"])')" '["keywords", "name"]' "…naming both"
api "$TA" POST /api/v1/topics -H "$CT" --data '{"name":"x","keywords":"y","people":"all"}'
check_status 422 "people that is no list answers 422"
api "$TM" POST /api/v1/topics -H "$CT" --data '{"name":"Comms","keywords":"x"}'
check_status 403 "comms may not add topics"
api "$TM" PUT "/api/v1/topics/$TP" -H "$CT" --data '{"name":"x","keywords":"y"}'
check_status 403 "…nor change them"
api "$TS" DELETE "/api/v1/topics/$TP"
check_status 403 "…a channel editor may not delete them"
api "$TA" PUT "/api/v1/topics/$TP2" -H "$CT" --data '{"name":"x","keywords":"y"}'
check_status 404 "another organisation's topic is 404 on PUT"
api "$TA" DELETE "/api/v1/topics/$TP2"
check_status 404 "…and on DELETE"
api "$TA" DELETE "/api/v1/topics/$TP"
check_status 204 "the administrator deletes the topic"
check_eq "$(kv_sql "SELECT COUNT(*) FROM person_topics WHERE topic_id = $TP")" 0 "…and its competence"

# --- the policy -------------------------------------------------------------------------
api "$TA" PUT /api/v1/inbox/policy -H "$CT" --data "{\"mode\":\"24h\",\"close_hour\":15,\"comms_unit_id\":$STAB}"
check_status 200 "the administrator sets the policy"
check_eq "$(js '[j["mode"], j["open_hour"], j["close_hour"], j["days_off"], j["comms_unit_id"]]')" \
	"[\"24h\", 8, 15, \"next_business_day\", $STAB]" "…fields left out keep their value"
api "$TM" PUT /api/v1/inbox/policy -H "$CT" --data '{"mode":"same_day"}'
check_status 403 "comms may not set the policy"
api "$TA" PUT /api/v1/inbox/policy -H "$CT" --data '{"mode":"asap","open_hour":17,"close_hour":9,"days_off":"never","escalate_after_min":-5}'
check_status 422 "a bad policy answers 422"
check_eq "$(js 'sorted(e["field"] for e in j["errors"])')" '["close_hour", "days_off", "escalate_after_min", "mode"]' \
	"…naming each bad field"
api "$TA" PUT /api/v1/inbox/policy -H "$CT" --data '{"open_hour":4294967304}'
check_status 422 "an hour that would wrap answers 422"
api "$TA" PUT /api/v1/inbox/policy -H "$CT" --data "{\"comms_unit_id\":$U2}"
check_status 422 "another organisation's unit answers 422"
api "$TA" GET /api/v1/inbox/policy
check_eq "$(js '[j["mode"], j["close_hour"]]')" '["24h", 15]' "…nothing changed by the refused ones"

# --- the reply rule -------------------------------------------------------------------
api "$TT" PUT "/api/v1/channels/$BLOG/reply-rule" -H "$CT" --data '{"signature":"first_name"}'
check_status 200 "the library's editor sets the blog's rule"
check_eq "$(js '[j["signature"], j["example"]]')" '["first_name", "– Tor"]' "…with the example line"
api "$TT" PUT "/api/v1/channels/$XCH/reply-rule" -H "$CT" --data '{"signature":"none"}'
check_status '403|404' "…but not @meldalkommune's"
api "$TS" GET "/api/v1/channels/$XCH/reply-rule"
check_status 200 "anyone who may see the channel reads its rule"
api "$TS" PUT "/api/v1/channels/$XCH/reply-rule" -H "$CT" --data '{"signature":"none"}'
check_status 403 "…another unit's editor may not set it"
api "$TA" PUT "/api/v1/channels/$XCH/reply-rule" -H "$CT" --data '{"signature":"kari"}'
check_status 422 "an unknown signature answers 422"
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["signature"]' "…naming signature"
api "$TA" GET "/api/v1/channels/$CH2/reply-rule"
check_status 404 "another organisation's channel is 404"
api "$TA" PUT "/api/v1/channels/$CH2/reply-rule" -H "$CT" --data '{"signature":"none"}'
check_status 404 "…also on PUT"
check_eq "$(kv_sql "SELECT COUNT(*) FROM channel_reply_rules WHERE channel_id = $CH2")" 0 "…which changed nothing"

# --- /admin/inbox -----------------------------------------------------------------------
J=$T_DIR/admin
M=$T_DIR/anne
S=$T_DIR/siri
kv_login "$KV_ADMIN_EMAIL" "$KV_PW" "$J" || fail "the admin logs in" "$(ctx)"
kv_login "anne.lise.fossum@$D" "$KV_PW" "$M" || fail "the adviser logs in" "$(ctx)"
kv_login "siri.bakken@$D" "$KV_PW" "$S" || fail "siri logs in" "$(ctx)"
req GET "$KV_URL/admin/inbox?lang=en" -b "$J"
check_status 200 "GET /admin/inbox"
check_match "$(body)" 'action="/admin/inbox/policy"' "the administrator gets the policy form"
check_match "$(body)" 'action="/admin/inbox/replies"' "…the saved reply form"
check_match "$(body)" 'action="/admin/inbox/topics"' "…and the topic form"
check_match "$(body)" 'Same day: due at the close of business hours' "…the modes explained in words"
check_match "$(body)" "id=\"f-tp-people-$TOR\" name=\"people\" value=\"$TOR\"" "…people as checkboxes"
req GET "$KV_URL/admin/inbox?lang=en" -b "$M"
check_match "$(body)" 'action="/admin/inbox/replies"' "comms gets the saved reply form"
check_nomatch "$(body)" 'action="/admin/inbox/(policy|topics)"' "…but no policy or topic form"
check_match "$(body)" 'Only administrators change the answer times' "…and is told why"
req GET "$KV_URL/admin/inbox?lang=en" -b "$S"
check_status 200 "a channel editor reads /admin/inbox"
check_nomatch "$(body)" 'action="/admin/inbox/' "…with no forms"
check_match "$(body)" 'Tor Einar Moe' "…and sees who has the competence"
req GET "$KV_URL/inbox?lang=en" -b "$S"
check_match "$(body)" 'href="/admin/inbox"' "/inbox links the settings"
req GET "$KV_URL/admin/triage?lang=en" -b "$S"
check_match "$(body)" 'href="/admin/inbox"' "/admin/triage links the settings"
req GET "$KV_URL/admin/inbox?edit_reply=$SR2&lang=en" -b "$M"
check_status 404 "editing another organisation's saved reply is 404"

for p in admin/inbox/policy admin/inbox/replies "admin/inbox/replies/1" admin/inbox/replies/1/delete \
	admin/inbox/topics admin/inbox/topics/1 admin/inbox/topics/1/delete "channels/$XCH/reply-rule"; do
	req POST "$KV_URL/$p" -b "$J" --data 'x=1'
	check_status 403 "POST /$p without CSRF is refused"
done

kv_form_post "$J" /admin/inbox/policy mode=same_day open_hour=7 close_hour=15 days_off=watch \
	escalate_after_min=60 comms_unit_id=
check_status 303 "the policy form saves"
check_eq "$(kv_sql "SELECT mode || ' ' || open_hour || ' ' || close_hour || ' ' || days_off || ' ' || escalate_after_min || ' ' || COALESCE(comms_unit_id, 0) FROM inbox_policies")" \
	'same_day 7 15 watch 60 0' "…every field"
kv_form_post "$J" '/admin/inbox/policy?lang=en' mode=same_day open_hour=15 close_hour=9 days_off=watch escalate_after_min=60
check_status 422 "business hours that end before they begin answer 422"
check_match "$(body)" 'id="e-po-close_hour"' "…with the error beside the hour"
check_match "$(body)" 'href="#f-po-close_hour">Business hours end: ' "…and the summary linking it by its label"
check_match "$(body)" '<option value="15" selected>15:00' "…what was chosen kept"
kv_form_post "$J" '/admin/inbox/policy?lang=en' mode=same_day open_hour=8 close_hour=16 days_off=watch escalate_after_min=abc
check_status 422 "minutes that are no number answer 422"
check_match "$(body)" 'id="e-po-escalate_after_min"' "…with the error beside the minutes"
kv_form_post "$M" /admin/inbox/policy mode=24h open_hour=8 close_hour=16 days_off=watch escalate_after_min=60
check_status 403 "comms may not post the policy form"

kv_form_post "$M" /admin/inbox/replies lang=nn 'title=Vegen er stengd' "body=Hei! Vegen er stengd til i morgon.
Mvh kommunen" unit_id=
check_status 303 "comms adds a saved reply through the form"
FR=$(kv_sql "SELECT id FROM saved_replies WHERE title = 'Vegen er stengd'")
check_match "$(hdr Location)" "^/admin/inbox\\?done=reply#reply-$FR\$" "…back to the page at the reply"
kv_form_post "$M" "/admin/inbox/replies/$FR?lang=en" lang=nn title= body=x
check_status 422 "a change without a title answers 422"
check_match "$(body)" 'id="e-sr-title"' "…with the error beside the title"
check_match "$(body)" 'href="#f-sr-title">Title: ' "…the summary says Title, not the role title"
check_match "$(body)" "action=\"/admin/inbox/replies/$FR\"" "…still the change form"
kv_form_post "$M" "/admin/inbox/replies/$FR" lang=nn 'title=Vegen er open' body=Opna! "unit_id=$BIBL"
check_status 303 "the change form saves"
check_eq "$(kv_sql "SELECT title || '|' || body || '|' || unit_id FROM saved_replies WHERE id = $FR")" \
	"Vegen er open|Opna!|$BIBL" "…every field"
kv_form_post "$S" /admin/inbox/replies lang=nb title=x body=y
check_status 403 "a channel editor may not post a saved reply"
kv_form_post "$M" "/admin/inbox/replies/$SR2/delete"
check_status 404 "deleting another organisation's saved reply is 404"
kv_form_post "$M" "/admin/inbox/replies/$FR/delete"
check_status 303 "the delete button deletes"
check_eq "$(kv_sql "SELECT COUNT(*) FROM saved_replies WHERE id = $FR")" 0 "…it is gone"

kv_form_post "$J" /admin/inbox/topics name=Helse 'keywords=legevakt|fastlege|helsestasjon' "people=$ANNE" "people=$TOR"
check_status 303 "the administrator adds a topic through the form"
FT=$(kv_sql "SELECT id FROM topics WHERE name = 'Helse'")
check_eq "$(kv_sql "SELECT COUNT(*) FROM person_topics WHERE topic_id = $FT")" 2 "…with the two people ticked"
kv_form_post "$J" "/admin/inbox/topics/$FT?lang=en" name=Helse 'keywords=|' people=abc
check_status 422 "a bad topic form answers 422"
check_match "$(body)" 'id="e-tp-people"' "…with the error beside the people"
kv_form_post "$J" "/admin/inbox/topics/$FT?lang=en" name=Helse 'keywords=|' "people=$ANNE"
check_status 422 "keywords without words answer 422"
check_match "$(body)" 'id="e-tp-keywords"' "…beside the keywords"
check_match "$(body)" "id=\"f-tp-people-$ANNE\" name=\"people\" value=\"$ANNE\" checked" "…the ticked person kept"
kv_form_post "$J" "/admin/inbox/topics/$FT" name=Helse 'keywords=legevakt' "people=$SIRI"
check_status 303 "the change form saves"
check_eq "$(kv_sql "SELECT person_id FROM person_topics WHERE topic_id = $FT")" "$SIRI" \
	"…the competence replaced"
kv_form_post "$M" "/admin/inbox/topics/$FT/delete"
check_status 403 "comms may not delete a topic"
kv_form_post "$J" "/admin/inbox/topics/$TP2/delete"
check_status 404 "deleting another organisation's topic is 404"
kv_form_post "$J" "/admin/inbox/topics/$FT/delete"
check_status 303 "the administrator deletes it"

# --- the channel page's signature form ---------------------------------------------------
req GET "$KV_URL/channels/$XCH?lang=en" -b "$J"
check_match "$(body)" "action=\"/channels/$XCH/reply-rule\"" "the channel page has the signature form"
check_match "$(body)" '<q class="sig">– Stab og service</q>' "…and the example line"
req GET "$KV_URL/channels/$BLOG?lang=en" -b "$S"
check_status 200 "siri reads the library blog's page"
check_nomatch "$(body)" 'reply-rule' "…without the form (she may not edit it)"
kv_form_post "$J" "/channels/$XCH/reply-rule?lang=en" signature=kari
check_status 422 "a tampered signature answers 422"
check_match "$(body)" 'id="e-sg-signature"' "…with the error beside the select"
kv_form_post "$J" "/channels/$XCH/reply-rule" signature=first_name_role
check_status 303 "the signature form saves"
check_match "$(hdr Location)" "^/channels/$XCH\\?signature=1#h-signature\$" "…back to the channel"
check_eq "$(kv_sql "SELECT signature FROM channel_reply_rules WHERE channel_id = $XCH")" first_name_role "…stored"
kv_form_post "$S" "/channels/$XCH/reply-rule" signature=none
check_status 403 "another unit's editor may not post the signature form"
kv_form_post "$J" "/channels/$CH2/reply-rule" signature=none
check_status 404 "another organisation's channel is 404"

# --- hostile text --------------------------------------------------------------------------
api "$TA" POST /api/v1/saved-replies -H "$CT" \
	--data '{"lang":"en","title":"<script>alert(1)</script>","body":"<img src=x onerror=alert(2)> \"q\" & '"'"'s'"'"'"}'
check_status 201 "a saved reply with markup in it is stored"
api "$TA" POST /api/v1/topics -H "$CT" --data '{"name":"<b>Evil</b>","keywords":"evil|<i>x</i>"}'
check_status 201 "…and a topic"
HT=$(js 'j["id"]')
req GET "$KV_URL/admin/inbox?lang=en" -b "$J"
check_nomatch "$(body)" '<script>alert|<img src=x|<b>Evil|<i>x' "/admin/inbox shows no markup from them"
check_match "$(body)" '&lt;script&gt;alert\(1\)&lt;/script&gt;' "…but the title, escaped"
check_match "$(body)" '&lt;img src=x onerror=alert\(2\)&gt; &quot;q&quot; &amp; &#39;s&#39;' "…and the text"
req GET "$KV_URL/admin/inbox?edit_topic=$HT&lang=en" -b "$J"
check_match "$(body)" 'value="&lt;b&gt;Evil&lt;/b&gt;"' "the change form has the name escaped"
check_nomatch "$(body)" '<b>Evil' "…never as markup"

kv_finish
