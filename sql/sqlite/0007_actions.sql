-- 0007_actions.sql (SQLite): what moderators did on the platform and
-- beyond (issue 5, src/jobs/act.c): replies sent through the connector,
-- removals with their frozen evidence, and case requests sent to the
-- registry with the back-reference and the journal reference the registry
-- answers with.  Times are INTEGER seconds since the epoch (UTC).
-- Keep in step with sql/pg/0007_actions.sql (tests compare the two).
-- docs/INBOX.md describes the model.

-- A reply: written, signed, sent once (idem_key), and its outcome.  A row
-- 'sending' whose process died is shown as "outcome unknown" until the
-- next sync captures the reply or a person retries it.
CREATE TABLE inbox_replies (
  id             INTEGER PRIMARY KEY,
  org_id         INTEGER NOT NULL REFERENCES orgs(id),
  item_id        INTEGER NOT NULL REFERENCES items(id),
  person_id      INTEGER REFERENCES people(id),
  text           TEXT NOT NULL,
  signed_text    TEXT NOT NULL,
  lang           TEXT NOT NULL DEFAULT '',
  idem_key       TEXT NOT NULL UNIQUE,
  state          TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
  platform_id    TEXT,
  url            TEXT,
  error          TEXT NOT NULL DEFAULT '',
  reply_item_id  INTEGER REFERENCES items(id),
  created_at     INTEGER NOT NULL,
  sent_at        INTEGER
) STRICT;
CREATE INDEX inbox_replies_item ON inbox_replies(item_id, created_at);

-- A removal: the evidence (a JSON document of the item, every version,
-- its events and raw payload hashes, stored as a blob) is frozen and
-- committed BEFORE the platform is asked to hide or delete; the ground is
-- one of the grounds of triage.h (BBS law § 5 and the penal codes).
CREATE TABLE removals (
  id               INTEGER PRIMARY KEY,
  org_id           INTEGER NOT NULL REFERENCES orgs(id),
  item_id          INTEGER NOT NULL REFERENCES items(id),
  version          INTEGER NOT NULL,
  person_id        INTEGER REFERENCES people(id),
  action           TEXT NOT NULL CHECK (action IN ('hide', 'delete', 'manual')),
  ground           TEXT NOT NULL,
  note             TEXT NOT NULL DEFAULT '',
  evidence_sha256  TEXT NOT NULL REFERENCES blobs(sha256),
  text_sha256      TEXT NOT NULL,
  frozen_at        INTEGER NOT NULL,
  platform_status  TEXT NOT NULL DEFAULT 'pending' CHECK (platform_status IN
                     ('pending', 'done', 'failed', 'unsupported', 'manual')),
  platform_error   TEXT NOT NULL DEFAULT '',
  done_at          INTEGER,
  sender_message   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX removals_item ON removals(item_id);
CREATE TRIGGER removals_evidence_fixed BEFORE UPDATE OF org_id, item_id,
  version, person_id, action, ground, evidence_sha256, text_sha256,
  frozen_at ON removals
BEGIN SELECT RAISE(ABORT, 'removal evidence is kept as frozen'); END;
CREATE TRIGGER removals_no_delete BEFORE DELETE ON removals
BEGIN SELECT RAISE(ABORT, 'removal evidence is kept as frozen'); END;

-- Where an organisation's registry (postmottak / registratur) takes case
-- requests: a mailbox.  The arkivmelding files go to the directory the
-- server is started with (--registry-dir), never one typed in the UI.
CREATE TABLE registry_settings (
  org_id      INTEGER PRIMARY KEY REFERENCES orgs(id),
  mailbox     TEXT NOT NULL DEFAULT '',
  updated_at  INTEGER NOT NULL
) STRICT;

-- A case request sent to the registry: our back-reference, the mail in
-- the outbox, the arkivmelding XML (a blob), and the journal reference
-- when the registry answers.
CREATE TABLE registry_sends (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  item_id      INTEGER NOT NULL REFERENCES items(id),
  person_id    INTEGER REFERENCES people(id),
  reference    TEXT NOT NULL UNIQUE,
  mailbox      TEXT NOT NULL DEFAULT '',
  mail_id      INTEGER REFERENCES mail_outbox(id),
  xml_sha256   TEXT REFERENCES blobs(sha256),
  file_name    TEXT NOT NULL DEFAULT '',
  note         TEXT NOT NULL DEFAULT '',
  sent_at      INTEGER NOT NULL,
  journal_ref  TEXT,
  journal_at   INTEGER,
  journal_by   INTEGER REFERENCES people(id)
) STRICT;
CREATE INDEX registry_sends_item ON registry_sends(item_id);
