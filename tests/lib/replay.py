#!/usr/bin/python3
"""tests/lib/replay.py - a local HTTP server that replays recorded platform
responses (../shared/fixtures) to the connectors under test.

    /usr/bin/python3 tests/lib/replay.py --port-file F --log L SCENARIO.json

It binds 127.0.0.1 on a free port, writes the port to F, and logs every
request it receives as one JSON line in L ({"method","path","query",
"headers","body","matched"}).  A request no route matches gets 404 with
{"replay": "no route"} and is logged with "matched": false, so a test can
check that the connector asked only what it should.

The scenario is JSON:

  {
    "fixtures": "/path/to/shared/fixtures",   (default: $KV_FIXTURES, or
                                               ../shared/fixtures beside
                                               the repository)
    "rewrite": ["https://graph.facebook.com/v11.0", "http://localhost:3000"],
        substrings replaced by this server's base URL ("http://127.0.0.1:P")
        in every body and header sent, so recorded "next" links and Link
        headers lead back here
    "cassettes": ["mastodon/cassettes/test_status_context.yaml"],
        every interaction of these VCR cassettes becomes a route (in order,
        each answered once), matched on method, path and query
    "routes": [
      {"method": "GET", "path": "/api/v1/x",    (path without the query)
       "query": {"max_id": "5"},                (these must be present;
                                                 "*" = any value)
       "query_absent": ["max_id"],              (these must be absent)
       "times": 1,                              (0 = every time; default 1)
       "status": 200,
       "headers": {"X-RateLimit-Remaining": "0"},
       "body_file": "facebook/…/comments_p1.json" | "body": <json> |
       "body_text": "…",
       "cassette": "mastodon/cassettes/x.yaml", "interaction": 2,
                                                (status/headers/body taken
                                                 from a cassette answer)
       "fault": "close_mid_body" | "reset" | "delay_ms:N"}
    ]
  }

Routes are tried in order; the first whose method, path and query match
and which has answers left is used.  Bodies from files are sent as stored.
"""
import argparse
import base64
import gzip
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def fixtures_dir(scn):
    d = scn.get("fixtures") or os.environ.get("KV_FIXTURES")
    if not d:
        d = os.path.join(os.path.dirname(ROOT), "shared", "fixtures")
    return d


def load_cassette(fx, name):
    path = name if os.path.isabs(name) else os.path.join(fx, name)
    if not os.path.exists(path):
        path = os.path.join(ROOT, name)
    with open(path, "rb") as f:
        data = yaml.safe_load(f)
    out = []
    for it in data.get("interactions", []):
        rq = it["request"]
        rs = it["response"]
        u = urllib.parse.urlsplit(rq["uri"])
        body = rs.get("body", {}).get("string", b"")
        if isinstance(body, str):
            body = body.encode("utf-8")
        hdrs = {}
        for k, v in (rs.get("headers") or {}).items():
            hdrs[k] = v[-1] if isinstance(v, list) else v
        # replay decoded: drop transfer details that no longer hold
        enc = None
        for k in list(hdrs):
            kl = k.lower()
            if kl == "content-encoding":
                enc = hdrs.pop(k)
            elif kl in ("content-length", "transfer-encoding", "connection"):
                hdrs.pop(k)
        if enc and "gzip" in enc:
            try:
                body = gzip.decompress(body)
            except OSError:
                pass
        out.append({
            "method": rq["method"].upper(),
            "path": u.path,
            "query": {k: v[-1] for k, v in
                      urllib.parse.parse_qs(u.query,
                                            keep_blank_values=True).items()},
            "exact_query": True,
            "status": rs["status"]["code"],
            "headers": hdrs,
            "body_bytes": body,
        })
    return out


class Replay:
    def __init__(self, scn, logpath):
        self.fx = fixtures_dir(scn)
        self.rewrite = scn.get("rewrite", [])
        self.routes = []
        self.lock = threading.Lock()
        self.logf = open(logpath, "a", encoding="utf-8")
        self.base = None
        for c in scn.get("cassettes", []):
            self.routes.extend(load_cassette(self.fx, c))
        for r in scn.get("routes", []):
            r = dict(r)
            if "cassette" in r:
                inter = load_cassette(self.fx, r["cassette"])[
                    r.get("interaction", 0)]
                for k in ("status", "headers", "body_bytes"):
                    r.setdefault(k, inter[k])
            self.routes.append(r)
        for r in self.routes:
            r["left"] = r.get("times", 1)
            r.setdefault("method", "GET")

    def body_of(self, r):
        if "body_bytes" in r:
            b = r["body_bytes"]
        elif "body_file" in r:
            p = r["body_file"]
            if not os.path.isabs(p):
                q = os.path.join(self.fx, p)
                p = q if os.path.exists(q) else os.path.join(ROOT, p)
            with open(p, "rb") as f:
                b = f.read()
        elif "body" in r:
            b = json.dumps(r["body"]).encode("utf-8")
        else:
            b = r.get("body_text", "").encode("utf-8")
        return self.rw(b)

    def rw(self, b):
        for s in self.rewrite:
            b = b.replace(s.encode("utf-8"), self.base.encode("utf-8"))
        return b

    def match(self, method, path, query):
        with self.lock:
            for r in self.routes:
                if r["left"] == 0 and r.get("times", 1) != 0:
                    continue
                if r["method"].upper() != method or r["path"] != path:
                    continue
                want = r.get("query", {})
                ok = all(k in query and (v == "*" or query[k] == str(v))
                         for k, v in want.items())
                if ok and r.get("exact_query"):
                    ok = set(query) == set(want)
                if ok and any(k in query for k in r.get("query_absent", [])):
                    ok = False
                if not ok:
                    continue
                if r.get("times", 1) != 0:
                    r["left"] -= 1
                return r
        return None

    def log(self, rec):
        with self.lock:
            self.logf.write(json.dumps(rec) + "\n")
            self.logf.flush()


def make_handler(rp):
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def handle_any(self):
            u = urllib.parse.urlsplit(self.path)
            query = {k: v[-1] for k, v in
                     urllib.parse.parse_qs(u.query,
                                           keep_blank_values=True).items()}
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n > 0 else b""
            r = rp.match(self.command, u.path, query)
            rp.log({"method": self.command, "path": u.path, "query": query,
                    "headers": {k: v for k, v in self.headers.items()},
                    "body": body[:4096].decode("utf-8", "replace"),
                    "matched": r is not None})
            if r is None:
                out = json.dumps({"replay": "no route", "method":
                                  self.command, "path": u.path}).encode()
                self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
                return
            fault = r.get("fault", "")
            if fault == "reset":
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if fault.startswith("delay_ms:"):
                time.sleep(int(fault.split(":")[1]) / 1000.0)
            out = rp.body_of(r)
            self.send_response(int(r.get("status", 200)))
            ctype = None
            for k, v in (r.get("headers") or {}).items():
                if k.lower() == "content-type":
                    ctype = v
                self.send_header(k, rp.rw(str(v).encode()).decode())
            if ctype is None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if fault == "close_mid_body":
                self.wfile.write(out[:max(1, len(out) // 2)])
                self.wfile.flush()
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            self.wfile.write(out)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = \
            handle_any

    return H


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("scenario")
    a = ap.parse_args()
    with open(a.scenario, encoding="utf-8") as f:
        scn = json.load(f)
    rp = Replay(scn, a.log)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(rp))
    srv.daemon_threads = True
    port = srv.server_address[1]
    rp.base = "http://127.0.0.1:%d" % port
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
