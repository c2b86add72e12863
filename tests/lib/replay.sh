# tests/lib/replay.sh - start tests/lib/replay.py from a shell test with a
# ready-made scenario (POSIX sh; source after t.sh and server.sh).
#
#   replay_mastodon DIR   a Mastodon instance from the recorded cassette
#                         test_get_pagination_info.yaml: verify_credentials,
#                         the account's statuses, an empty context per
#                         status, no notifications.  Sets RP_BASE (the
#                         instance's base URL) and RP_PID.
#   replay_stop           stops it.
#
# The fixtures come from $KV_FIXTURES or ../shared/fixtures beside the
# repository (as replay.py finds them).

replay_start_scenario() { # DIR: DIR/scenario.json is written
	"$T_PY" "$KV_ROOT/tests/lib/replay.py" --port-file "$1/port" \
		--log "$1/log" "$1/scenario.json" >"$1/replay.out" 2>&1 &
	RP_PID=$!
	_i=0
	while [ ! -s "$1/port" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	RP_BASE=http://127.0.0.1:$(cat "$1/port" 2>/dev/null)
}

replay_mastodon() {
	mkdir -p "$1"
	"$T_PY" - "$1/scenario.json" <<'EOF'
import json, os, sys, yaml
fx = os.environ.get("KV_FIXTURES") or os.path.join(
    os.path.dirname(os.getcwd()), "shared", "fixtures")
name = "mastodon/cassettes/test_get_pagination_info.yaml"
d = yaml.safe_load(open(os.path.join(fx, name)))
acct = json.loads(d["interactions"][0]["response"]["body"]["string"])["id"]
routes = [
    {"path": "/api/v1/accounts/verify_credentials", "times": 0,
     "cassette": name, "interaction": 0},
    {"path": "/api/v1/accounts/%s/statuses" % acct, "times": 0,
     "cassette": name, "interaction": 11},
    {"path": "/api/v1/notifications", "times": 0, "body": []},
    {"path": "/api/v2/notifications", "times": 0, "body": []},
]
for st in json.loads(d["interactions"][11]["response"]["body"]["string"]):
    routes.append({"path": "/api/v1/statuses/%s/context" % st["id"],
                   "times": 0, "body": {"ancestors": [], "descendants": []}})
json.dump({"rewrite": ["http://localhost:3000"], "routes": routes},
          open(sys.argv[1], "w"))
EOF
	replay_start_scenario "$1"
}

replay_stop() {
	[ -n "${RP_PID:-}" ] && kill "$RP_PID" 2>/dev/null
	[ -n "${RP_PID:-}" ] && wait "$RP_PID" 2>/dev/null
	RP_PID=
}
