-- 0005_capture.sql (SQLite): what the connectors capture (issue 4): each
-- channel's connection (configuration, sealed credentials, sync state and
-- schedule), raw payloads stored once by SHA-256, every HTTP exchange of a
-- sync, items with their versions and events, the capture log (a hash
-- chain like the audit log), connector metrics and full-text search.
-- Times are INTEGER seconds since the epoch (UTC).
-- Keep in step with sql/pg/0005_capture.sql (tests compare the two).
-- docs/CAPTURE.md describes the model.

-- One row per connected channel.  cred_box is the libsodium secretbox of
-- the credentials' JSON under the key file (never in the database), hex;
-- config_json holds only what is not secret (base_url, account, kind).
CREATE TABLE channel_connections (
  channel_id       INTEGER PRIMARY KEY REFERENCES channels(id),
  config_json      TEXT NOT NULL DEFAULT '{}',
  cred_nonce       TEXT NOT NULL DEFAULT '',
  cred_box         TEXT NOT NULL DEFAULT '',
  cred_key_id      TEXT NOT NULL DEFAULT '',
  state_json       TEXT NOT NULL DEFAULT '{}',
  poll_interval    INTEGER NOT NULL DEFAULT 900 CHECK (poll_interval >= 60),
  next_poll_at     INTEGER NOT NULL DEFAULT 0,
  last_sync_at     INTEGER,
  metrics_at       INTEGER,
  last_status      TEXT NOT NULL DEFAULT 'new',
  last_error       TEXT NOT NULL DEFAULT '',
  failures         INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
  backoff_until    INTEGER NOT NULL DEFAULT 0,
  token_expires_at INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX channel_connections_due ON channel_connections(next_poll_at);

-- Content-addressed bytes: raw item payloads and response bodies.
CREATE TABLE blobs (
  sha256      TEXT PRIMARY KEY,
  size        INTEGER NOT NULL CHECK (size >= 0),
  mime        TEXT NOT NULL DEFAULT '',
  bytes       BLOB NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;

-- Every HTTP exchange a sync made, secrets redacted (WARC export later).
CREATE TABLE exchanges (
  id           INTEGER PRIMARY KEY,
  channel_id   INTEGER NOT NULL REFERENCES channels(id),
  at           INTEGER NOT NULL,
  method_url   TEXT NOT NULL,
  req_headers  TEXT NOT NULL DEFAULT '',
  status       INTEGER NOT NULL,
  resp_headers TEXT NOT NULL DEFAULT '',
  body_sha256  TEXT REFERENCES blobs(sha256),
  duration_ms  INTEGER NOT NULL DEFAULT 0,
  error        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX exchanges_channel ON exchanges(channel_id, at);

-- One row per item a channel has shown; its content lives in versions.
-- search_stems is the stemmed, folded text of the current version (see
-- src/text/stem.c); items_fts (FTS5) indexes it here, a GIN expression
-- index on PostgreSQL.
CREATE TABLE items (
  id                 INTEGER PRIMARY KEY,
  org_id             INTEGER NOT NULL REFERENCES orgs(id),
  channel_id         INTEGER NOT NULL REFERENCES channels(id),
  platform           TEXT NOT NULL,
  platform_id        TEXT NOT NULL,
  type               TEXT NOT NULL CHECK (type IN ('post', 'comment', 'reply',
                       'mention', 'dm')),
  parent_platform_id TEXT,
  thread_platform_id TEXT,
  inbound            INTEGER NOT NULL CHECK (inbound IN (0, 1)),
  author_id          TEXT,
  author_handle      TEXT,
  author_name        TEXT,
  url                TEXT,
  lang               TEXT,
  created_at         INTEGER NOT NULL,
  first_seen_at      INTEGER NOT NULL,
  last_seen_at       INTEGER NOT NULL,
  edited_at          INTEGER,
  deleted_seen_at    INTEGER,
  hidden             INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
  current_version    INTEGER NOT NULL DEFAULT 1,
  search_stems       TEXT NOT NULL DEFAULT '',
  UNIQUE (channel_id, platform_id)
) STRICT;
CREATE INDEX items_channel ON items(channel_id, created_at);
CREATE INDEX items_parent ON items(channel_id, parent_platform_id);
CREATE INDEX items_org ON items(org_id, created_at);

CREATE TABLE item_versions (
  item_id        INTEGER NOT NULL REFERENCES items(id),
  version        INTEGER NOT NULL CHECK (version >= 1),
  seen_at        INTEGER NOT NULL,
  text           TEXT NOT NULL DEFAULT '',
  html           TEXT,
  author_name    TEXT,
  content_sha256 TEXT NOT NULL,
  raw_sha256     TEXT REFERENCES blobs(sha256),
  exchange_id    INTEGER REFERENCES exchanges(id),
  media_json     TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (item_id, version)
) STRICT;

CREATE TABLE item_events (
  id       INTEGER PRIMARY KEY,
  item_id  INTEGER NOT NULL REFERENCES items(id),
  at       INTEGER NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('created', 'edited', 'deleted',
             'hidden', 'unhidden', 'reappeared')),
  detail   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX item_events_item ON item_events(item_id, at);

-- The capture log: one row per version, event and exchange, each holding
-- the hash of the row before (like audit).  object_sha256 is the hash of
-- the object's row (see src/archive/capture.c), so `capture verify`
-- notices a changed version, event, exchange or blob.
CREATE TABLE capture_head (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  seq   INTEGER NOT NULL,
  hash  TEXT NOT NULL
) STRICT;
INSERT INTO capture_head (id, seq, hash) VALUES
  (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE capture_log (
  seq           INTEGER PRIMARY KEY,
  at            INTEGER NOT NULL,
  channel_id    INTEGER NOT NULL,
  item_id       INTEGER,
  version       INTEGER,
  object_id     INTEGER,
  event         TEXT NOT NULL,
  object_sha256 TEXT NOT NULL,
  prev_hash     TEXT NOT NULL,
  hash          TEXT NOT NULL
) STRICT;
CREATE INDEX capture_log_item ON capture_log(item_id);

CREATE TRIGGER capture_log_no_update BEFORE UPDATE ON capture_log
BEGIN SELECT RAISE(ABORT, 'capture log is append-only'); END;
CREATE TRIGGER capture_log_no_delete BEFORE DELETE ON capture_log
BEGIN SELECT RAISE(ABORT, 'capture log is append-only'); END;
CREATE TRIGGER item_versions_no_update BEFORE UPDATE ON item_versions
BEGIN SELECT RAISE(ABORT, 'item versions are kept as captured'); END;
CREATE TRIGGER item_versions_no_delete BEFORE DELETE ON item_versions
BEGIN SELECT RAISE(ABORT, 'item versions are kept as captured'); END;

-- Metric values connectors report (item_id NULL: the channel's own).
CREATE TABLE metric_samples (
  id          INTEGER PRIMARY KEY,
  channel_id  INTEGER NOT NULL REFERENCES channels(id),
  item_id     INTEGER REFERENCES items(id),
  name        TEXT NOT NULL,
  value       REAL NOT NULL,
  at          INTEGER NOT NULL,
  source      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX metric_samples_channel ON metric_samples(channel_id, name, at);

-- Full-text search over items.search_stems (external content: the text
-- lives in items).  src/archive/capture.c keeps the index in step in the
-- same transaction (triggers may not write to a virtual table while
-- trusted_schema is off).
CREATE VIRTUAL TABLE items_fts USING fts5(search_stems, content='items',
  content_rowid='id', tokenize='unicode61 remove_diacritics 0');
