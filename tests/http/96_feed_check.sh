#!/bin/sh
# tests/http/96_feed_check.sh - `kanalvakt feed check URL|FILE` (POSIX sh):
# one JSON line per entry with exactly the keys id, title, link, published,
# updated, author, summary; the summary line on stderr; a clean error and
# exit 1 for a broken feed, an external entity or a missing file; and a
# feed fetched over HTTP from tests/lib/replay.py (relative links resolved
# against the URL).  Needs no kanalvakt server and no database.
. "$(dirname "$0")/../lib/t.sh"
KV_BUILD=${KV_BUILD:-build}
KV_ROOT=${KV_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
case $KV_BUILD in
/*) KV_BIN=$KV_BUILD/kanalvakt ;;
*) KV_BIN=$KV_ROOT/$KV_BUILD/kanalvakt ;;
esac
cd "$KV_ROOT" || exit 1
FX=../shared/fixtures/feeds/feed-rs
OUT=$T_DIR/out
ERR=$T_DIR/err
REPLAY_PID=

finish() {
	[ -n "$REPLAY_PID" ] && kill "$REPLAY_PID" 2>/dev/null && wait "$REPLAY_PID" 2>/dev/null
	t_cleanup
}
trap finish EXIT

# check_feed SOURCE: runs the CLI; $RC, $OUT, $ERR
check_feed() {
	"$KV_BIN" feed check "$1" >"$OUT" 2>"$ERR"
	RC=$?
}

# the value of key K in JSON line N of $OUT
line_key() { # N K
	sed -n "$1p" "$OUT" | "$T_PY" -c 'import json, sys
v = json.loads(sys.stdin.read())[sys.argv[1]]
print("null" if v is None else v)' "$2"
}

if [ ! -x "$KV_BIN" ]; then
	fail "the binary $KV_BIN exists" "build it first (make)"
	t_done
	exit 1
fi

check_feed "$FX/rss2/rss_2.0_relurl_1.xml"
check_eq "$RC" 0 "an RSS 2.0 file is read"
check_eq "$(wc -l <"$OUT" | tr -d ' ')" 2 "one line per entry"
check_eq "$(cat "$ERR")" "feed check: 2 entries, type rss2" "the summary line on stderr"
check_eq "$(sed -n 1p "$OUT" | "$T_PY" -c 'import json, sys; print(",".join(json.loads(sys.stdin.read())))')" \
	"id,title,link,published,updated,author,summary" "exactly the documented keys, in order"
check_eq "$(line_key 1 title)" "Pareto-optimal compression" "the title"
check_eq "$(line_key 1 published)" "2021-03-02T22:39:15Z" "published in ISO 8601 UTC"
check_eq "$(line_key 1 updated)" "null" "no updated time is null"

check_feed "$FX/atom/atom_example_6.xml"
check_eq "$(cat "$ERR")" "feed check: 4 entries, type atom" "an Atom file"
check_eq "$(line_key 1 author)" "markpritchard" "the author"
check_feed "$FX/rss1/rss_1.0_iso8859.xml"
check_eq "$(cat "$ERR")" "feed check: 1 entries, type rss1" "an RSS 1.0 file in ISO-8859-1"
check_match "$(line_key 1 title)" "Glasfaserförderung" "its title comes out as UTF-8"
check_feed "$FX/rss0/rss_0.91_spec_1.xml"
check_eq "$(cat "$ERR")" "feed check: 2 entries, type rss0" "an RSS 0.91 file"
check_feed "$FX/jsonfeed/jsonfeed_spec_1.json"
check_eq "$(cat "$ERR")" "feed check: 1 entries, type jsonfeed" "a JSON Feed file"

check_feed "$FX/rss2/rss_2.0_invalid_1.xml"
check_eq "$RC" 1 "a truncated feed exits 1"
check_match "$(cat "$ERR")" "not well-formed XML" "with a clear message"
check_eq "$(wc -c <"$OUT" | tr -d ' ')" 0 "and prints no entries"
check_feed tests/fixtures/blog/xxe.xml
check_eq "$RC" 1 "a feed with an external entity exits 1"
check_match "$(cat "$ERR")" "external entities" "saying why"
check_nomatch "$(cat "$OUT" "$ERR")" "root:" "nothing of /etc/passwd is shown"
check_feed "$T_DIR/no-such-file.xml"
check_eq "$RC" 1 "a missing file exits 1"

# over HTTP, from the replay server; relative links against the URL
cat >"$T_DIR/scn.json" <<JSON
{"rewrite": ["https://blog.example"],
 "routes": [
  {"path": "/feed.xml", "body_file": "tests/fixtures/blog/paged_1.xml",
   "headers": {"Content-Type": "application/atom+xml"}},
  {"path": "/gone.xml", "status": 404, "body_text": "no"}]}
JSON
"$T_PY" tests/lib/replay.py --port-file "$T_DIR/port" --log "$T_DIR/replay.log" \
	"$T_DIR/scn.json" 2>"$T_DIR/replay.err" &
REPLAY_PID=$!
i=0
while [ ! -s "$T_DIR/port" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
PORT=$(cat "$T_DIR/port" 2>/dev/null)
check_feed "http://127.0.0.1:$PORT/feed.xml"
check_eq "$RC" 0 "a feed over HTTP is read"
check_eq "$(cat "$ERR")" "feed check: 2 entries, type atom" "its summary line"
check_eq "$(line_key 1 link)" "http://127.0.0.1:$PORT/2024/03/01/apningstider/" \
	"a relative link is resolved against the feed's URL"
check_eq "$(line_key 1 summary)" "Biblioteket holder åpent." "the summary as text"
check_eq "$(line_key 2 published)" "2024-03-05T10:30:00Z" "a +01:00 time in UTC"
check_feed "http://127.0.0.1:$PORT/gone.xml"
check_eq "$RC" 1 "an HTTP error exits 1"
check_match "$(cat "$ERR")" "HTTP 404" "naming the status"

t_done
