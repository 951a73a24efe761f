-- 006: the dashboard's stats from maintained rollups instead of aggregating all_leads / messages on every request.
--
-- lead_stats counts leads per (brand, UTC day of first_interaction_at, first_touchpoint, last_touchpoint, journey);
-- lead_activity holds each lead active on a channel once per UTC day and once per UTC week (weeks start on Monday);
-- activity_stats counts those rows per (brand, period, start, channel). Ingest never updates a shared counter: its
-- triggers append +1 / -1 rows to lead_stats_changes and activity_stats_changes, so concurrent transactions never
-- wait on a hot row, and proxe_compact_stats() (run every few seconds by the workers) moves the deltas into the
-- rollups in one transaction. Readers add the pending deltas to the rollups, so answers are exact at any time.

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
    period text NOT NULL,
    start date NOT NULL,
    channel text NOT NULL,
    lead_id uuid NOT NULL,
    -- In this order so a brand's days of a range are one index range (the distinct leads of a range read it).
    CONSTRAINT lead_activity_pkey PRIMARY KEY (brand, period, start, channel, lead_id),
    CONSTRAINT lead_activity_period_check CHECK (period IN ('day', 'week'))
);

CREATE TABLE IF NOT EXISTS activity_stats (
    brand text NOT NULL,
    period text NOT NULL,
    start date NOT NULL,
    channel text NOT NULL,
    leads bigint NOT NULL,
    CONSTRAINT activity_stats_pkey PRIMARY KEY (brand, period, start, channel)
);

CREATE TABLE IF NOT EXISTS activity_stats_changes (
    brand text NOT NULL,
    period text NOT NULL,
    start date NOT NULL,
    channel text NOT NULL,
    leads integer NOT NULL
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

-- A new message adds its (lead, channel) to the day and week it falls in; only the rows that were new count.
CREATE OR REPLACE FUNCTION proxe_messages_track_activity() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    WITH added AS (
        INSERT INTO lead_activity (brand, period, start, channel, lead_id)
        SELECT DISTINCT m.brand, p.period, date_trunc(p.period, m.occurred_at AT TIME ZONE 'UTC')::date, m.channel, m.lead_id
        FROM new_rows m, (VALUES ('day'), ('week')) p (period)
        ORDER BY 1, 2, 3, 4, 5  -- one order for every transaction: concurrent batches wait on each other, never deadlock
        ON CONFLICT DO NOTHING
        RETURNING brand, period, start, channel)
    INSERT INTO activity_stats_changes (brand, period, start, channel, leads)
    SELECT brand, period, start, channel, count(*) FROM added GROUP BY brand, period, start, channel;
    RETURN NULL;
END
$$;

-- Moves the pending deltas into the rollups; one caller at a time (the others return 0 at once). A key that empties
-- keeps its row at 0 (bounded by the keys ever used; readers skip it). Returns the number of deltas moved.
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

    WITH moved AS (DELETE FROM activity_stats_changes RETURNING *),
         summed AS (SELECT brand, period, start, channel, sum(leads) AS leads, count(*) AS deltas
                    FROM moved GROUP BY brand, period, start, channel),
         merged AS (INSERT INTO activity_stats (brand, period, start, channel, leads)
                    SELECT brand, period, start, channel, leads FROM summed
                    ON CONFLICT ON CONSTRAINT activity_stats_pkey DO UPDATE SET leads = activity_stats.leads + excluded.leads)
    SELECT coalesce(sum(deltas), 0) INTO activity_moved FROM summed;

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

INSERT INTO lead_activity (brand, period, start, channel, lead_id)
SELECT DISTINCT m.brand, p.period, date_trunc(p.period, m.occurred_at AT TIME ZONE 'UTC')::date, m.channel, m.lead_id
FROM messages m, (VALUES ('day'), ('week')) p (period)
ON CONFLICT DO NOTHING;
DELETE FROM activity_stats_changes;
DELETE FROM activity_stats;
INSERT INTO activity_stats (brand, period, start, channel, leads)
SELECT brand, period, start, channel, count(*) FROM lead_activity GROUP BY 1, 2, 3, 4;

-- Roles, grants and row-level security as 001 / 004 give every table: ingest writes (its triggers and the
-- compaction), the reader and Supabase's authenticated read their brands only.
GRANT SELECT, INSERT, DELETE ON lead_stats_changes, activity_stats_changes TO proxe_ingest;
GRANT SELECT, INSERT ON lead_activity TO proxe_ingest;
GRANT SELECT, INSERT, UPDATE ON lead_stats, activity_stats TO proxe_ingest;
GRANT SELECT ON lead_stats, lead_stats_changes, lead_activity, activity_stats, activity_stats_changes TO proxe_reader;

DO $$
DECLARE
    t text;
    has_authenticated boolean := EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated');
    has_anon boolean := EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon');
BEGIN
    FOREACH t IN ARRAY ARRAY['lead_stats', 'lead_stats_changes', 'lead_activity', 'activity_stats', 'activity_stats_changes'] LOOP
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
