#!/bin/sh
# tests/http/98_import_cli.sh - `kanalvakt import` end to end (POSIX sh;
# issue 4): platform data exports captured as a channel's items, with a
# progress bar on stderr, audited with the file's SHA-256; a re-import
# stores nothing twice; a wrong channel or a corrupt file stores nothing.
# Exports: the real Bluesky repo CAR of ../shared/fixtures/bluesky/car and
# the synthetic X and Facebook samples of tests/fixtures/imports.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
cli() { "$KV_BIN" --db "$KV_DB_URL" "$@"; }
FX=${KV_FIXTURES:-$KV_ROOT/../shared/fixtures}
IM=$KV_ROOT/tests/fixtures/imports

X=$(kv_sql "SELECT id FROM channels WHERE platform = 'x' ORDER BY id LIMIT 1")
FB=$(kv_sql "SELECT id FROM channels WHERE platform = 'facebook_page' ORDER BY id LIMIT 1")
kv_sql "INSERT INTO channels (org_id, unit_id, platform, name, address, status, created_at, updated_at) SELECT org_id, unit_id, 'bluesky', 'Bluesky', 'meldal.bsky.social', 'closing', 0, 0 FROM channels WHERE id = $X"
BS=$(kv_sql "SELECT id FROM channels WHERE platform = 'bluesky' LIMIT 1")

cli import bluesky "$FX/bluesky/car/repo_slice.car" --channel "$BS" >"$T_DIR/o" 2>"$T_DIR/e"
check_eq "$?" 0 "import of a Bluesky repo CAR into a closing channel" "$(cat "$T_DIR/e")"
check_match "$(cat "$T_DIR/e")" "import: read +\[#+\] 100%" "…with a progress bar"
check_match "$(cat "$T_DIR/e")" "items 1 new" "…and a summary"
check_eq "$(kv_sql "SELECT COUNT(*) FROM items WHERE channel_id = $BS AND type = 'post' AND platform_id LIKE 'at://%'")" 1 \
	"the post is captured with its at:// id"
check_eq "$(kv_sql "SELECT COUNT(*) FROM audit WHERE action = 'import' AND object_id = $BS AND after_json LIKE '%\"sha256\":\"$(sha256sum "$FX/bluesky/car/repo_slice.car" | cut -c1-64)\"%'")" 1 \
	"the import is audited with the file's SHA-256"
cli import bluesky "$FX/bluesky/car/repo_slice.car" --channel "$BS" >/dev/null 2>"$T_DIR/e"
check_match "$(cat "$T_DIR/e")" "items 0 new, 0 edited \(1 read\)" "a re-import stores nothing twice"

n=$(kv_sql "SELECT COUNT(*) FROM items")
head -c 700 "$FX/bluesky/car/repo_slice.car" >"$T_DIR/cut.car"
cli import bluesky "$T_DIR/cut.car" --channel "$BS" >/dev/null 2>"$T_DIR/e"
check_eq "$?" 1 "a truncated CAR fails"
check_match "$(cat "$T_DIR/e")" "malformed" "…saying it is malformed"
cli import facebook "$IM/x/data/tweets.js" --channel "$X" >/dev/null 2>"$T_DIR/e"
check_eq "$?" 2 "a Facebook export for an X channel is refused"
check_match "$(cat "$T_DIR/e")" "belongs to a facebook_page channel" "…saying why"
cli import nosuch "$IM/x/data/tweets.js" --channel "$X" >/dev/null 2>&1
check_eq "$?" 2 "an unknown format is refused"
cli import x "$T_DIR/missing.js" --channel "$X" >/dev/null 2>&1
check_eq "$?" 1 "a missing file fails"
check_eq "$(kv_sql "SELECT COUNT(*) FROM items")" "$n" "…and nothing of these is stored"

cli import x "$IM/x/data/tweets.js" --channel "$X" >/dev/null 2>"$T_DIR/e"
check_eq "$?" 0 "import of an X archive's tweets.js" "$(cat "$T_DIR/e")"
check_ne "$(kv_sql "SELECT COUNT(*) FROM items WHERE channel_id = $X")" 0 "…captures its posts"
for f in "$IM"/facebook/posts/*.json; do
	cli import facebook "$f" --channel "$FB" >/dev/null 2>"$T_DIR/e"
	check_eq "$?" 0 "import of a Facebook export ($(basename "$f"))" "$(cat "$T_DIR/e")"
done
check_eq "$(kv_sql "SELECT COUNT(*) FROM item_versions v JOIN items i ON i.id = v.item_id WHERE i.channel_id = $FB AND (v.text LIKE '%Ã%')")" 0 \
	"no mojibake survives in the Facebook texts"
out=$(cli capture verify)
check_eq "$?" 0 "capture verify after the imports" "$out"
kv_finish
