#!/bin/sh
# tests/http/94_triage_cli.sh - `kanalvakt triage` end to end (POSIX sh;
# issue 5): JSON lines in, one JSON line out per input with exactly the
# keys lang, classes, abuse_ground, personal_data, explain, needs_answer,
# hard; classes and grounds from the built-in rules on nb, nn, sv, da and
# en comments; a bad line (not JSON, not an object, no text, a bad lang,
# longer than 1 MiB) answers {"error", "line"} and the run goes on, exit
# status 1 at the end; --rules FILE adds an administrator's rules and a
# bad one is refused with its field; --lang sets the language of lines
# without one.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
# most checks run the rules alone (--no-model), so they test the rules
# and the contract, not the classifier; one run uses the shipped model
tri() { "$KV_BIN" triage --no-model "$@" 2>>"$KV_CLI_LOG"; }

cat >"$T_DIR/in.jsonl" <<'IN'
{"text": "Hei! Når åpner svømmehallen igjen etter ferien?", "lang": "nb"}
{"text": "Jeg vet hvor du bor, Hansen. Du skal få svi for dette", "lang": "nb"}
{"text": "Eg er ikkje nøgd, har venta i tre veker på svar frå kommunen", "lang": "nn"}
not json at all
{"text": "Jag vill överklaga beslutet om bygglov", "lang": "sv"}
["text"]
{"text": 42}
{"text": "Invandrare är råttor", "lang": 7}

{"text": "Mange tak for en fantastisk dag på biblioteket!", "lang": "da"}
{"text": "Make money from home with crypto!!! Click here https://bit.ly/abc", "lang": "en"}
{"text": "Bussen går fra torget klokka åtte.", "lang": "nb"}
{"text": "Det stemmer ikke, dere skriver feil dato"}
{"text": null}
IN
tri --lang nb <"$T_DIR/in.jsonl" >"$T_DIR/out.jsonl"
check_eq "$?" 1 "a run with bad lines exits 1"
check_eq "$(wc -l <"$T_DIR/out.jsonl" | tr -d ' ')" 13 \
	"one line out per input line (the blank line is not input)"
res=$("$T_PY" - "$T_DIR/out.jsonl" <<'PY'
import json, sys
keys = ["lang", "classes", "abuse_ground", "personal_data", "explain",
        "needs_answer", "hard"]
lines = [json.loads(l) for l in open(sys.argv[1])]
def show(i, o):
    if "error" in o:
        return "%d error %s line %s" % (i, o["error"], o["line"])
    bad = "" if list(o) == keys else " KEYS:%s" % list(o)
    for e in o["explain"]:
        if set(e) - {"source", "class", "rule", "what", "weight", "start",
                     "end"} or e["source"] not in ("rule", "model", "pdata",
                                                   "lang"):
            bad += " EXPLAIN:%r" % e
    return "%d %s %s %s answer=%s hard=%s%s" % (
        i, o["lang"], ",".join(o["classes"]), o["abuse_ground"],
        int(o["needs_answer"]), int(o["hard"]), bad)
for i, o in enumerate(lines, 1):
    print(show(i, o))
PY
)
line() { printf '%s\n' "$res" | sed -n "${1}p"; }
check_match "$(line 1)" "^1 nb question None answer=1 hard=0$" "nb question: answered"
check_match "$(line 2)" "^2 nb abuse threat answer=0 hard=1$" "nb threat: not answered, hard"
check_match "$(line 3)" "^3 nn complaint None answer=1" "nn complaint"
check_eq "$(line 4)" "4 error not JSON line 4" "a line that is not JSON: an error line with its number"
check_match "$(line 5)" "^5 sv case_request None" "sv appeal: a case request"
check_eq "$(line 6)" "6 error not a JSON object line 6" "a JSON array: an error line"
check_eq "$(line 7)" "7 error text: a string is required line 7" "text not a string: an error line"
check_eq "$(line 8)" "8 error lang: must be a string or null line 8" "lang not a string: an error line"
check_match "$(line 9)" "^9 da praise None answer=0 hard=0$" "da praise"
check_match "$(line 10)" "^10 en abuse spam answer=0" "en spam"
check_match "$(line 11)" "^11 nb other None answer=0 hard=0$" "neutral nb: other only"
check_match "$(line 12)" "^12 nb factual_error None answer=1 hard=1$" \
	"no lang in the line: --lang nb; a factual error is hard"
