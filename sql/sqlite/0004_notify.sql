-- 0004_notify.sql (SQLite): in-app notifications, the mail outbox and each
-- person's mail preference (issue 3, notifications).
-- Times are INTEGER seconds since the epoch (UTC).
-- Keep in step with sql/pg/0004_notify.sql (tests compare the two).

-- One row per alert raised for one person.  dedup_key names the alert and
-- its period ("no_responsible:channel:12:2027-05-03"), so the same alert
-- is raised once per person and period however often the generators run.
CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  person_id   INTEGER NOT NULL REFERENCES people(id),
  kind        TEXT NOT NULL,
  dedup_key   TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL DEFAULT '',
  link        TEXT NOT NULL DEFAULT '',   -- a local path such as /channels/12
  created_at  INTEGER NOT NULL,
  read_at     INTEGER,
  UNIQUE (person_id, dedup_key)
) STRICT;
CREATE INDEX notifications_person ON notifications(person_id, created_at);
CREATE INDEX notifications_unread ON notifications(person_id, read_at);

-- Mail waiting to be sent, sent, or given up on.  A notification's mail is
-- queued in the same transaction as the notification and sent after the
-- commit; failures are retried with exponential backoff (next_attempt_at)
-- and the row becomes 'failed' after the last attempt.  Rows are kept.
CREATE TABLE mail_outbox (
  id              INTEGER PRIMARY KEY,
  org_id          INTEGER REFERENCES orgs(id),
  notification_id INTEGER REFERENCES notifications(id),
  to_addr         TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  message_id      TEXT NOT NULL,            -- the same on every attempt
  state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER
) STRICT;
CREATE INDEX mail_outbox_due ON mail_outbox(state, next_attempt_at);
CREATE INDEX mail_outbox_org ON mail_outbox(org_id, id);

-- A person's choice to get notifications by e-mail too (default: on, so a
-- person without a row gets mail).
CREATE TABLE notify_prefs (
  person_id   INTEGER PRIMARY KEY REFERENCES people(id),
  mail        INTEGER NOT NULL DEFAULT 1 CHECK (mail IN (0, 1)),
  updated_at  INTEGER NOT NULL
) STRICT;
