-- 0006_inbox.sql (SQLite): the inbox (issue 5): one row per inbound item
-- with its triage, due time, routing and how it was worked; notes; the
-- change log the live updates read; the organisation's triage rules and
-- the moderators' class decisions the classifier learns from; topics and
-- who knows them; saved replies; how replies are signed per channel; the
-- inbox policy (SLA, escalation).
-- Times are INTEGER seconds since the epoch (UTC).
-- Keep in step with sql/pg/0006_inbox.sql (tests compare the two).
-- docs/INBOX.md describes the model.

-- Per organisation (absent = the defaults): the answer-time rule.
CREATE TABLE inbox_policies (
  org_id             INTEGER PRIMARY KEY REFERENCES orgs(id),
  mode               TEXT NOT NULL DEFAULT 'same_day' CHECK (mode IN ('same_day', '24h')),
  open_hour          INTEGER NOT NULL DEFAULT 8 CHECK (open_hour BETWEEN 0 AND 23),
  close_hour         INTEGER NOT NULL DEFAULT 16 CHECK (close_hour BETWEEN 1 AND 24),
  days_off           TEXT NOT NULL DEFAULT 'next_business_day'
                       CHECK (days_off IN ('next_business_day', 'watch')),
  escalate_after_min INTEGER NOT NULL DEFAULT 120 CHECK (escalate_after_min BETWEEN 0 AND 10080),
  comms_unit_id      INTEGER REFERENCES units(id),
  updated_at         INTEGER NOT NULL,
  CHECK (open_hour < close_hour)
) STRICT;

-- Topics a question can be about, and who has the competence.  keywords
-- are "|"-separated words or phrases, matched on Snowball stems.
CREATE TABLE topics (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  name        TEXT NOT NULL,
  keywords    TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (org_id, name)
) STRICT;

CREATE TABLE person_topics (
  person_id   INTEGER NOT NULL REFERENCES people(id),
  topic_id    INTEGER NOT NULL REFERENCES topics(id),
  PRIMARY KEY (person_id, topic_id)
) STRICT;
CREATE INDEX person_topics_topic ON person_topics(topic_id);

-- One row per inbound item (comment, reply, mention, DM).  shown_at is
-- when the platform showed it (items.created_at); state, outcome and
-- ground are names (src/inbox/inbox.c, src/text/triage_rules.c); classes
-- a bit per triage class.  version counts changes (optimistic locking).
CREATE TABLE inbox (
  item_id          INTEGER PRIMARY KEY REFERENCES items(id),
  org_id           INTEGER NOT NULL REFERENCES orgs(id),
  channel_id       INTEGER NOT NULL REFERENCES channels(id),
  unit_id          INTEGER NOT NULL REFERENCES units(id),
  state            TEXT NOT NULL CHECK (state IN ('new', 'assigned', 'answered',
                     'no_answer', 'removed', 'registry')),
  classes          INTEGER NOT NULL DEFAULT 0,
  ground           TEXT,
  lang             TEXT NOT NULL DEFAULT '',
  needs_answer     INTEGER NOT NULL DEFAULT 0 CHECK (needs_answer IN (0, 1)),
  hard             INTEGER NOT NULL DEFAULT 0 CHECK (hard IN (0, 1)),
  hard_reason      TEXT,
  shown_at         INTEGER NOT NULL,
  due_at           INTEGER NOT NULL,
  escalation       INTEGER NOT NULL DEFAULT 0 CHECK (escalation BETWEEN 0 AND 2),
  assignee_id      INTEGER REFERENCES people(id),
  topic_id         INTEGER REFERENCES topics(id),
  outcome          TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'answered',
                     'helped', 'referred', 'removed', 'registry')),
  answered_at      INTEGER,
  answered_by      INTEGER REFERENCES people(id),
  no_answer_reason TEXT,
  journal_ref      TEXT,
  triage_json      TEXT NOT NULL DEFAULT '{}',
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX inbox_list ON inbox(org_id, state, due_at);
CREATE INDEX inbox_channel ON inbox(channel_id, shown_at);
CREATE INDEX inbox_assignee ON inbox(assignee_id, state);

CREATE TABLE inbox_notes (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  item_id     INTEGER NOT NULL REFERENCES inbox(item_id),
  person_id   INTEGER REFERENCES people(id),
  author      TEXT NOT NULL,
  text        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX inbox_notes_item ON inbox_notes(item_id, id);

-- What happened to inbox items, in order: the live updates (SSE) read
-- it after a sequence number.  Append-only.
CREATE TABLE inbox_log (
  seq       INTEGER PRIMARY KEY,
  org_id    INTEGER NOT NULL REFERENCES orgs(id),
  item_id   INTEGER NOT NULL REFERENCES inbox(item_id),
  at        INTEGER NOT NULL,
  actor_id  INTEGER REFERENCES people(id),
  kind      TEXT NOT NULL,
  detail    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX inbox_log_org ON inbox_log(org_id, seq);

CREATE TRIGGER inbox_log_no_update BEFORE UPDATE ON inbox_log
BEGIN SELECT RAISE(ABORT, 'inbox log is append-only'); END;
CREATE TRIGGER inbox_log_no_delete BEFORE DELETE ON inbox_log
BEGIN SELECT RAISE(ABORT, 'inbox log is append-only'); END;

-- The organisation's own triage rules (fields of struct triage_rule).
CREATE TABLE triage_rules (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  cls         TEXT NOT NULL,
  ground      TEXT,
  lang        TEXT,
  kind        TEXT NOT NULL CHECK (kind IN ('keyword', 'pattern')),
  pattern     TEXT NOT NULL,
  weight      REAL NOT NULL,
  enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  note        TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX triage_rules_org ON triage_rules(org_id, id);

-- Moderators' class decisions: training data.  labels and known are bits
-- per triage class (known: which classes the decision speaks about);
-- version is the item version the moderator saw.  Append-only.
CREATE TABLE triage_labels (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  item_id     INTEGER NOT NULL REFERENCES items(id),
  version     INTEGER NOT NULL,
  labels      INTEGER NOT NULL,
  known       INTEGER NOT NULL,
  ground      TEXT,
  person_id   INTEGER REFERENCES people(id),
  at          INTEGER NOT NULL
) STRICT;
CREATE INDEX triage_labels_org ON triage_labels(org_id, id);

CREATE TRIGGER triage_labels_no_update BEFORE UPDATE ON triage_labels
BEGIN SELECT RAISE(ABORT, 'triage labels are append-only'); END;
CREATE TRIGGER triage_labels_no_delete BEFORE DELETE ON triage_labels
BEGIN SELECT RAISE(ABORT, 'triage labels are append-only'); END;

-- Bumped whenever an organisation's rules or labels change, so a cached
-- triage engine knows it is stale.
CREATE TABLE triage_epochs (
  org_id      INTEGER PRIMARY KEY REFERENCES orgs(id),
  epoch       INTEGER NOT NULL
) STRICT;

-- Saved replies per language (unit_id NULL: for the whole organisation).
CREATE TABLE saved_replies (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  unit_id     INTEGER REFERENCES units(id),
  lang        TEXT NOT NULL,
  title       TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_by  INTEGER REFERENCES people(id),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX saved_replies_org ON saved_replies(org_id, lang, title);

-- How replies on a channel are signed (absent = 'first_name_role').
CREATE TABLE channel_reply_rules (
  channel_id  INTEGER PRIMARY KEY REFERENCES channels(id),
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  signature   TEXT NOT NULL CHECK (signature IN ('first_name_role', 'first_name',
                'unit', 'none')),
  updated_at  INTEGER NOT NULL
) STRICT;
