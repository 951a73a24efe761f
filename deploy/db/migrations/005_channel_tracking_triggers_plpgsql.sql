-- 005: the channel-tracking triggers of 004, same rule, cheaper.
--
-- They called the SQL function proxe_merge_channel_first_at through a jsonb array; a SQL function called from
-- PL/pgSQL is planned again on every call, so every INSERT into messages or a session table (one per interaction,
-- also an upsert that only updated) planned an UPDATE of all_leads: about half of PostgreSQL's time per
-- interaction (bench/README.md). Now the UPDATE is PL/pgSQL's own statement, planned once per connection, and it
-- is skipped when the INSERT inserted nothing (a session upsert that updated, a redelivered message).
-- proxe_merge_channel_first_at has no caller left, so it goes.

CREATE OR REPLACE FUNCTION proxe_messages_track_channels() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM new_rows) THEN
        RETURN NULL;
    END IF;
    UPDATE all_leads l SET channel_first_at = l.channel_first_at || earlier.firsts
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
    UPDATE all_leads l SET channel_first_at = l.channel_first_at || jsonb_build_object(TG_ARGV[0], earlier.first_at)
    FROM (SELECT s.lead_id, s.first_at
          FROM (SELECT lead_id, min(created_at) AS first_at FROM new_rows GROUP BY lead_id) s
          JOIN all_leads x ON x.id = s.lead_id
          WHERE NOT x.channel_first_at ? TG_ARGV[0] OR (x.channel_first_at ->> TG_ARGV[0])::timestamptz > s.first_at) earlier
    WHERE l.id = earlier.lead_id;
    RETURN NULL;
END
$$;

DROP FUNCTION IF EXISTS proxe_merge_channel_first_at(jsonb);
