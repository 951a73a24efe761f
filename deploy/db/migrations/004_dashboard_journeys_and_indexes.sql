-- 004: what the dashboard reads at 200,000 leads: each lead's journey kept on its row, the indexes its queries use,
-- and row-level security that evaluates the brand list once per statement.
--
-- all_leads.journey is the lead's channels in order of first use: first_touchpoint, then the others by their first
-- interaction (a message's occurred_at, or a session's created_at for a channel with no message yet);
-- all_leads.channel_first_at holds those first times ({"web": "2025-01-01T10:00:00+00:00", ...}). Statement-level
-- triggers on messages and the four session tables keep them, set-based over each INSERT's rows, so a batch of
-- inserts costs one UPDATE of the leads it touched, and only when a channel is new or earlier. The journey stats then
-- group one column instead of aggregating every message. unified_leads is left as 001 made it (001 stays re-runnable).

ALTER TABLE all_leads ADD COLUMN IF NOT EXISTS channel_first_at jsonb NOT NULL DEFAULT '{}';
ALTER TABLE all_leads ADD COLUMN IF NOT EXISTS journey text[] NOT NULL DEFAULT '{}';

-- The journey rule in one place (the dashboard reads all_leads.journey, never recomputes it).
CREATE OR REPLACE FUNCTION proxe_lead_journey(first_touchpoint text, channel_first_at jsonb) RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT array_agg(c.channel ORDER BY c.channel <> first_touchpoint, c.first_at, c.channel)
    FROM (SELECT key AS channel, value::timestamptz AS first_at FROM jsonb_each_text(channel_first_at)
          UNION ALL
          SELECT first_touchpoint, '-infinity'::timestamptz WHERE NOT channel_first_at ? first_touchpoint) c
$$;

-- seen: (lead_id, channel, first_at) of one INSERT. Merges the earlier times into the leads they belong to.
CREATE OR REPLACE FUNCTION proxe_merge_channel_first_at(seen jsonb) RETURNS void
LANGUAGE sql
AS $$
    UPDATE all_leads l SET channel_first_at = l.channel_first_at || earlier.firsts
    FROM (SELECT s.lead_id, jsonb_object_agg(s.channel, s.first_at) AS firsts
          FROM jsonb_to_recordset(seen) AS s(lead_id uuid, channel text, first_at timestamptz)
          JOIN all_leads x ON x.id = s.lead_id
          WHERE NOT x.channel_first_at ? s.channel OR (x.channel_first_at ->> s.channel)::timestamptz > s.first_at
          GROUP BY s.lead_id) earlier
    WHERE l.id = earlier.lead_id
$$;

CREATE OR REPLACE FUNCTION proxe_messages_track_channels() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM proxe_merge_channel_first_at((
        SELECT jsonb_agg(jsonb_build_object('lead_id', lead_id, 'channel', channel, 'first_at', first_at))
        FROM (SELECT lead_id, channel, min(occurred_at) AS first_at FROM new_rows GROUP BY lead_id, channel) seen));
    RETURN NULL;
END
$$;

-- TG_ARGV[0]: the session table's channel.
CREATE OR REPLACE FUNCTION proxe_sessions_track_channels() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM proxe_merge_channel_first_at((
        SELECT jsonb_agg(jsonb_build_object('lead_id', lead_id, 'channel', TG_ARGV[0], 'first_at', first_at))
        FROM (SELECT lead_id, min(created_at) AS first_at FROM new_rows GROUP BY lead_id) seen));
    RETURN NULL;
END
$$;

-- Every write of a lead recomputes its journey from its own columns: first_touchpoint may move to an earlier
-- interaction that arrived late (002), and channel_first_at grows.
CREATE OR REPLACE FUNCTION proxe_all_leads_journey() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.journey := proxe_lead_journey(NEW.first_touchpoint, NEW.channel_first_at);
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER all_leads_journey BEFORE INSERT OR UPDATE OF first_touchpoint, channel_first_at ON all_leads
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
ALTER TABLE all_leads DISABLE TRIGGER USER;
UPDATE all_leads l SET channel_first_at = seen.firsts, journey = proxe_lead_journey(l.first_touchpoint, seen.firsts)
FROM (SELECT lead_id, jsonb_object_agg(channel, first_at) AS firsts
      FROM (SELECT lead_id, channel, min(first_at) AS first_at
            FROM (SELECT lead_id, channel, occurred_at AS first_at FROM messages
                  UNION ALL SELECT lead_id, 'web', created_at FROM web_sessions
                  UNION ALL SELECT lead_id, 'whatsapp', created_at FROM whatsapp_sessions
                  UNION ALL SELECT lead_id, 'voice', created_at FROM voice_sessions
                  UNION ALL SELECT lead_id, 'social', created_at FROM social_sessions) any_channel
            GROUP BY lead_id, channel) per_channel
      GROUP BY lead_id) seen
WHERE l.id = seen.lead_id;
UPDATE all_leads SET journey = proxe_lead_journey(first_touchpoint, channel_first_at) WHERE journey = '{}';
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

-- The brand list once per statement, not once per row: inlined, proxe_request_brands() splits the setting again for
-- every row a policy filters (230 ms over 16,000 rows); as a scalar subquery it is an InitPlan, evaluated once, and
-- still an index condition. The same rule as 001's policies, only cheaper (Supabase advises the same for auth.uid()).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['all_leads', 'lead_identities', 'web_sessions', 'whatsapp_sessions',
                             'voice_sessions', 'social_sessions', 'messages', 'lead_journeys'] LOOP
        EXECUTE format('ALTER POLICY %I ON %I USING (brand = ANY ((SELECT proxe_request_brands())::text[]))', t || '_reader', t);
        IF EXISTS (SELECT FROM pg_policies WHERE tablename = t AND policyname = t || '_authenticated') THEN
            EXECUTE format('ALTER POLICY %I ON %I USING (brand = ANY ((SELECT proxe_jwt_brands())::text[]))', t || '_authenticated', t);
        END IF;
    END LOOP;
END
$$;
