-- 006: the dashboard's stats from maintained rollups instead of aggregating all_leads / messages on every request.
--
-- lead_stats counts leads per (brand, UTC day of first_interaction_at, first_touchpoint, last_touchpoint, journey);
-- lead_activity holds each lead active on a channel once per UTC day, and activity_stats counts those days by the
-- lead's previous active day, so the distinct leads of any range of whole days is one sum. Ingest never updates a
-- shared counter: its triggers only append (lead_stats_changes +1 / -1, lead_activity_pending), so concurrent
-- transactions never wait on a hot row, and proxe_compact_stats() (run every few seconds by the workers) moves the
-- pending rows into the rollups in one transaction. Readers add what is pending, so answers are exact at any time.

CREATE TABLE IF NOT EXISTS lead_stats (
    brand text NOT NULL,
    day date,  -- NULL: leads without first_interaction_at
    first_touchpoint text NOT NULL,
    last_touchpoint text NOT NULL,
    journey text[] NOT NULL,
    leads bigint NOT NULL,
    CONSTRAINT lead_stats_key UNIQUE NULLS NOT DISTINCT (brand, day, first_touchpoint, last_touchpoint, journey)
);

CREATE TABLE IF NOT EXISTS lead_stats_changes (
    brand text NOT NULL,
    day date,
    first_touchpoint text NOT NULL,
    last_touchpoint text NOT NULL,
    journey text[] NOT NULL,
    leads integer NOT NULL
);

CREATE TABLE IF NOT EXISTS lead_activity (
    brand text NOT NULL,
    start date NOT NULL,
    channel text NOT NULL,
    lead_id uuid NOT NULL,
    CONSTRAINT lead_activity_pkey PRIMARY KEY (brand, start, channel, lead_id)
);
-- A lead's days on a channel: the previous active day, and whether a lead was active in a few edge days.
CREATE INDEX IF NOT EXISTS lead_activity_lead_idx ON lead_activity (lead_id, channel, start);

-- Days of lead_activity not yet counted in activity_stats (appended by ingest, emptied by proxe_compact_stats()).
CREATE TABLE IF NOT EXISTS lead_activity_pending (
    brand text NOT NULL,
    start date NOT NULL,
    channel text NOT NULL,
    lead_id uuid NOT NULL
);

-- leads: how many leads were active on the channel on day start and, before that, last on day prev (NULL: never).
-- The distinct leads active in whole days [d0, d1) are then one sum: start in [d0, d1) and prev NULL or before d0
-- (each lead counted on its first day in the range), whatever the range; a day or week bucket is such a range.
CREATE TABLE IF NOT EXISTS activity_stats (
    brand text NOT NULL,
    channel text NOT NULL,
    start date NOT NULL,
    prev date,
    leads bigint NOT NULL,
    CONSTRAINT activity_stats_key UNIQUE NULLS NOT DISTINCT (brand, start, channel, prev)
);

