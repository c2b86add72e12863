#!/bin/sh
# tests/http/91_plans.sh - issue 3 from outside (POSIX sh): a channel
# carried from an employee's wish to active through the API and through the
# HTML forms, by an employee (Eva Ansatt, created here), a unit manager (Per
# Arne Hoff), the communications unit (Anne Lise Fossum) and the decision
# maker (Kari Rønning, rådmann); rejection; new versions; training and the
# expiry warnings; the printable plan and its PDF.  Every refusal (self-
# approval, no consultation, untrained responsible person, deciding what is
# not submitted, changing a submitted or decided version, wrong role) must
# answer problem+json 403/409/422 and change nothing; every step must be in
# the audit log.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
D=meldal-kommune.example
CT='Content-Type: application/json'
ADMIN=$(kv_token "$KV_ADMIN_EMAIL")
KARI=$(kv_token "kari.ronning@$D")
PER=$(kv_token "per.arne.hoff@$D")
ANNE=$(kv_token "anne.lise.fossum@$D")
INGRID=$(kv_token "ingrid.lokken@$D")
SIRI=$(kv_token "siri.bakken@$D")
MARIT=$(kv_token "marit.grindal@$D")
pid() { kv_sql "SELECT id FROM people WHERE email = '$1@$D'"; }
uid() { kv_sql "SELECT id FROM units WHERE name = '$1'"; }
TODAY=$(TZ=Europe/Oslo date +%Y-%m-%d)
KARI_ID=$(pid kari.ronning)
SIRI_ID=$(pid siri.bakken)
BERIT_ID=$(pid berit.vold)
UNGD=$(uid Ungdomsarbeid)
OPPV=$(uid Oppvekst)
COURSE=$(kv_sql "SELECT id FROM courses WHERE required_for_channel_roles = 1")

