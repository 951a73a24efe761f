-- 007: less for PostgreSQL to write per interaction (bench/README.md, "2026-12-04 (evening)").
--
-- messages_lead_occurred_idx (lead_id, occurred_at), from 001, is a prefix of 004's messages_lead_timeline_idx
-- (lead_id, occurred_at, id): the timeline index serves every query the shorter one did, and every message paid for both.
DROP INDEX IF EXISTS messages_lead_occurred_idx;

-- The journey rewrites its row once per batch that has the lead; free room on the page lets PostgreSQL do that in
-- place (a HOT update), without new entries in the table's indexes.
ALTER TABLE lead_journeys SET (fillfactor = 70);