-- The key of a lead in lead_stats moves when its first interaction (a late earlier one), touchpoints or journey change.
CREATE OR REPLACE FUNCTION proxe_all_leads_track_stats() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO lead_stats_changes (brand, day, first_touchpoint, last_touchpoint, journey, leads)
        VALUES (OLD.brand, (OLD.first_interaction_at AT TIME ZONE 'UTC')::date, OLD.first_touchpoint, OLD.last_touchpoint, OLD.journey, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO lead_stats_changes (brand, day, first_touchpoint, last_touchpoint, journey, leads)
        VALUES (NEW.brand, (NEW.first_interaction_at AT TIME ZONE 'UTC')::date, NEW.first_touchpoint, NEW.last_touchpoint, NEW.journey, 1);
    END IF;
    RETURN NULL;
END
$$;

-- A new message adds its (lead, channel) to the UTC day it falls in; the days that were new wait in lead_activity_pending.
CREATE OR REPLACE FUNCTION proxe_messages_track_activity() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    WITH added AS (
        INSERT INTO lead_activity (brand, start, channel, lead_id)
        SELECT DISTINCT brand, (occurred_at AT TIME ZONE 'UTC')::date, channel, lead_id FROM new_rows
        ORDER BY 1, 2, 3, 4  -- one order for every transaction: these inserts never deadlock one another
        ON CONFLICT DO NOTHING
        RETURNING brand, start, channel, lead_id)
    INSERT INTO lead_activity_pending (brand, start, channel, lead_id) SELECT brand, start, channel, lead_id FROM added;
    RETURN NULL;
END
$$;

-- pending: rows of lead_activity_pending (as jsonb). What they change in activity_stats: each (lead, channel) they
-- touch counted over its days without them (-1) and with them (+1), so a day that arrives late, before others,
-- also moves the next day's prev. Used by the compaction and, for what is not compacted yet, by the readers.
CREATE OR REPLACE FUNCTION proxe_activity_stats_changes(pending jsonb)
RETURNS TABLE (brand text, channel text, start date, prev date, leads bigint)
LANGUAGE sql STABLE
AS $$
    WITH p AS (SELECT * FROM jsonb_to_recordset(pending) AS p (brand text, start date, channel text, lead_id uuid)),
         days AS (SELECT a.brand, a.channel, a.lead_id, a.start,
                         EXISTS (SELECT FROM p WHERE (p.lead_id, p.channel, p.start) = (a.lead_id, a.channel, a.start)) AS is_pending
                  FROM lead_activity a
                  WHERE (a.lead_id, a.channel) IN (SELECT DISTINCT p.lead_id, p.channel FROM p)),
         counted AS (SELECT d.brand, d.channel, d.start, lag(d.start) OVER w AS prev, 1 AS leads
                     FROM days d WINDOW w AS (PARTITION BY d.lead_id, d.channel ORDER BY d.start)
                     UNION ALL
                     SELECT d.brand, d.channel, d.start, lag(d.start) OVER w, -1
                     FROM days d WHERE NOT d.is_pending WINDOW w AS (PARTITION BY d.lead_id, d.channel ORDER BY d.start))
    SELECT c.brand, c.channel, c.start, c.prev, sum(c.leads)::bigint FROM counted c
    GROUP BY c.brand, c.channel, c.start, c.prev HAVING sum(c.leads) <> 0
$$;

-- Moves what is pending into the rollups; one caller at a time (the others return 0 at once). A key that empties
-- keeps its row at 0 (bounded by the keys ever used; readers skip it). Returns the number of rows moved.
CREATE OR REPLACE FUNCTION proxe_compact_stats() RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    leads_moved bigint;
    activity_moved bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('proxe_compact_stats')) THEN
        RETURN 0;
    END IF;

    WITH moved AS (DELETE FROM lead_stats_changes RETURNING *),
         summed AS (SELECT brand, day, first_touchpoint, last_touchpoint, journey, sum(leads) AS leads, count(*) AS deltas
                    FROM moved GROUP BY brand, day, first_touchpoint, last_touchpoint, journey),
         merged AS (INSERT INTO lead_stats (brand, day, first_touchpoint, last_touchpoint, journey, leads)
                    SELECT brand, day, first_touchpoint, last_touchpoint, journey, leads FROM summed WHERE leads <> 0
                    ON CONFLICT ON CONSTRAINT lead_stats_key DO UPDATE SET leads = lead_stats.leads + excluded.leads)
    SELECT coalesce(sum(deltas), 0) INTO leads_moved FROM summed;

    WITH moved AS (DELETE FROM lead_activity_pending RETURNING *),
         merged AS (INSERT INTO activity_stats (brand, channel, start, prev, leads)
                    SELECT * FROM proxe_activity_stats_changes((SELECT jsonb_agg(moved) FROM moved))
                    ON CONFLICT ON CONSTRAINT activity_stats_key DO UPDATE SET leads = activity_stats.leads + excluded.leads)
    SELECT count(*) INTO activity_moved FROM moved;

    RETURN leads_moved + activity_moved;
END
$$;

