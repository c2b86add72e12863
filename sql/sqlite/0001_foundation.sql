-- 0001_foundation.sql (SQLite): organisation, units, people, accounts,
-- sessions, API tokens, login throttling, channel register, audit log.
-- Times are INTEGER seconds since the epoch (UTC); dates are 'YYYY-MM-DD'.
-- Keep in step with sql/pg/0001_foundation.sql (tests compare the two).

CREATE TABLE orgs (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  slug         TEXT NOT NULL UNIQUE,
  country      TEXT NOT NULL CHECK (country IN ('NO', 'SE')),
  timezone     TEXT NOT NULL,
  default_lang TEXT NOT NULL CHECK (default_lang IN ('nb', 'nn', 'sv', 'en')),
  created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE units (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  parent_id   INTEGER REFERENCES units(id),
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('organisation', 'administration', 'unit', 'team')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX units_org ON units(org_id, parent_id);
CREATE UNIQUE INDEX units_name ON units(org_id, COALESCE(parent_id, 0), name);

CREATE TABLE people (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  full_name   TEXT NOT NULL,
  first_name  TEXT NOT NULL,
  title       TEXT NOT NULL DEFAULT '',
  unit_id     INTEGER REFERENCES units(id),
  email       TEXT UNIQUE,
  phone       TEXT NOT NULL DEFAULT '',
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  search_key  TEXT NOT NULL DEFAULT '',  -- case-folded name, e-mail, title
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX people_org ON people(org_id, full_name);
CREATE INDEX people_unit ON people(unit_id);

CREATE TABLE accounts (
  person_id           INTEGER PRIMARY KEY REFERENCES people(id),
  password_hash       TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL
) STRICT;

CREATE TABLE role_grants (
  id          INTEGER PRIMARY KEY,
  person_id   INTEGER NOT NULL REFERENCES people(id),
  role        TEXT NOT NULL CHECK (role IN ('admin', 'comms', 'decision_maker',
                'unit_manager', 'web_editor', 'channel_editor', 'supervisor',
                'crisis_staff', 'auditor')),
  unit_id     INTEGER REFERENCES units(id),
  created_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX role_grants_uniq ON role_grants(person_id, role, COALESCE(unit_id, 0));

CREATE TABLE sessions (
  id           INTEGER PRIMARY KEY,
  token_hash   TEXT NOT NULL UNIQUE,
  person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  csrf         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_person ON sessions(person_id);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  token_hash   TEXT NOT NULL UNIQUE,
  person_id    INTEGER NOT NULL REFERENCES people(id),
  label        TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
) STRICT;
CREATE INDEX api_tokens_person ON api_tokens(person_id);

CREATE TABLE login_attempts (
  key          TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE channels (
  id             INTEGER PRIMARY KEY,
  org_id         INTEGER NOT NULL REFERENCES orgs(id),
  unit_id        INTEGER NOT NULL REFERENCES units(id),
  platform       TEXT NOT NULL CHECK (platform IN ('facebook_page', 'instagram', 'x',
                   'youtube', 'vimeo', 'flickr', 'linkedin', 'mastodon', 'bluesky',
                   'blog', 'forum', 'other')),
  name           TEXT NOT NULL,
  address        TEXT NOT NULL,
  purpose        TEXT NOT NULL DEFAULT '',
  target_groups  TEXT NOT NULL DEFAULT '',
  responsible_id INTEGER REFERENCES people(id),
  update_count   INTEGER NOT NULL DEFAULT 0 CHECK (update_count >= 0),
  update_period  TEXT NOT NULL DEFAULT 'week' CHECK (update_period IN ('day', 'week', 'month')),
  status         TEXT NOT NULL CHECK (status IN ('requested', 'planned', 'active',
                   'paused', 'closing', 'closed')),
  opened_on      TEXT,
  closed_on      TEXT,
  search_key     TEXT NOT NULL DEFAULT '',  -- case-folded name and address
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  UNIQUE (org_id, platform, address)
) STRICT;
CREATE INDEX channels_unit ON channels(unit_id);
CREATE INDEX channels_org_status ON channels(org_id, status);

CREATE TABLE channel_editors (
  channel_id  INTEGER NOT NULL REFERENCES channels(id),
  person_id   INTEGER NOT NULL REFERENCES people(id),
  PRIMARY KEY (channel_id, person_id)
) STRICT;
CREATE INDEX channel_editors_person ON channel_editors(person_id);

-- The audit log is a hash chain: each row holds the SHA-256 of the row
-- before it.  audit_head holds the newest hash and serialises writers.
CREATE TABLE audit_head (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  seq   INTEGER NOT NULL,
  hash  TEXT NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq, hash) VALUES
  (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit (
  seq          INTEGER PRIMARY KEY,
  org_id       INTEGER,
  at           INTEGER NOT NULL,
  actor_id     INTEGER,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  object_type  TEXT NOT NULL,
  object_id    INTEGER,
  before_json  TEXT,
  after_json   TEXT,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
) STRICT;
CREATE INDEX audit_org ON audit(org_id, seq);
CREATE INDEX audit_object ON audit(object_type, object_id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
