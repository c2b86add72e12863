-- 0003_rota.sql (SQLite): supervision rota (shifts, absences), the
-- organisation's governance policy, the channel update log, periodic
-- reviews and closures (REQUIREMENTS.md R2.4-R2.7, seed 003).
-- Times are INTEGER seconds since the epoch (UTC); dates are 'YYYY-MM-DD'.
-- Keep in step with sql/pg/0003_rota.sql (tests compare the two).

-- One row per organisation (absent = the defaults): how often every
-- channel is reviewed, and which hours a channel must have someone on
-- watch.  'all' days = every day, weekends and holidays included (seed
-- 003: "även under semestrar"); 'business' = Monday-Friday except public
-- holidays and de facto days off.
CREATE TABLE org_policies (
  org_id          INTEGER PRIMARY KEY REFERENCES orgs(id),
  review_months   INTEGER NOT NULL DEFAULT 12 CHECK (review_months BETWEEN 1 AND 60),
  watch_days      TEXT NOT NULL DEFAULT 'all' CHECK (watch_days IN ('all', 'business')),
  watch_from_hour INTEGER NOT NULL DEFAULT 0 CHECK (watch_from_hour BETWEEN 0 AND 23),
  watch_to_hour   INTEGER NOT NULL DEFAULT 24 CHECK (watch_to_hour BETWEEN 1 AND 24),
  updated_at      INTEGER NOT NULL,
  CHECK (watch_from_hour < watch_to_hour)
) STRICT;

-- Who watches a channel when: [starts_at, ends_at).
CREATE TABLE shifts (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  channel_id  INTEGER NOT NULL REFERENCES channels(id),
  person_id   INTEGER NOT NULL REFERENCES people(id),
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  note        TEXT NOT NULL DEFAULT '',
  created_by  INTEGER REFERENCES people(id),
  created_at  INTEGER NOT NULL,
  CHECK (ends_at > starts_at)
) STRICT;
CREATE INDEX shifts_channel ON shifts(channel_id, starts_at);
CREATE INDEX shifts_person ON shifts(person_id, starts_at);

-- A person away: [starts_at, ends_at); all_day = given as whole local days.
CREATE TABLE absences (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  person_id   INTEGER NOT NULL REFERENCES people(id),
  kind        TEXT NOT NULL CHECK (kind IN ('holiday', 'leave', 'sick', 'other')),
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  all_day     INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),
  note        TEXT NOT NULL DEFAULT '',
  created_by  INTEGER REFERENCES people(id),
  created_at  INTEGER NOT NULL,
  CHECK (ends_at > starts_at)
) STRICT;
CREATE INDEX absences_person ON absences(person_id, starts_at);

-- What a channel actually published: 'manual' log entries until the
-- connectors (issue 4) add 'platform' entries.
CREATE TABLE channel_updates (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  channel_id   INTEGER NOT NULL REFERENCES channels(id),
  published_at INTEGER NOT NULL,
  source       TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'platform')),
  note         TEXT NOT NULL DEFAULT '',
  logged_by    INTEGER REFERENCES people(id),
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX channel_updates_channel ON channel_updates(channel_id, published_at);

-- Periodic reviews of a channel.
CREATE TABLE reviews (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  channel_id   INTEGER NOT NULL REFERENCES channels(id),
  reviewer_id  INTEGER REFERENCES people(id),
  reviewed_on  TEXT NOT NULL,
  findings     TEXT NOT NULL,
  outcome      TEXT NOT NULL CHECK (outcome IN ('keep', 'change', 'close')),
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX reviews_channel ON reviews(channel_id, reviewed_on);

-- Closing a channel: the analysis of why it did not work, what was tried,
-- and the final capture (JSON of the register entry, its recent update log
-- and reviews; the platform capture arrives with the connectors).
CREATE TABLE closures (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  channel_id   INTEGER NOT NULL REFERENCES channels(id),
  analysis     TEXT NOT NULL,
  tried        TEXT NOT NULL,
  closed_by    INTEGER REFERENCES people(id),
  closed_on    TEXT NOT NULL,
  closed_at    INTEGER NOT NULL,
  capture_json TEXT NOT NULL
) STRICT;
CREATE INDEX closures_channel ON closures(channel_id, closed_at);