check_eq "$(line 13)" "13 error text: a string is required line 14" \
	"an error line after a blank line names the input line (blank lines count)"
check_nomatch "$res" "KEYS|EXPLAIN" "every result line has exactly the contract's keys and explain entries"

# with the shipped model: the same contract, and a rule of weight 1 still
# decides whatever the model says
"$KV_BIN" triage --lang nb <"$T_DIR/in.jsonl" >"$T_DIR/model.jsonl" 2>>"$KV_CLI_LOG"
check_eq "$?" 1 "with the model: exit 1 for the bad lines"
mres=$("$T_PY" - "$T_DIR/model.jsonl" <<'PY'
import json, sys
keys = ["lang", "classes", "abuse_ground", "personal_data", "explain",
        "needs_answer", "hard"]
n = bad = 0
for l in open(sys.argv[1]):
    o = json.loads(l)
    n += 1
    if "error" not in o and (list(o) != keys or not o["classes"]):
        bad += 1
print(n, bad, json.loads(open(sys.argv[1]).readlines()[1])["abuse_ground"])
PY
)
check_eq "$mres" "13 0 threat" "with the model: 13 lines, all with the contract's keys; the threat stays a threat"

# explain: the threat's rule hit with its byte offsets
off=$(sed -n 2p "$T_DIR/out.jsonl" | "$T_PY" -c 'import json,sys
o = json.load(sys.stdin)
e = [x for x in o["explain"] if x["source"] == "rule" and x["class"] == "abuse"][0]
print(e["what"], e["start"], e["end"], e["rule"])')
check_eq "$off" "jeg vet hvor du bor 0 19 0" "explain gives the rule's words and byte offsets"
check_match "$(sed -n 2p "$T_DIR/out.jsonl")" '"source":"lang","class":null,"what":"platform: nb"' \
	"explain ends with the language evidence"

# each output line is flushed at once: a reader gets line 1 before input ends
"$T_PY" - "$KV_BIN" <<'PY' >"$T_DIR/flush.out" 2>>"$KV_CLI_LOG"
import subprocess, sys, json
p = subprocess.Popen([sys.argv[1], "triage", "--no-model"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE)
p.stdin.write(b'{"text": "Tusen takk!", "lang": "nb"}\n')
p.stdin.flush()
first = json.loads(p.stdout.readline())
p.stdin.close()
print("first", ",".join(first["classes"]), p.wait())
PY
check_eq "$(cat "$T_DIR/flush.out")" "first praise 0" "a line is answered before the input ends; exit 0 when all lines were good"

# a line over 1 MiB is refused, the next one still answered
"$T_PY" -c 'import sys
sys.stdout.write("{\"text\": \"" + "a" * (1024 * 1024 + 10) + "\"}\n")
sys.stdout.write("{\"text\": \"Når åpner biblioteket?\", \"lang\": \"nb\"}\n")' |
	tri >"$T_DIR/long.out"
check_eq "$?" 1 "an over-long line makes the exit status 1"
check_eq "$(sed -n 1p "$T_DIR/long.out")" '{"error":"line longer than 1 MiB","line":1}' \
	"…and is answered with an error line"
check_match "$(sed -n 2p "$T_DIR/long.out")" '"classes":\["question"\]' "…and the next line is triaged"

# text over 64 KiB: only the first 64 KiB are looked at
"$T_PY" -c 'import sys
sys.stdout.write("{\"text\": \"" + "ok " * 30000 + " jeg vet hvor du bor\", \"lang\": \"nb\"}\n")' |
	tri >"$T_DIR/big.out"
check_eq "$?" 0 "a long text is fine"
check_nomatch "$(cat "$T_DIR/big.out")" '"abuse"' "…and what lies beyond 64 KiB is not looked at"

# --rules FILE: an administrator's rules; a bad one is refused with its field
cat >"$T_DIR/rules.json" <<'RULES'
[{"cls": "complaint", "lang": "nb", "kind": "keyword", "pattern": "søppeltømming|søppelbil",
  "weight": 1, "note": "waste collection is our most common complaint"},
 {"cls": "abuse", "ground": "spam", "kind": "pattern", "pattern": "\\bkj[øo]p\\s+followers\\b",
  "weight": 1}]
RULES
out=$(printf '%s\n' '{"text":"Søppelbilen kom ikke i dag heller","lang":"nb"}' \
	'{"text":"Kjøp followers billig","lang":"nb"}' | tri --rules "$T_DIR/rules.json")
check_eq "$?" 0 "triage --rules FILE"
check_match "$(printf '%s\n' "$out" | sed -n 1p)" '"classes":\["complaint"\].*"rule":-1,"what":"søppelbil"' \
	"the file's keyword rule decides (stem: søppelbilen), with its id -1"
check_match "$(printf '%s\n' "$out" | sed -n 2p)" '"abuse_ground":"spam"' "the file's pattern rule gives its ground"
printf '[{"cls":"complaint","kind":"pattern","pattern":"(a","weight":1}]' >"$T_DIR/bad.json"
echo '{"text":"x"}' | "$KV_BIN" triage --rules "$T_DIR/bad.json" >"$T_DIR/o" 2>"$T_DIR/e"
check_eq "$?" 2 "a bad rule in --rules is refused (exit 2)"
check_match "$(cat "$T_DIR/e")" "rule 1: pattern is not a valid pattern" "…naming the rule and the field"
printf '[{"cls":"other","kind":"keyword","pattern":"x","weight":1}]' >"$T_DIR/bad2.json"
echo '{"text":"x"}' | "$KV_BIN" triage --rules "$T_DIR/bad2.json" >/dev/null 2>"$T_DIR/e"
check_match "$(cat "$T_DIR/e")" "rule 1: cls " "a rule for class other is refused by its field cls"
echo '{"text":"x"}' | "$KV_BIN" triage --lang de >/dev/null 2>&1
check_eq "$?" 2 "an unknown --lang is a usage error"

# the organisation's rules from the database (enabled ones only)
kv_sql "INSERT INTO triage_rules (org_id, cls, ground, lang, kind, pattern, weight, enabled, note, created_at, updated_at) SELECT id, 'complaint', NULL, 'nb', 'keyword', 'parkeringsbot', 1, 1, 'parking fines', 0, 0 FROM orgs ORDER BY id LIMIT 1"
kv_sql "INSERT INTO triage_rules (org_id, cls, ground, lang, kind, pattern, weight, enabled, note, created_at, updated_at) SELECT id, 'praise', NULL, NULL, 'keyword', 'parkeringsbot', 1, 0, 'disabled', 0, 0 FROM orgs ORDER BY id LIMIT 1"
RID=$(kv_sql "SELECT id FROM triage_rules WHERE enabled = 1 AND pattern = 'parkeringsbot'")
in='{"text":"Fikk parkeringsbot utenfor rådhuset","lang":"nb"}'
out=$(echo "$in" | "$KV_BIN" --db "$KV_DB_URL" triage --no-model 2>>"$KV_CLI_LOG")
check_eq "$?" 0 "triage with --db"
check_match "$out" "\"classes\":\\[\"complaint\"\\].*\"rule\":$RID,\"what\":\"parkeringsbot\"" \
	"the organisation's enabled rule decides, with its database id"
check_nomatch "$out" '"praise"' "…and its disabled rule does not"
out=$(echo "$in" | tri)
check_nomatch "$out" '"complaint"' "without a database only the built-in rules apply"
out=$(echo "$in" | "$KV_BIN" --db "sqlite:$T_DIR/missing/none.db" triage --no-model 2>"$T_DIR/e")
check_eq "$?" 0 "an unreachable database does not stop triage"
check_match "$(cat "$T_DIR/e")" "no database rules" "…it says the database rules are missing"
kv_finish
