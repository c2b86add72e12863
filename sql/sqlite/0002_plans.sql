-- 0002_plans.sql (SQLite): the way a channel is opened (REQUIREMENTS.md
-- R2.2, R2.3, seed 003 "Förankring hos ledningen" and its "Handlingsplan"
-- template) and the training a channel's people must hold (R1.4, seed 003
-- "Kompetenskrav").
--   plans           one row per version of a channel's action plan, with
--                   every field of the template; status draft → submitted
--                   → approved | rejected, and approved → superseded when a
--                   later version is approved
--   plan_goals      the plan's goals: metric + target + period, or a
--                   qualitative text only
--   plan_others     "other persons" who handle the channel
--   plan_writers    everyone who wrote (created or changed) a version: none
--                   of them may decide it
--   plan_comments   the consultation and other remarks (append-only)
--   plan_decisions  the signed decision on a version (append-only): signer,
--                   time, place, note and a SHA-256 signature over the
--                   version's exact content, so a later change is detectable
--   courses, training_records   courses and completions (date, expiry)
-- Keep in step with sql/pg/0002_plans.sql (tests compare the two).

CREATE TABLE plans (
  id                  INTEGER PRIMARY KEY,
  org_id              INTEGER NOT NULL REFERENCES orgs(id),
  channel_id          INTEGER NOT NULL REFERENCES channels(id),
  version             INTEGER NOT NULL CHECK (version >= 1),
  status              TEXT NOT NULL CHECK (status IN ('draft', 'submitted',
                        'approved', 'rejected', 'superseded')),
  unit_id             INTEGER NOT NULL REFERENCES units(id),
  deciding_manager_id INTEGER REFERENCES people(id),
  medium              TEXT NOT NULL DEFAULT '',
  purpose             TEXT NOT NULL DEFAULT '',
  activities          TEXT NOT NULL DEFAULT '',
  responsible_id      INTEGER REFERENCES people(id),
  supervision         TEXT NOT NULL DEFAULT '',
  update_count        INTEGER NOT NULL DEFAULT 0 CHECK (update_count >= 0),
  update_period       TEXT NOT NULL DEFAULT 'week' CHECK (update_period IN ('day', 'week', 'month')),
  work_hours          INTEGER NOT NULL DEFAULT 0 CHECK (work_hours >= 0),
  work_period         TEXT NOT NULL DEFAULT 'week' CHECK (work_period IN ('week', 'month')),
  snapshot_person_id  INTEGER REFERENCES people(id),
  request_note        TEXT NOT NULL DEFAULT '',
  requested_by        INTEGER REFERENCES people(id),
  created_by          INTEGER REFERENCES people(id),
  submitted_by        INTEGER REFERENCES people(id),
  submitted_at        INTEGER,
  edits               INTEGER NOT NULL DEFAULT 0,  -- bumped by every change
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  UNIQUE (channel_id, version)
) STRICT;
CREATE INDEX plans_org_status ON plans(org_id, status);

CREATE TABLE plan_goals (
  id        INTEGER PRIMARY KEY,
  plan_id   INTEGER NOT NULL REFERENCES plans(id),
  position  INTEGER NOT NULL,
  text      TEXT NOT NULL DEFAULT '',
  metric    TEXT NOT NULL DEFAULT '',  -- '' = a qualitative goal
  target    INTEGER,
  period    TEXT NOT NULL DEFAULT '',
  UNIQUE (plan_id, position)
) STRICT;

CREATE TABLE plan_others (
  plan_id    INTEGER NOT NULL REFERENCES plans(id),
  person_id  INTEGER NOT NULL REFERENCES people(id),
  PRIMARY KEY (plan_id, person_id)
) STRICT;

CREATE TABLE plan_writers (
  plan_id    INTEGER NOT NULL REFERENCES plans(id),
  person_id  INTEGER NOT NULL REFERENCES people(id),
  PRIMARY KEY (plan_id, person_id)
) STRICT;

CREATE TABLE plan_comments (
  id            INTEGER PRIMARY KEY,
  plan_id       INTEGER NOT NULL REFERENCES plans(id),
  author_id     INTEGER NOT NULL REFERENCES people(id),
  author_name   TEXT NOT NULL,
  body          TEXT NOT NULL,
  consultation  INTEGER NOT NULL CHECK (consultation IN (0, 1)),
  plan_edits    INTEGER NOT NULL,  -- plans.edits when written
  created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX plan_comments_plan ON plan_comments(plan_id, id);

CREATE TABLE plan_decisions (
  id              INTEGER PRIMARY KEY,
  org_id          INTEGER NOT NULL REFERENCES orgs(id),
  plan_id         INTEGER NOT NULL UNIQUE REFERENCES plans(id),
  decision        TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
  signer_id       INTEGER NOT NULL REFERENCES people(id),
  signer_name     TEXT NOT NULL,
  signer_title    TEXT NOT NULL,
  decided_at      INTEGER NOT NULL,
  decided_on      TEXT NOT NULL,
  place           TEXT NOT NULL,
  note            TEXT NOT NULL,
  content_sha256  TEXT NOT NULL,
  signature       TEXT NOT NULL
) STRICT;

CREATE TRIGGER plan_decisions_no_update BEFORE UPDATE ON plan_decisions
BEGIN SELECT RAISE(ABORT, 'decisions are immutable'); END;
CREATE TRIGGER plan_decisions_no_delete BEFORE DELETE ON plan_decisions
BEGIN SELECT RAISE(ABORT, 'decisions are immutable'); END;
CREATE TRIGGER plan_comments_no_update BEFORE UPDATE ON plan_comments
BEGIN SELECT RAISE(ABORT, 'comments are append-only'); END;
CREATE TRIGGER plan_comments_no_delete BEFORE DELETE ON plan_comments
BEGIN SELECT RAISE(ABORT, 'comments are append-only'); END;

CREATE TABLE courses (
  id                  INTEGER PRIMARY KEY,
  org_id              INTEGER NOT NULL REFERENCES orgs(id),
  name                TEXT NOT NULL,
  description         TEXT NOT NULL DEFAULT '',
  validity_months     INTEGER NOT NULL DEFAULT 0 CHECK (validity_months >= 0),  -- 0 = never expires
  required_for_channel_roles INTEGER NOT NULL DEFAULT 0 CHECK (required_for_channel_roles IN (0, 1)),
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  UNIQUE (org_id, name)
) STRICT;

CREATE TABLE training_records (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES orgs(id),
  person_id     INTEGER NOT NULL REFERENCES people(id),
  course_id     INTEGER NOT NULL REFERENCES courses(id),
  completed_on  TEXT NOT NULL,
  expires_on    TEXT,  -- NULL = does not expire
  recorded_by   INTEGER REFERENCES people(id),
  created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX training_records_person ON training_records(person_id, course_id);
