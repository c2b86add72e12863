-- 0008_intake_index.sql (PostgreSQL): the scheduler's intake pass
-- (inbox_intake_pass, src/inbox/engine.c) looks every tick for inbound
-- items of the last eight days that are not in the inbox; this index lets
-- it read only those days instead of every item.
-- Keep in step with sql/sqlite/0008_intake_index.sql.
CREATE INDEX items_first_seen ON items(first_seen_at);
