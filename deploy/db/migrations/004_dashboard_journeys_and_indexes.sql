-- 004: what the dashboard reads at 200,000 leads: each lead's journey kept on the row, and the indexes its queries use.
--
-- all_leads.journey is the lead's channels in order of first use: first_touchpoint, then the others by their first
-- interaction (a message's occurred_at, or a session's created_at for a channel with no message yet). lead_channels
-- holds that first time per (lead, channel); statement-level triggers on messages and the four session tables keep
-- both, set-based over each INSERT's rows, so a batch of inserts costs one upsert and one update. The journey stats
-- then group one column instead of aggregating every message.

CREATE TABLE IF NOT EXISTS lead_channels (
    brand text NOT NULL,
    lead_id uuid NOT NULL,
    channel text NOT NULL,
    first_at timestamptz NOT NULL,
    CONSTRAINT lead_channels_pkey PRIMARY KEY (lead_id, channel),
    CONSTRAINT lead_channels_lead_fkey FOREIGN KEY (brand, lead_id) REFERENCES all_leads (brand, id),
    CONSTRAINT lead_channels_channel_check CHECK (channel IN ('web', 'whatsapp', 'voice', 'social'))
);

ALTER TABLE all_leads ADD COLUMN IF NOT EXISTS journey text[] NOT NULL DEFAULT '{}';

-- The journey rule in one place (the dashboard reads all_leads.journey, never recomputes it).
CREATE OR REPLACE FUNCTION proxe_lead_journey(lead uuid, first_touchpoint text) RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT array_agg(c.channel ORDER BY c.channel <> first_touchpoint, c.first_at, c.channel)
    FROM (SELECT channel, first_at FROM lead_channels WHERE lead_id = lead
          UNION ALL
          SELECT first_touchpoint, '-infinity'::timestamptz
          WHERE NOT EXISTS (SELECT 1 FROM lead_channels WHERE lead_id = lead AND channel = first_touchpoint)) c
$$;

CREATE OR REPLACE FUNCTION proxe_refresh_journeys(leads uuid[]) RETURNS void
LANGUAGE sql
AS $$
    -- A join, not id = ANY (leads): one statement may touch many leads (a bulk import), and the join stays linear.
    UPDATE all_leads l SET journey = proxe_lead_journey(l.id, l.first_touchpoint)
    FROM unnest(leads) AS touched(id)
    WHERE l.id = touched.id AND l.journey IS DISTINCT FROM proxe_lead_journey(l.id, l.first_touchpoint)
$$;

CREATE OR REPLACE FUNCTION proxe_messages_track_channels() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO lead_channels AS c (brand, lead_id, channel, first_at)
    SELECT brand, lead_id, channel, min(occurred_at) FROM new_rows GROUP BY brand, lead_id, channel
    ON CONFLICT (lead_id, channel) DO UPDATE SET first_at = excluded.first_at WHERE excluded.first_at < c.first_at;
    PERFORM proxe_refresh_journeys(ARRAY(SELECT DISTINCT lead_id FROM new_rows));
    RETURN NULL;
END
$$;

-- TG_ARGV[0]: the session table's channel.
CREATE OR REPLACE FUNCTION proxe_sessions_track_channels() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO lead_channels AS c (brand, lead_id, channel, first_at)
    SELECT brand, lead_id, TG_ARGV[0], min(created_at) FROM new_rows GROUP BY brand, lead_id
    ON CONFLICT (lead_id, channel) DO UPDATE SET first_at = excluded.first_at WHERE excluded.first_at < c.first_at;
    PERFORM proxe_refresh_journeys(ARRAY(SELECT DISTINCT lead_id FROM new_rows));
    RETURN NULL;
END
$$;

-- first_touchpoint moves when an earlier interaction arrives late (002): the journey's head moves with it.
CREATE OR REPLACE FUNCTION proxe_all_leads_journey() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.first_touchpoint IS DISTINCT FROM OLD.first_touchpoint THEN
        NEW.journey := proxe_lead_journey(NEW.id, NEW.first_touchpoint);
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER all_leads_journey BEFORE INSERT OR UPDATE OF first_touchpoint ON all_leads
    FOR EACH ROW EXECUTE FUNCTION proxe_all_leads_journey();
