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

-- unified_leads as in 001, plus journey and first_interaction_at at the end (the seed's columns stay as they were).
CREATE OR REPLACE VIEW unified_leads WITH (security_invoker = true) AS
SELECT l.id,
       l.first_touchpoint,
       l.last_touchpoint,
       l.customer_name AS name,
       l.email,
       l.customer_phone_normalized AS phone,
       l.brand,
       l.created_at AS "timestamp",
       CASE WHEN w.session_count > 0 THEN jsonb_build_object('web',
                jsonb_build_object('session_count', w.session_count,
                                   'message_count', greatest(w.message_count, coalesce((mc.counts ->> 'web')::integer, 0))) || w.latest)
            ELSE '{}' END
       || CASE WHEN wa.session_count > 0 THEN jsonb_build_object('whatsapp',
                jsonb_build_object('session_count', wa.session_count,
                                   'message_count', greatest(wa.message_count, coalesce((mc.counts ->> 'whatsapp')::integer, 0))) || wa.latest)
            ELSE '{}' END
       || CASE WHEN v.session_count > 0 THEN jsonb_build_object('voice',
                jsonb_build_object('session_count', v.session_count,
                                   'message_count', coalesce((mc.counts ->> 'voice')::integer, 0)) || v.latest)
            ELSE '{}' END
       || CASE WHEN s.session_count > 0 THEN jsonb_build_object('social',
                jsonb_build_object('session_count', s.session_count,
                                   'message_count', coalesce((mc.counts ->> 'social')::integer, 0)) || s.latest)
            ELSE '{}' END AS metadata,
       l.last_interaction_at,
       l.unified_context,
       l.journey,
       l.first_interaction_at
FROM all_leads l
LEFT JOIN LATERAL (
    SELECT jsonb_object_agg(channel, n) AS counts
    FROM (SELECT m.channel, count(*) AS n FROM messages m
          WHERE m.lead_id = l.id AND m.brand = l.brand GROUP BY m.channel) per_channel
) mc ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS session_count,
           coalesce(sum(x.message_count), 0) AS message_count,
           (array_agg(jsonb_build_object(
                'session_id', x.id,
                'external_session_id', x.external_session_id,
                'chat_session_id', x.chat_session_id,
                'website_url', x.website_url,
                'booking_status', x.booking_status,
                'booking_date', x.booking_date,
                'booking_time', x.booking_time,
                'google_event_id', x.google_event_id,
                'conversation_summary', x.conversation_summary,
                'session_status', x.session_status,
                'last_message_at', x.last_message_at,
                'updated_at', x.updated_at)
            ORDER BY coalesce(x.last_message_at, x.updated_at) DESC, x.id))[1] AS latest
    FROM web_sessions x WHERE x.lead_id = l.id AND x.brand = l.brand
) w ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS session_count,
           coalesce(sum(x.message_count), 0) AS message_count,
           (array_agg(jsonb_build_object(
                'session_id', x.id,
                'whatsapp_contact_id', x.whatsapp_contact_id,
                'conversation_status', x.conversation_status,
                'conversation_summary', x.conversation_summary,
                'last_message_at', x.last_message_at,
                'last_message_from', x.last_message_from,
                'last_message_preview', x.last_message_preview,
                'response_time_avg_seconds', x.response_time_avg_seconds,
                'overall_sentiment', x.overall_sentiment,
                'last_status', x.last_status,
                'updated_at', x.updated_at)
            ORDER BY coalesce(x.last_message_at, x.updated_at) DESC, x.id))[1] AS latest
    FROM whatsapp_sessions x WHERE x.lead_id = l.id AND x.brand = l.brand
) wa ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS session_count,
           (array_agg(jsonb_build_object(
                'session_id', x.id,
                'call_sid', x.call_sid,
                'call_status', x.call_status,
                'call_direction', x.call_direction,
                'call_duration_seconds', x.call_duration_seconds,
                'recording_url', x.recording_url,
                'call_summary', x.call_summary,
                'sentiment', x.sentiment,
                'created_at', x.created_at,
                'updated_at', x.updated_at)
            ORDER BY x.created_at DESC, x.id))[1] AS latest
    FROM voice_sessions x WHERE x.lead_id = l.id AND x.brand = l.brand
) v ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS session_count,
           (array_agg(jsonb_build_object(
                'session_id', x.id,
                'platform', x.platform,
                'platform_user_id', x.platform_user_id,
                'platform_username', x.platform_username,
                'engagement_type', x.engagement_type,
                'engagement_count', x.engagement_count,
                'last_engagement_at', x.last_engagement_at,
                'conversation_summary', x.conversation_summary,
                'sentiment', x.sentiment,
                'updated_at', x.updated_at)
            ORDER BY coalesce(x.last_engagement_at, x.updated_at) DESC, x.id))[1] AS latest
    FROM social_sessions x WHERE x.lead_id = l.id AND x.brand = l.brand
) s ON true;

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

-- The brand list once per statement, not once per row: inlined, proxe_request_brands() splits the setting again for
-- every row a policy filters (230 ms over 16,000 rows); as a scalar subquery it is an InitPlan, evaluated once, and
-- still an index condition. The same rule as 001's policies, only cheaper (Supabase advises the same for auth.uid()).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['all_leads', 'lead_identities', 'lead_channels', 'web_sessions', 'whatsapp_sessions',
                             'voice_sessions', 'social_sessions', 'messages', 'lead_journeys'] LOOP
        EXECUTE format('ALTER POLICY %I ON %I USING (brand = ANY ((SELECT proxe_request_brands())::text[]))', t || '_reader', t);
        IF EXISTS (SELECT FROM pg_policies WHERE tablename = t AND policyname = t || '_authenticated') THEN
            EXECUTE format('ALTER POLICY %I ON %I USING (brand = ANY ((SELECT proxe_jwt_brands())::text[]))', t || '_authenticated', t);
        END IF;
    END LOOP;
END
$$;