as() { # TOKEN METHOD PATH [JSON]
	as_t=$1 as_m=$2 as_p=$3
	if [ $# -ge 4 ]; then
		req "$as_m" "$KV_URL$as_p" -H "Authorization: Bearer $as_t" -H "$CT" --data-binary "$4"
	else
		req "$as_m" "$KV_URL$as_p" -H "Authorization: Bearer $as_t"
	fi
}
snapshot() {
	kv_sql "SELECT (SELECT COUNT(*) FROM plans) || '/' || (SELECT COUNT(*) FROM plan_goals)
		|| '/' || (SELECT COUNT(*) FROM plan_comments) || '/' || (SELECT COUNT(*) FROM plan_decisions)
		|| '/' || (SELECT COUNT(*) FROM audit WHERE action <> 'login') || '/' || (SELECT COUNT(*) FROM channels)
		|| '/' || (SELECT COALESCE(SUM(edits), 0) FROM plans) || '/' || (SELECT MAX(updated_at) FROM plans)
		|| '/' || (SELECT MAX(updated_at) FROM channels) || '/' || (SELECT COUNT(*) FROM training_records)
		|| '/' || (SELECT COUNT(*) FROM courses)"
}
# refused STATUS DESC TOKEN METHOD PATH [JSON]: the answer is a problem of
# that status and nothing changed
refused() {
	rf_s=$1 rf_d=$2
	shift 2
	rf_b=$(snapshot)
	as "$@"
	check_status "$rf_s" "$rf_d: $rf_s"
	check_match "$(hdr Content-Type)" '^application/problem\+json' "$rf_d: problem+json"
	check_eq "$(snapshot)" "$rf_b" "$rf_d: nothing changed"
}

# --- an employee without a role ----------------------------------------------------
as "$ADMIN" POST /api/v1/people "{\"full_name\":\"Eva Ansatt\",\"title\":\"fritidsleder\",\"unit_id\":$UNGD,\"email\":\"eva.ansatt@$D\"}"
check_status 201 "the admin adds Eva Ansatt"
EVA_ID=$(js 'j["id"]')
EVA=$(kv_token "eva.ansatt@$D")

# --- the wish, through the API ---------------------------------------------------------
refused 422 "a request with an unknown field" "$EVA" POST /api/v1/channel-requests \
	'{"platform":"instagram","name":"Fritid","address":"@fritid","status":"active"}'
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["status"]' "the problem names the unknown field"
refused 403 "a request for another unit" "$EVA" POST /api/v1/channel-requests \
	"{\"platform\":\"instagram\",\"name\":\"Fritid\",\"address\":\"@fritid\",\"unit_id\":$OPPV}"
refused 422 "a request with bad fields" "$EVA" POST /api/v1/channel-requests \
	'{"platform":"myspace","name":"","address":"a b"}'
check_eq "$(js 'sorted(e["field"] for e in j["errors"])')" '["address", "name", "platform"]' "the problem names each field"
as "$EVA" POST /api/v1/channel-requests \
	'{"platform":"instagram","name":"Fritid i Meldal","address":"https://www.instagram.com/fritidimeldal","purpose":"Bilder fra fritidsklubben.","note":"Ungdommen er der."}'
check_status 201 "createChannelRequest is 201"
PLAN=$(js 'j["id"]')
CH=$(js 'j["channel_id"]')
check_eq "$(hdr Location)" "/api/v1/plans/$PLAN" "with the plan's Location"
check_eq "$(js '[j["status"], j["version"], j["requested_by"], j["unit_id"], j["channel"]["status"], j["request_note"]]')" \
	"[\"draft\", 1, $EVA_ID, $UNGD, \"requested\", \"Ungdommen er der.\"]" \
	"a draft plan for a requested channel of her own unit"
as "$EVA" GET "/api/v1/plans/$PLAN"
check_status 200 "getPlan: Eva sees her plan"
as "$MARIT" GET "/api/v1/plans/$PLAN"
check_status 404 "getPlan: someone of another unit does not"
refused 403 "Eva changes the plan" "$EVA" PATCH "/api/v1/plans/$PLAN" '{"purpose":"x"}'
refused 403 "Eva submits the plan" "$EVA" POST "/api/v1/plans/$PLAN/submit"

# --- the unit manager writes the plan -------------------------------------------------
GOALS='[{"text":"Flere følgere","metric":"followers","target":300,"period":"year"},{"text":"Ungdommen kjenner seg igjen"}]'
refused 422 "a goal with a metric but no target" "$PER" PATCH "/api/v1/plans/$PLAN" \
	'{"goals":[{"metric":"followers","period":"year"}]}'
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["goals[0].target"]' "the problem names the goal's field"
refused 422 "a goal with an unknown field" "$PER" PATCH "/api/v1/plans/$PLAN" \
	'{"goals":[{"text":"x","weight":2}]}'
PLANBODY="{\"deciding_manager_id\":$KARI_ID,\"medium\":\"Instagram: @fritidimeldal\",\"purpose\":\"Ungdommen er på Instagram.\",
 \"goals\":$GOALS,\"activities\":\"Bilder og korte videoer.\",\"responsible_id\":$EVA_ID,\"other_ids\":[$SIRI_ID],
 \"supervision\":\"Eva; i ferier Siri.\",\"update_count\":3,\"update_period\":\"week\",\"work_hours\":3,\"work_period\":\"week\",
 \"snapshot_person_id\":$BERIT_ID}"
as "$PER" PATCH "/api/v1/plans/$PLAN" "$PLANBODY"
check_status 200 "updatePlan by the unit manager is 200"
check_eq "$(js '[(g["metric"], g["target"], g["period"]) for g in j["goals"]]')" \
	'[["followers", 300, "year"], ["", null, ""]]' "the goals are stored: measurable, then qualitative"
check_eq "$(js '[j["responsible_id"], j["other_ids"], j["work_hours"], j["deciding_manager_name"]]')" \
	"[$EVA_ID, [$SIRI_ID], 3, \"Kari Rønning\"]" "and the other template fields"
refused 422 "submitPlan with an untrained responsible person" "$PER" POST "/api/v1/plans/$PLAN/submit"
check_eq "$(js '[(e["field"], e["reason"]) for e in j["errors"]]')" \
	'[["responsible_id", "has not completed the required training"]]' "the problem says who lacks the training"

# --- training ---------------------------------------------------------------------------------
as "$EVA" GET /api/v1/courses
check_status 200 "listCourses is 200"
check_eq "$(js '[(c["name"], c["required_for_channel_roles"], c["validity_months"]) for c in j["items"] if c["id"] == '"$COURSE"']')" \
	'[["Grunnkurs i sosiale medier og jus", true, 24]]' "the required course of the demo"
refused 403 "createCourse by a unit manager" "$PER" POST /api/v1/courses '{"name":"Nytt kurs"}'
refused 409 "createCourse with a taken name" "$ANNE" POST /api/v1/courses '{"name":"Grunnkurs i sosiale medier og jus"}'
refused 422 "createCourse with bad fields" "$ANNE" POST /api/v1/courses '{"name":"","validity_months":500,"required_for_channel_roles":"ja"}'
as "$ANNE" POST /api/v1/courses '{"name":"Bildebruk og opphavsrett","validity_months":0,"required_for_channel_roles":false}'
check_status 201 "createCourse by the communications unit is 201"
check_match "$(hdr Location)" '^/api/v1/courses/[0-9]+$' "with a Location"
refused 403 "recordTraining by a channel editor" "$SIRI" POST /api/v1/training \
	"{\"person_id\":$EVA_ID,\"course_id\":$COURSE,\"completed_on\":\"$TODAY\"}"
refused 422 "recordTraining in the future" "$ANNE" POST /api/v1/training \
	"{\"person_id\":$EVA_ID,\"course_id\":$COURSE,\"completed_on\":\"2999-01-01\"}"
as "$ANNE" POST /api/v1/training "{\"person_id\":$EVA_ID,\"course_id\":$COURSE,\"completed_on\":\"$TODAY\"}"
check_status 201 "recordTraining is 201"
check_eq "$(js '[j["person_id"], j["completed_on"], j["valid"], j["expires_on"] > j["completed_on"]]')" \
	"[$EVA_ID, \"$TODAY\", true, true]" "valid, with an expiry from the course"
TR=$(js 'j["id"]')
as "$EVA" GET "/api/v1/training/$TR"
check_status 200 "Eva sees her completion"
as "$MARIT" GET "/api/v1/training/$TR"
check_status 404 "Marit does not"
as "$SIRI" GET /api/v1/training/expiring
check_status 200 "the expiring training is 200"
check_eq "$(js '[(a["person_id"], a["expired"]) for a in j["items"]]')" "[[$SIRI_ID, false]]" \
	"Siri is warned of her own training"
as "$PER" GET /api/v1/training/expiring
check_eq "$(js '[(a["person_id"], a["manager_ids"]) for a in j["items"]]')" "[[$SIRI_ID, [$(pid per.arne.hoff)]]]" \
	"and her manager of hers"
as "$MARIT" GET /api/v1/training/expiring
check_eq "$(js 'j["items"]')" '[]' "someone else is not"
as "$PER" GET "/api/v1/training/expiring?days=abc"
check_status 400 "?days=abc is 400"

# --- submit, consult, decide ------------------------------------------------------------------
as "$PER" POST "/api/v1/plans/$PLAN/submit"
check_status 200 "submitPlan is 200"
check_eq "$(js '[j["status"], j["consulted"]]')" '["submitted", false]' "submitted, not yet consulted"
refused 409 "updatePlan of a submitted version" "$PER" PATCH "/api/v1/plans/$PLAN" '{"purpose":"Endret"}'
refused 409 "decidePlan before the consultation" "$KARI" POST "/api/v1/plans/$PLAN/decision" \
	'{"decision":"approve","place":"Meldal"}'
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["comments"]' "the problem points at the missing consultation"
as "$EVA" POST "/api/v1/plans/$PLAN/comments" '{"text":"Jeg har tatt kurset."}'
check_status 201 "the requester may comment"
check_eq "$(js 'j["consultation"]')" false "but that is no consultation"
refused 422 "an empty comment" "$ANNE" POST "/api/v1/plans/$PLAN/comments" '{"text":"  "}'
as "$ANNE" POST "/api/v1/plans/$PLAN/comments" '{"text":"Kommunikasjonsenheten anbefaler planen."}'
check_status 201 "commentPlan by the communications unit is 201"
check_eq "$(js '[j["consultation"], j["author_name"]]')" '[true, "Anne Lise Fossum"]' "it is the consultation"
refused 403 "decidePlan by the unit manager" "$PER" POST "/api/v1/plans/$PLAN/decision" \
	'{"decision":"approve","place":"Meldal"}'
refused 403 "decidePlan by the administrator" "$ADMIN" POST "/api/v1/plans/$PLAN/decision" \
	'{"decision":"approve","place":"Meldal"}'
refused 422 "decidePlan with a bad decision and no place" "$KARI" POST "/api/v1/plans/$PLAN/decision" \
	'{"decision":"maybe"}'
check_eq "$(js 'sorted(e["field"] for e in j["errors"])')" '["decision", "place"]' "the problem names both"
refused 422 "decidePlan with an unknown field" "$KARI" POST "/api/v1/plans/$PLAN/decision" \
	'{"decision":"approve","place":"Meldal","date":"2020-01-01"}'
as "$KARI" GET "/api/v1/plans?awaiting=1"
check_eq "$(js '[p["id"] for p in j["items"]]')" "[$PLAN]" "listPlans?awaiting=1: the plan awaits the rådmann"
as "$KARI" POST "/api/v1/plans/$PLAN/decision" '{"decision":"approve","place":"Meldal","note":"Lykke til."}'
check_status 200 "decidePlan (approve) is 200"
check_eq "$(js '[j["status"], j["decision"]["decision"], j["decision"]["place"], j["decision"]["signer_id"], j["decision"]["signer_name"], j["decision"]["decided_on"], j["decision"]["signature_valid"]]')" \
	"[\"approved\", \"approve\", \"Meldal\", $KARI_ID, \"Kari Rønning\", \"$TODAY\", true]" "approved, signed by the rådmann"
check_match "$(js 'j["decision"]["signature"]')" '^[0-9a-f]{64}$' "the signature is a SHA-256"
as "$ADMIN" GET "/api/v1/channels/$CH"
check_eq "$(js '[j["status"], j["opened_on"], j["responsible_id"], j["editor_ids"], j["update_count"]]')" \
	"[\"active\", \"$TODAY\", $EVA_ID, [$SIRI_ID], 3]" "the channel is active with the plan's people"
req GET "$KV_URL/api/v1/public/channels"
check_eq "$(js '"Fritid i Meldal" in [c["name"] for c in j["items"]]')" true "and in the public register"
refused 409 "decidePlan of a decided plan" "$KARI" POST "/api/v1/plans/$PLAN/decision" '{"decision":"reject","place":"Meldal"}'
refused 409 "updatePlan of an approved version" "$PER" PATCH "/api/v1/plans/$PLAN" '{"purpose":"Endret"}'
refused 409 "commentPlan on a decided plan" "$ANNE" POST "/api/v1/plans/$PLAN/comments" '{"text":"Sent"}'

# --- every step is in the audit log ----------------------------------------------------------
as "$ADMIN" GET "/api/v1/audit?object_type=plan&object_id=$PLAN"
check_eq "$(js '[e["action"] for e in j["items"]]')" \
	'["approve", "comment", "comment", "submit", "update", "request"]' "the plan's audit, newest first"
check_eq "$(js '[e["actor_id"] for e in j["items"]]')" \
	"[$KARI_ID, $(pid anne.lise.fossum), $EVA_ID, $(pid per.arne.hoff), $(pid per.arne.hoff), $EVA_ID]" "by whom"
as "$ADMIN" GET "/api/v1/audit?object_type=channel&object_id=$CH"
check_eq "$(js '[e["action"] for e in j["items"]]')" '["activate", "request"]' "the channel's audit"
kv_cli audit verify >/dev/null
check_eq "$?" 0 "the audit chain is intact"

# --- a change of an active plan goes through the same decision --------------------------------
refused 409 "a second version of a draft" "$PER" POST "/api/v1/plans/$(kv_sql "SELECT p.id FROM plans p JOIN channels c ON c.id = p.channel_id WHERE c.name = 'Ungdom i Meldal'")/revisions"
as "$PER" POST "/api/v1/plans/$PLAN/revisions"
check_status 201 "revisePlan is 201"
V2=$(js 'j["id"]')
check_eq "$(js '[j["version"], j["status"], [v["status"] for v in j["versions"]]]')" \
	'[2, "draft", ["draft", "approved"]]' "version 2 is a draft; version 1 stays approved"
refused 409 "revisePlan of a version with a newer one" "$PER" POST "/api/v1/plans/$PLAN/revisions"
as "$PER" PATCH "/api/v1/plans/$V2" '{"update_count":5}'
as "$PER" POST "/api/v1/plans/$V2/submit"
check_status 200 "version 2 is submitted"
as "$PER" POST "/api/v1/plans/$V2/withdraw"
check_eq "$H_STATUS $(js 'j["status"]')" "200 draft" "withdrawPlan takes it back to draft"
refused 409 "withdrawPlan of a draft" "$PER" POST "/api/v1/plans/$V2/withdraw"
as "$PER" POST "/api/v1/plans/$V2/submit"
as "$INGRID" POST "/api/v1/plans/$V2/comments" '{"text":"OK."}'
as "$KARI" POST "/api/v1/plans/$V2/decision" '{"decision":"approve","place":"Meldal"}'
check_status 200 "version 2 is approved"
as "$KARI" GET "/api/v1/plans/$PLAN"
check_eq "$(js '[j["status"], j["decision"]["signature_valid"]]')" '["superseded", true]' "version 1 is superseded, its signature intact"
as "$ADMIN" GET "/api/v1/channels/$CH"
check_eq "$(js '[j["status"], j["opened_on"], j["update_count"]]')" "[\"active\", \"$TODAY\", 5]" "the channel follows version 2"

# --- self-approval and rejection -----------------------------------------------------------------
as "$KARI" POST /api/v1/channel-requests '{"platform":"linkedin","name":"Meldal på LinkedIn","address":"https://www.linkedin.com/company/meldal"}'
check_status 201 "the rådmann asks for a channel herself"
SELF=$(js 'j["id"]')
as "$ANNE" PATCH "/api/v1/plans/$SELF" "$PLANBODY"
check_status 200 "the communications unit writes the plan"
as "$ANNE" POST "/api/v1/plans/$SELF/submit"
as "$INGRID" POST "/api/v1/plans/$SELF/comments" '{"text":"OK."}'
refused 409 "decidePlan of one's own request (self-approval)" "$KARI" POST "/api/v1/plans/$SELF/decision" \
	'{"decision":"approve","place":"Meldal"}'
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["decision"]' "the problem is about the decision"
as "$ADMIN" POST "/api/v1/people/$(pid ingrid.lokken)/roles" '{"role":"decision_maker"}'
check_status 201 "Ingrid becomes a decision maker too"
as "$INGRID" POST "/api/v1/plans/$SELF/decision" '{"decision":"reject","place":"Meldal","note":"Ikke nå."}'
check_status 200 "decidePlan (reject) by another decision maker is 200"
check_eq "$(js '[j["status"], j["channel"]["status"], len(j["comments"])]')" '["rejected", "requested", 1]' \
	"rejected: the channel stays requested, the history stays"
as "$ANNE" POST "/api/v1/plans/$SELF/revisions"
check_status 201 "a rejected plan can be revised"
SELF2=$(js 'j["id"]')
as "$ANNE" POST "/api/v1/plans/$SELF2/submit"
as "$ANNE" POST "/api/v1/plans/$SELF2/comments" '{"text":"Jeg skrev den selv."}'
check_eq "$(js 'j["consultation"]')" false "a comms person who wrote the version is no consultation"

# --- start a plan for a registered channel -----------------------------------------------------
as "$PER" POST /api/v1/channels "{\"platform\":\"flickr\",\"name\":\"Kultur på Flickr\",\"address\":\"https://www.flickr.com/kultur\",\"unit_id\":$UNGD}"
FL=$(js 'j["id"]')
refused 403 "createPlan by a channel editor" "$SIRI" POST "/api/v1/channels/$FL/plans"
as "$PER" POST "/api/v1/channels/$FL/plans" "{\"requested_by\":$EVA_ID}"
check_status 201 "createPlan for a registered channel is 201"
check_eq "$(js '[j["status"], j["requested_by"], j["channel_id"]]')" "[\"draft\", $EVA_ID, $FL]" "a draft, with who asked"
refused 409 "createPlan for a channel that has one" "$PER" POST "/api/v1/channels/$FL/plans"

# --- the printable plan and the PDF --------------------------------------------------------------
as "$KARI" GET "/api/v1/plans/$PLAN/pdf"
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
	check_status 200 "getPlanPdf is 200 with Chromium present"
	check_match "$(hdr Content-Type)" '^application/pdf' "as application/pdf"
	check_eq "$(head -c 4 "$H_BODY")" "%PDF" "a PDF document"
else
	check_status 404 "getPlanPdf is 404 without Chromium"
fi
as "$MARIT" GET "/api/v1/plans/$PLAN/pdf"
check_status 404 "getPlanPdf of a plan one cannot see is 404"

# --- the same story in the browser's forms ---------------------------------------------------------
as "$ADMIN" GET "/api/v1/people/$EVA_ID"
kv_login "$KV_ADMIN_EMAIL" "$KV_PW" "$T_DIR/admin" || fail "the admin logs in" "$(ctx)"
kv_form_post "$T_DIR/admin" "/people/$EVA_ID/password" "password=$KV_PW"
check_status 303 "Eva gets a password"
kv_login "eva.ansatt@$D" "$KV_PW" "$T_DIR/eva" || fail "Eva logs in" "$(ctx)"
kv_login "per.arne.hoff@$D" "$KV_PW" "$T_DIR/per" || fail "Per Arne logs in" "$(ctx)"
kv_login "anne.lise.fossum@$D" "$KV_PW" "$T_DIR/anne" || fail "Anne Lise logs in" "$(ctx)"
kv_login "kari.ronning@$D" "$KV_PW" "$T_DIR/kari" || fail "Kari logs in" "$(ctx)"

req GET "$KV_URL/plans/new" -b "$T_DIR/eva"
check_status 200 "GET /plans/new is 200 for an employee"
check_match "$(body)" "<option value=\"$UNGD\" selected" "her own unit is chosen"
B=$(snapshot)
kv_form_post "$T_DIR/eva" /plans platform=youtube "name=" 'address=a <b>' "unit_id=$UNGD" 'note=Typed <i>note</i>'
check_status 422 "a bad request form is 422"
check_match "$(body)" 'class="error-summary"' "with an error summary"
check_match "$(body)" 'id="e-name"' "and the error at the name"
check_match "$(body)" 'Typed &lt;i&gt;note&lt;/i&gt;' "what was typed is kept, escaped"
check_eq "$(snapshot)" "$B" "and nothing was written"
kv_form_post "$T_DIR/eva" /plans platform=youtube "name=Fritid på YouTube" \
	address=https://www.youtube.com/@fritid "unit_id=$UNGD" "purpose=Videoer." "note=Vi filmer mye."
check_status 303 "a good request form is 303"
check_match "$(hdr Location)" '^/plans/[0-9]+\?done=requested$' "to the new plan"
HP=$(hdr Location | sed 's|^/plans/\([0-9]*\).*|\1|')
req GET "$KV_URL/plans/$HP?done=requested" -b "$T_DIR/eva"
check_match "$(body)" 'role="status"' "which says the request was sent"
check_nomatch "$(body)" "action=\"/plans/$HP/submit\"" "Eva has no submit button"

req GET "$KV_URL/plans" -b "$T_DIR/per"
check_match "$(body)" "href=\"/plans/$HP\"" "the unit manager's list has the request"
req GET "$KV_URL/plans/$HP/edit" -b "$T_DIR/per"
check_status 200 "the unit manager gets the editor"
for f in deciding_manager_id medium purpose goal_text goal_metric goal_target goal_period activities responsible_id \
	other_ids supervision update_count update_period work_hours work_period snapshot_person_id request_note; do
	check_match "$(body)" "name=\"$f\"" "the editor has the field $f"
done
req GET "$KV_URL/plans/$HP/edit" -b "$T_DIR/eva"
check_status 403 "Eva does not"
B=$(snapshot)
kv_form_post "$T_DIR/per" "/plans/$HP" "deciding_manager_id=$KARI_ID" "medium=YouTube" "purpose=Videoer." \
	goal_text=Seere goal_metric=views goal_target=many goal_period=month \
	goal_text= goal_metric= goal_target= goal_period= update_count=x work_hours=2
check_status 422 "an editor form with a bad target is 422"
check_match "$(body)" 'id="e-goals-0-target"' "the error is at the goal's target"
check_match "$(body)" 'value="many"' "the typed target is kept"
check_match "$(body)" 'id="e-update_count"' "and at the update count"
check_eq "$(snapshot)" "$B" "and nothing was written"
kv_form_post "$T_DIR/per" "/plans/$HP" "deciding_manager_id=$KARI_ID" "medium=YouTube: @fritid" "purpose=Videoer." \
	goal_text=Seere goal_metric=views goal_target=500 goal_period=month \
	"goal_text=Ungdom lager egne filmer" goal_metric= goal_target= goal_period= \
	"activities=Filmer fra klubben." "responsible_id=$SIRI_ID" "supervision=Siri; i ferier Per Arne." \
	update_count=1 update_period=week work_hours=2 work_period=week "snapshot_person_id=$BERIT_ID" \
	"request_note=Vi filmer mye."
check_status 303 "a good editor form is 303"
as "$PER" GET "/api/v1/plans/$HP"
check_eq "$(js '[(g["text"], g["metric"], g["target"], g["period"]) for g in j["goals"]]')" \
	'[["Seere", "views", 500, "month"], ["Ungdom lager egne filmer", "", null, ""]]' "the goals from the form are stored"
kv_form_post "$T_DIR/per" "/plans/$HP/submit"
check_status 303 "submitting from the page is 303"
kv_form_post "$T_DIR/per" "/plans/$HP" "purpose=Endret"
check_status 409 "changing the submitted plan from a form is 409"
req GET "$KV_URL/plans/$HP?lang=en" -b "$T_DIR/kari"
check_match "$(body)" 'once the communications unit has commented' "the rådmann is told a consultation is missing"
check_nomatch "$(body)" "action=\"/plans/$HP/decision\"" "and has no decision form yet"
kv_form_post "$T_DIR/anne" "/plans/$HP/comments" "text=Anbefales."
check_status 303 "the communications unit comments from the page"
kv_form_post "$T_DIR/per" "/plans/$HP/decision" decision=approve place=Meldal
check_status 403 "the unit manager's decision form is 403"
req GET "$KV_URL/plans/$HP" -b "$T_DIR/kari"
check_match "$(body)" "action=\"/plans/$HP/decision\"" "now the rådmann has the decision form"
B=$(snapshot)
kv_form_post "$T_DIR/kari" "/plans/$HP/decision" decision=approve place= 'note=Typed <b>note</b>'
check_status 422 "a decision without a place is 422"
check_match "$(body)" 'id="e-place"' "the error is at the place"
check_match "$(body)" 'Typed &lt;b&gt;note&lt;/b&gt;' "the typed note is kept, escaped"
check_eq "$(snapshot)" "$B" "and nothing was written"
kv_form_post "$T_DIR/kari" "/plans/$HP/decision" decision=approve place=Meldal
check_status 303 "signing the decision is 303"
req GET "$KV_URL/plans/$HP?done=approved&lang=en" -b "$T_DIR/eva"
check_match "$(body)" 'The signature matches this version of the plan' "the plan shows the signature holds"
check_match "$(body)" 'Kari Rønning' "and who signed"
as "$ADMIN" GET "/api/v1/channels/$(kv_sql "SELECT channel_id FROM plans WHERE id = $HP")"
check_eq "$(js 'j["status"]')" active "the channel is active"
req GET "$KV_URL/plans/$HP/print?lang=en" -b "$T_DIR/eva"
check_status 200 "the printable plan is 200"
for t in 'Deciding manager' 'Social medium' 'Purpose: why this medium' 'Goals, preferably measurable' \
	'Planned activities' 'Responsible person' 'Other persons' 'Continuous supervision' \
	'How often it is updated' 'Working time set aside' 'Half-yearly screenshots by' 'Place' 'Date' \
	'Signature of the deciding manager'; do
	check_match "$(body)" "$t" "the printable plan has: $t"
done

# the rådmann's own request, through the form
kv_form_post "$T_DIR/kari" "/plans/$SELF2/decision?lang=en" decision=approve place=Meldal
check_status 409 "self-approval from the form is 409"
check_match "$(body)" 'nobody decides a plan they requested, wrote or submitted' "with the reason"

# training forms
kv_form_post "$T_DIR/anne" /training/courses "name=Grunnkurs i sosiale medier og jus" validity_months=24
check_status 409 "a course form with a taken name is 409"
kv_form_post "$T_DIR/anne" /training/records "person_id=$EVA_ID" "course_id=$COURSE" completed_on=bad
check_status 422 "a completion form with a bad date is 422"
check_match "$(body)" 'id="e-completed_on"' "with the error at the date"
kv_form_post "$T_DIR/per" /training/records "person_id=$SIRI_ID" "course_id=$COURSE" "completed_on=$TODAY"
check_status 303 "the unit manager records his employee's completion"
req GET "$KV_URL/training" -b "$T_DIR/per"
check_nomatch "$(body)" 'runs out on' "Siri's renewed training no longer runs out"
kv_form_post "$T_DIR/eva" /training/records "person_id=$EVA_ID" "course_id=$COURSE" "completed_on=$TODAY"
check_status 403 "an employee cannot record training"
req POST "$KV_URL/plans/$HP/comments" -b "$T_DIR/anne" --data "text=x"
check_status 403 "a form without its CSRF token is 403"

kv_finish