-- Most updates of a lead (last_interaction_at, context) leave its key alone and cost no call.
CREATE OR REPLACE TRIGGER all_leads_track_stats AFTER INSERT OR DELETE ON all_leads
    FOR EACH ROW EXECUTE FUNCTION proxe_all_leads_track_stats();
CREATE OR REPLACE TRIGGER all_leads_track_stats_update AFTER UPDATE ON all_leads
    FOR EACH ROW
    WHEN ((OLD.brand, (OLD.first_interaction_at AT TIME ZONE 'UTC')::date, OLD.first_touchpoint, OLD.last_touchpoint, OLD.journey)
          IS DISTINCT FROM
          (NEW.brand, (NEW.first_interaction_at AT TIME ZONE 'UTC')::date, NEW.first_touchpoint, NEW.last_touchpoint, NEW.journey))
    EXECUTE FUNCTION proxe_all_leads_track_stats();
CREATE OR REPLACE TRIGGER messages_track_activity AFTER INSERT ON messages
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proxe_messages_track_activity();

-- Existing data, recomputed from scratch (so a re-run gives the same rollups). The triggers above already hold the
-- locks that keep ingest out until this transaction commits, so no row is missed or counted twice.
DELETE FROM lead_stats_changes;
DELETE FROM lead_stats;
INSERT INTO lead_stats (brand, day, first_touchpoint, last_touchpoint, journey, leads)
SELECT brand, (first_interaction_at AT TIME ZONE 'UTC')::date, first_touchpoint, last_touchpoint, journey, count(*)
FROM all_leads GROUP BY 1, 2, 3, 4, 5;

INSERT INTO lead_activity (brand, start, channel, lead_id)
SELECT DISTINCT brand, (occurred_at AT TIME ZONE 'UTC')::date, channel, lead_id FROM messages
ON CONFLICT DO NOTHING;
DELETE FROM lead_activity_pending;
DELETE FROM activity_stats;
INSERT INTO activity_stats (brand, channel, start, prev, leads)
SELECT brand, channel, start, prev, count(*)
FROM (SELECT brand, channel, start, lag(start) OVER (PARTITION BY lead_id, channel ORDER BY start) AS prev FROM lead_activity) a
GROUP BY 1, 2, 3, 4;

-- Roles, grants and row-level security as 001 / 004 give every table: ingest writes (its triggers and the
-- compaction), the reader and Supabase's authenticated read their brands only.
GRANT SELECT, INSERT, DELETE ON lead_stats_changes, lead_activity_pending TO proxe_ingest;
GRANT SELECT, INSERT ON lead_activity TO proxe_ingest;
GRANT SELECT, INSERT, UPDATE ON lead_stats, activity_stats TO proxe_ingest;
GRANT SELECT ON lead_stats, lead_stats_changes, lead_activity, lead_activity_pending, activity_stats TO proxe_reader;

DO $$
DECLARE
    t text;
    has_authenticated boolean := EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated');
    has_anon boolean := EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon');
BEGIN
    FOREACH t IN ARRAY ARRAY['lead_stats', 'lead_stats_changes', 'lead_activity', 'lead_activity_pending', 'activity_stats'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);

        EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_ingest', t);
        EXECUTE format('CREATE POLICY %I ON %I TO proxe_ingest USING (true) WITH CHECK (true)', t || '_ingest', t);

        EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_reader', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO proxe_reader USING (brand = ANY ((SELECT proxe_request_brands())::text[]))',
                       t || '_reader', t);

        IF has_anon THEN
            EXECUTE format('REVOKE ALL ON %I FROM anon', t);
        END IF;
        IF has_authenticated THEN
            EXECUTE format('REVOKE ALL ON %I FROM authenticated', t);
            EXECUTE format('GRANT SELECT ON %I TO authenticated', t);
            EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_authenticated', t);
            EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO authenticated USING (brand = ANY ((SELECT proxe_jwt_brands())::text[]))',
                           t || '_authenticated', t);
        END IF;
    END LOOP;
END
$$;