CREATE OR REPLACE TRIGGER messages_track_channels AFTER INSERT ON messages
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proxe_messages_track_channels();
CREATE OR REPLACE TRIGGER web_sessions_track_channels AFTER INSERT ON web_sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proxe_sessions_track_channels('web');
CREATE OR REPLACE TRIGGER whatsapp_sessions_track_channels AFTER INSERT ON whatsapp_sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proxe_sessions_track_channels('whatsapp');
CREATE OR REPLACE TRIGGER voice_sessions_track_channels AFTER INSERT ON voice_sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proxe_sessions_track_channels('voice');
CREATE OR REPLACE TRIGGER social_sessions_track_channels AFTER INSERT ON social_sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proxe_sessions_track_channels('social');

-- Existing data. Triggers off so updated_at keeps telling when the lead itself last changed.
INSERT INTO lead_channels AS c (brand, lead_id, channel, first_at)
SELECT brand, lead_id, channel, min(first_at)
FROM (SELECT brand, lead_id, channel, occurred_at AS first_at FROM messages
      UNION ALL SELECT brand, lead_id, 'web', created_at FROM web_sessions
      UNION ALL SELECT brand, lead_id, 'whatsapp', created_at FROM whatsapp_sessions
      UNION ALL SELECT brand, lead_id, 'voice', created_at FROM voice_sessions
      UNION ALL SELECT brand, lead_id, 'social', created_at FROM social_sessions) seen
GROUP BY brand, lead_id, channel
ON CONFLICT (lead_id, channel) DO UPDATE SET first_at = excluded.first_at WHERE excluded.first_at < c.first_at;
ALTER TABLE all_leads DISABLE TRIGGER USER;
UPDATE all_leads SET journey = proxe_lead_journey(id, first_touchpoint)
WHERE journey IS DISTINCT FROM proxe_lead_journey(id, first_touchpoint);
ALTER TABLE all_leads ENABLE TRIGGER USER;

-- The dashboard's orders and ranges (printed by bench/Proxe.Bench.Dashboard with EXPLAIN).
CREATE INDEX IF NOT EXISTS all_leads_activity_idx ON all_leads ((coalesce(last_interaction_at, created_at)) DESC, id DESC);
CREATE INDEX IF NOT EXISTS all_leads_first_interaction_idx ON all_leads (first_interaction_at)
    INCLUDE (brand, first_touchpoint, last_touchpoint, journey);
CREATE INDEX IF NOT EXISTS lead_identities_kind_value_idx ON lead_identities (kind, value);
CREATE INDEX IF NOT EXISTS all_leads_lower_email_idx ON all_leads (lower(email));
CREATE INDEX IF NOT EXISTS messages_lead_timeline_idx ON messages (lead_id, occurred_at, id);
CREATE INDEX IF NOT EXISTS messages_occurred_idx ON messages (occurred_at) INCLUDE (brand, channel, lead_id);
-- The page's live refresh asks for the newest change: one probe each.
CREATE INDEX IF NOT EXISTS all_leads_updated_idx ON all_leads (updated_at);
CREATE INDEX IF NOT EXISTS messages_created_idx ON messages (created_at);

-- Grants and row-level security for the new table, as 001 does for the others.
GRANT SELECT, INSERT, UPDATE ON lead_channels TO proxe_ingest;
GRANT SELECT ON lead_channels TO proxe_reader;
ALTER TABLE lead_channels ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS lead_channels_ingest ON lead_channels;
CREATE POLICY lead_channels_ingest ON lead_channels TO proxe_ingest USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS lead_channels_reader ON lead_channels;
CREATE POLICY lead_channels_reader ON lead_channels FOR SELECT TO proxe_reader USING (brand = ANY (proxe_request_brands()));
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN
        REVOKE ALL ON lead_channels FROM anon;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
        REVOKE ALL ON lead_channels FROM authenticated;
        GRANT SELECT ON lead_channels TO authenticated;
        DROP POLICY IF EXISTS lead_channels_authenticated ON lead_channels;
        CREATE POLICY lead_channels_authenticated ON lead_channels FOR SELECT TO authenticated USING (brand = ANY (proxe_jwt_brands()));
    END IF;
END
$$;
