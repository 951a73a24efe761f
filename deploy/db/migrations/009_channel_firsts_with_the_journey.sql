-- 009: the workers' channel transactions no longer update all_leads when a lead first uses a channel; the LeadJourney
-- saga's save of the lead, which updates that row anyway, takes the new first time with it (bench/README.md,
-- "2026-12-06 (stop 29)"). The triggers of 004/005 made each first message or session of a lead on a channel an
-- UPDATE of its all_leads row (ten indexes, never a HOT update) inside the channel's transaction, and that UPDATE
-- waited while the journey held the row for its whole batch: the channel transactions queued behind the journey's,
-- holding their identity locks.
--
-- The rule is unchanged (first message's occurred_at, or first session's created_at; only a new or earlier time is
-- kept) and still taken by the same triggers. Where it lands depends on the writer: a connection with
-- proxe.channel_firsts = 'journey' (the workers' connection string sets it) notes the time in lead_channel_firsts,
-- and the journey merges it in its save (LeadJourneys). Every other writer keeps the immediate UPDATE of 004/005.
-- A noted time no journey save has taken (its event lost after the commit) is merged by
-- proxe_merge_noted_channel_firsts(), which the workers call every half minute (NotedChannelFirstsMerger).

CREATE TABLE IF NOT EXISTS lead_channel_firsts (
    lead_id  uuid        NOT NULL,
    channel  text        NOT NULL,
    brand    text        NOT NULL,
    first_at timestamptz NOT NULL,
    noted_at timestamptz NOT NULL DEFAULT statement_timestamp(),
    PRIMARY KEY (lead_id, channel),
    CONSTRAINT lead_channel_firsts_lead_fkey FOREIGN KEY (brand, lead_id) REFERENCES all_leads (brand, id)
);

-- The merge rule in one place: the times of `seen` that are new or earlier than those `known`.
CREATE OR REPLACE FUNCTION proxe_channel_firsts_merged(known jsonb, seen jsonb) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT known || coalesce((SELECT jsonb_object_agg(s.key, s.value) FROM jsonb_each(seen) s
                              WHERE NOT known ? s.key OR (known ->> s.key)::timestamptz > (s.value #>> '{}')::timestamptz), '{}')
$$;

CREATE OR REPLACE FUNCTION proxe_messages_track_channels() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM new_rows) THEN
        RETURN NULL;
    END IF;
    -- A noted time this transaction writes or locks (ON CONFLICT locks the row even when it keeps it) is skipped by
    -- the journey's save until the commit, and taken by the save of the event that follows it.
    IF current_setting('proxe.channel_firsts', true) = 'journey' THEN
        INSERT INTO lead_channel_firsts AS n (lead_id, channel, brand, first_at)
        SELECT s.lead_id, s.channel, x.brand, s.first_at
        FROM (SELECT lead_id, channel, min(occurred_at) AS first_at FROM new_rows GROUP BY lead_id, channel) s
        JOIN all_leads x ON x.id = s.lead_id
        WHERE (NOT x.channel_first_at ? s.channel OR (x.channel_first_at ->> s.channel)::timestamptz > s.first_at)
          AND NOT EXISTS (SELECT FROM lead_channel_firsts o WHERE o.lead_id = s.lead_id AND o.channel = s.channel AND o.first_at <= s.first_at)
        ORDER BY 1, 2
        ON CONFLICT (lead_id, channel) DO UPDATE SET first_at = excluded.first_at, noted_at = statement_timestamp() WHERE excluded.first_at < n.first_at;
        RETURN NULL;
    END IF;
    -- Merged with the row as it is when locked: a writer that waited may follow one that stored an earlier time.
    UPDATE all_leads l SET channel_first_at = proxe_channel_firsts_merged(l.channel_first_at, earlier.firsts)
    FROM (SELECT s.lead_id, jsonb_object_agg(s.channel, s.first_at) AS firsts
          FROM (SELECT lead_id, channel, min(occurred_at) AS first_at FROM new_rows GROUP BY lead_id, channel) s
          JOIN all_leads x ON x.id = s.lead_id
          WHERE NOT x.channel_first_at ? s.channel OR (x.channel_first_at ->> s.channel)::timestamptz > s.first_at
          GROUP BY s.lead_id) earlier
    WHERE l.id = earlier.lead_id;
    RETURN NULL;
END
$$;

-- TG_ARGV[0]: the session table's channel.
CREATE OR REPLACE FUNCTION proxe_sessions_track_channels() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM new_rows) THEN
        RETURN NULL;
    END IF;
    IF current_setting('proxe.channel_firsts', true) = 'journey' THEN
        INSERT INTO lead_channel_firsts AS n (lead_id, channel, brand, first_at)
        SELECT s.lead_id, TG_ARGV[0], x.brand, s.first_at
        FROM (SELECT lead_id, min(created_at) AS first_at FROM new_rows GROUP BY lead_id) s
        JOIN all_leads x ON x.id = s.lead_id
        WHERE (NOT x.channel_first_at ? TG_ARGV[0] OR (x.channel_first_at ->> TG_ARGV[0])::timestamptz > s.first_at)
          AND NOT EXISTS (SELECT FROM lead_channel_firsts o WHERE o.lead_id = s.lead_id AND o.channel = TG_ARGV[0] AND o.first_at <= s.first_at)
        ORDER BY 1
        ON CONFLICT (lead_id, channel) DO UPDATE SET first_at = excluded.first_at, noted_at = statement_timestamp() WHERE excluded.first_at < n.first_at;
        RETURN NULL;
    END IF;
    UPDATE all_leads l SET channel_first_at = proxe_channel_firsts_merged(l.channel_first_at, jsonb_build_object(TG_ARGV[0], earlier.first_at))
    FROM (SELECT s.lead_id, s.first_at
          FROM (SELECT lead_id, min(created_at) AS first_at FROM new_rows GROUP BY lead_id) s
          JOIN all_leads x ON x.id = s.lead_id
          WHERE NOT x.channel_first_at ? TG_ARGV[0] OR (x.channel_first_at ->> TG_ARGV[0])::timestamptz > s.first_at) earlier
    WHERE l.id = earlier.lead_id;
    RETURN NULL;
END
$$;

-- The journey's save names channel_first_at in every UPDATE; the journey is recomputed only when it can have changed.
CREATE OR REPLACE FUNCTION proxe_all_leads_journey() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.first_touchpoint IS NOT DISTINCT FROM OLD.first_touchpoint
       AND NEW.channel_first_at IS NOT DISTINCT FROM OLD.channel_first_at THEN
        RETURN NEW;
    END IF;
    NEW.journey := proxe_lead_journey(NEW.first_touchpoint, NEW.channel_first_at);
    RETURN NEW;
END
$$;

-- Up to `most` noted times older than `older_than`, of leads no other transaction holds, merged into all_leads;
-- returns how many.
CREATE OR REPLACE FUNCTION proxe_merge_noted_channel_firsts(older_than interval, most int) RETURNS bigint
LANGUAGE sql
AS $$
    WITH due AS (SELECT lead_id, channel FROM lead_channel_firsts WHERE noted_at < now() - older_than
                 ORDER BY noted_at LIMIT most FOR UPDATE SKIP LOCKED),
         locked AS (SELECT id FROM all_leads WHERE id IN (SELECT lead_id FROM due) ORDER BY id FOR NO KEY UPDATE SKIP LOCKED),
         moved AS (DELETE FROM lead_channel_firsts n USING due, locked
                   WHERE n.lead_id = due.lead_id AND n.channel = due.channel AND n.lead_id = locked.id
                   RETURNING n.lead_id, n.channel, n.first_at),
         merged AS (UPDATE all_leads l SET channel_first_at = proxe_channel_firsts_merged(l.channel_first_at, m.firsts)
                    FROM (SELECT lead_id, jsonb_object_agg(channel, first_at) AS firsts FROM moved GROUP BY lead_id) m
                    WHERE l.id = m.lead_id)
    SELECT count(*) FROM moved
$$;

-- Roles, grants and row-level security as 008 gives its table: ingest writes (its triggers, the journey, the merge),
-- the reader and Supabase's authenticated read their brands only.
GRANT SELECT, INSERT, UPDATE, DELETE ON lead_channel_firsts TO proxe_ingest;
GRANT SELECT ON lead_channel_firsts TO proxe_reader;
ALTER TABLE lead_channel_firsts ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS lead_channel_firsts_ingest ON lead_channel_firsts;
CREATE POLICY lead_channel_firsts_ingest ON lead_channel_firsts TO proxe_ingest USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS lead_channel_firsts_reader ON lead_channel_firsts;
CREATE POLICY lead_channel_firsts_reader ON lead_channel_firsts FOR SELECT TO proxe_reader
    USING (brand = ANY ((SELECT proxe_request_brands())::text[]));
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN
        REVOKE ALL ON lead_channel_firsts FROM anon;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
        REVOKE ALL ON lead_channel_firsts FROM authenticated;
        GRANT SELECT ON lead_channel_firsts TO authenticated;
        DROP POLICY IF EXISTS lead_channel_firsts_authenticated ON lead_channel_firsts;
        CREATE POLICY lead_channel_firsts_authenticated ON lead_channel_firsts FOR SELECT TO authenticated
            USING (brand = ANY ((SELECT proxe_jwt_brands())::text[]));
    END IF;
END
$$;
