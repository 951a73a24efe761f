-- PROXe multi-touchpoint schema (PostgreSQL 15 / Supabase).
-- Plain SQL, no psql meta-commands: runs unchanged through `proxe migrate` or in Supabase's SQL editor.
-- Safe to run again: every statement is create-if-missing or replace-in-place.
-- On a legacy Web PROXe database (table `sessions`) it turns the sessions into leads + web_sessions.

-- ---------------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------------

-- The seed's rule: keep digits only. The application normalizes with libphonenumber first, so
-- already-normalized input comes back unchanged. No digits at all means no phone.
CREATE OR REPLACE FUNCTION normalize_phone(phone text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '') $$;

-- Brands of the dashboard request: SET LOCAL proxe.brands = 'a,b'.
CREATE OR REPLACE FUNCTION proxe_request_brands() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce(regexp_split_to_array(nullif(btrim(current_setting('proxe.brands', true)), ''), '\s*,\s*'), '{}') $$;

-- Brands of a Supabase user: a `brands` claim (array or comma-separated string) at the top of the
-- JWT or in app_metadata. Never user_metadata: users can edit that themselves.
CREATE OR REPLACE FUNCTION proxe_jwt_brands() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(
        CASE jsonb_typeof(b)
            WHEN 'array' THEN ARRAY(SELECT jsonb_array_elements_text(b))
            WHEN 'string' THEN regexp_split_to_array(b #>> '{}', '\s*,\s*')
        END, '{}')
    FROM (
        SELECT coalesce(c -> 'brands', c -> 'app_metadata' -> 'brands') AS b
        FROM (SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb AS c) claims
    ) claim
$$;

CREATE OR REPLACE FUNCTION proxe_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- Only when the statement did not set it: a writer may backdate updated_at on purpose.
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION proxe_all_leads_before_write() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.last_touchpoint := coalesce(NEW.last_touchpoint, NEW.first_touchpoint);
    ELSIF NEW.first_touchpoint IS DISTINCT FROM OLD.first_touchpoint THEN
        RAISE EXCEPTION 'all_leads.first_touchpoint cannot change (lead %: % -> %)',
            OLD.id, OLD.first_touchpoint, NEW.first_touchpoint
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION proxe_messages_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'messages is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

-- Written by `proxe migrate` (src/Proxe.Database), which creates it before running this file.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    execution_ms integer NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS all_leads (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brand text NOT NULL,
    customer_name text,
    email text,
    phone text,
    customer_phone_normalized text,
    first_touchpoint text NOT NULL,
    last_touchpoint text NOT NULL,
    last_interaction_at timestamptz,
    unified_context jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Target of every (brand, lead_id) foreign key: no row can point at another brand's lead.
    CONSTRAINT all_leads_brand_id_key UNIQUE (brand, id),
    CONSTRAINT all_leads_first_touchpoint_check CHECK (first_touchpoint IN ('web', 'whatsapp', 'voice', 'social')),
    CONSTRAINT all_leads_last_touchpoint_check CHECK (last_touchpoint IN ('web', 'whatsapp', 'voice', 'social')),
    CONSTRAINT all_leads_phone_normalized_check CHECK (customer_phone_normalized ~ '^[0-9]+$')
);

CREATE TABLE IF NOT EXISTS lead_identities (
    brand text NOT NULL,
    kind text NOT NULL,
    value text NOT NULL,
    lead_id uuid NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT lead_identities_pkey PRIMARY KEY (brand, kind, value),
    CONSTRAINT lead_identities_lead_fkey FOREIGN KEY (brand, lead_id) REFERENCES all_leads (brand, id),
    CONSTRAINT lead_identities_kind_check CHECK (kind IN ('phone', 'email', 'whatsapp', 'instagram', 'messenger', 'web_visitor')),
    CONSTRAINT lead_identities_value_check CHECK (value <> '')
);

CREATE TABLE IF NOT EXISTS web_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    lead_id uuid NOT NULL,
    brand text NOT NULL,
    customer_name text,
    customer_email text,
    customer_phone text,
    external_session_id text,
    chat_session_id text,
    website_url text,
    booking_status text,
    booking_date date,
    booking_time time,
    google_event_id text,
    conversation_summary text,
    user_inputs_summary text,
    message_count integer NOT NULL DEFAULT 0,
    last_message_at timestamptz,
    session_status text,
    channel_data jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT web_sessions_brand_external_session_id_key UNIQUE (brand, external_session_id),
    CONSTRAINT web_sessions_lead_fkey FOREIGN KEY (brand, lead_id) REFERENCES all_leads (brand, id)
);

CREATE TABLE IF NOT EXISTS whatsapp_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    lead_id uuid NOT NULL,
    brand text NOT NULL,
    customer_name text,
    customer_email text,
    customer_phone text,
    customer_phone_normalized text,
    whatsapp_business_account_id text,
    whatsapp_contact_id text NOT NULL,
    conversation_summary text,
    conversation_context jsonb,
    user_inputs_summary text,
    message_count integer NOT NULL DEFAULT 0,
    last_message_at timestamptz,
    last_message_from text,
    last_message_preview text,
    conversation_status text,
    response_time_avg_seconds numeric(12, 2),
    overall_sentiment text,
    channel_data jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Delivery receipts (statuses[]) of our outbound messages.
    last_status text,
    last_status_at timestamptz,
    last_status_error text,
    -- Oldest customer message not yet answered; the next agent reply turns it into a response time.
    awaiting_reply_since timestamptz,
    response_count integer NOT NULL DEFAULT 0,
    CONSTRAINT whatsapp_sessions_brand_contact_key UNIQUE (brand, whatsapp_contact_id),
    CONSTRAINT whatsapp_sessions_lead_fkey FOREIGN KEY (brand, lead_id) REFERENCES all_leads (brand, id),
    CONSTRAINT whatsapp_sessions_last_message_from_check CHECK (last_message_from IN ('customer', 'agent', 'system'))
);

CREATE TABLE IF NOT EXISTS voice_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    lead_id uuid NOT NULL,
    brand text NOT NULL,
    customer_name text,
    customer_email text,
    customer_phone text,
    customer_phone_normalized text,
    call_sid text NOT NULL,
    phone_number text,
    caller text,
    call_duration_seconds integer,
    call_status text,
    -- Highest Twilio SequenceNumber applied, so a late callback never moves the status back.
    last_status_sequence integer,
    call_direction text,
    recording_url text,
    transcription text,
    call_summary text,
    sentiment text,
    conversation_context jsonb,
    user_inputs_summary text,
    audio_quality text,
    channel_data jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT voice_sessions_call_sid_key UNIQUE (call_sid),
    CONSTRAINT voice_sessions_lead_fkey FOREIGN KEY (brand, lead_id) REFERENCES all_leads (brand, id)
);

CREATE TABLE IF NOT EXISTS social_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    lead_id uuid NOT NULL,
    brand text NOT NULL,
    customer_name text,
    customer_email text,
    customer_phone text,
    customer_phone_normalized text,
    platform text NOT NULL,
    platform_user_id text NOT NULL,
    platform_username text,
    engagement_type text,
    content_id text,
    engagement_preview text,
    last_engagement_at timestamptz,
    engagement_count integer NOT NULL DEFAULT 0,
    conversation_summary text,
    conversation_context jsonb,
    user_inputs_summary text,
    sentiment text,
    engagement_quality text,
    channel_data jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT social_sessions_brand_platform_user_key UNIQUE (brand, platform, platform_user_id),
    CONSTRAINT social_sessions_lead_fkey FOREIGN KEY (brand, lead_id) REFERENCES all_leads (brand, id)
);

CREATE TABLE IF NOT EXISTS messages (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    lead_id uuid NOT NULL,
    brand text NOT NULL,
    channel text NOT NULL,
    sender text NOT NULL,
    content text,
    message_type text NOT NULL DEFAULT 'text',
    metadata jsonb NOT NULL DEFAULT '{}',
    -- The provider's id of the message/event: a redelivery hits the unique key and inserts nothing.
    external_id text NOT NULL,
    -- Provider time; created_at stays insert time. Timelines sort by occurred_at.
    occurred_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT messages_brand_channel_external_id_key UNIQUE (brand, channel, external_id),
    CONSTRAINT messages_lead_fkey FOREIGN KEY (brand, lead_id) REFERENCES all_leads (brand, id),
    CONSTRAINT messages_channel_check CHECK (channel IN ('web', 'whatsapp', 'voice', 'social')),
    CONSTRAINT messages_sender_check CHECK (sender IN ('customer', 'agent', 'system'))
);

-- State of the LeadJourney saga; correlation_id is the lead id. `version` is the optimistic
-- concurrency token: UPDATE ... WHERE correlation_id = $1 AND version = $expected.
CREATE TABLE IF NOT EXISTS lead_journeys (
    correlation_id uuid PRIMARY KEY,
    brand text NOT NULL,
    current_state text NOT NULL,
    version integer NOT NULL DEFAULT 1,
    channels text[] NOT NULL DEFAULT '{}',
    cross_channel_published_at timestamptz,
    state jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT lead_journeys_lead_fkey FOREIGN KEY (brand, correlation_id) REFERENCES all_leads (brand, id)
);

-- ---------------------------------------------------------------------------------------------
-- Indexes (natural keys above are unique constraints; these serve the remaining lookups)
-- ---------------------------------------------------------------------------------------------

-- One lead per brand and normalized phone (the seed's deduplication key).
CREATE UNIQUE INDEX IF NOT EXISTS all_leads_brand_phone_key
    ON all_leads (brand, customer_phone_normalized) WHERE customer_phone_normalized IS NOT NULL;
-- The seed's `SELECT * FROM unified_leads WHERE phone = ...` has no brand.
CREATE INDEX IF NOT EXISTS all_leads_phone_idx ON all_leads (customer_phone_normalized);
-- Dashboard: counts by touchpoints per brand, lists by recency per brand.
CREATE INDEX IF NOT EXISTS all_leads_brand_touchpoints_idx ON all_leads (brand, first_touchpoint, last_touchpoint);
CREATE INDEX IF NOT EXISTS all_leads_brand_last_interaction_idx ON all_leads (brand, last_interaction_at DESC);
CREATE INDEX IF NOT EXISTS lead_identities_lead_idx ON lead_identities (lead_id);
CREATE INDEX IF NOT EXISTS web_sessions_lead_idx ON web_sessions (lead_id);
CREATE INDEX IF NOT EXISTS whatsapp_sessions_lead_idx ON whatsapp_sessions (lead_id);
CREATE INDEX IF NOT EXISTS voice_sessions_lead_idx ON voice_sessions (lead_id);
CREATE INDEX IF NOT EXISTS social_sessions_lead_idx ON social_sessions (lead_id);
CREATE INDEX IF NOT EXISTS messages_lead_occurred_idx ON messages (lead_id, occurred_at);
CREATE INDEX IF NOT EXISTS lead_journeys_brand_idx ON lead_journeys (brand);

-- ---------------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE TRIGGER all_leads_before_write
    BEFORE INSERT OR UPDATE ON all_leads
    FOR EACH ROW EXECUTE FUNCTION proxe_all_leads_before_write();

CREATE OR REPLACE TRIGGER messages_append_only
    BEFORE UPDATE OR DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION proxe_messages_append_only();

CREATE OR REPLACE TRIGGER messages_no_truncate
    BEFORE TRUNCATE ON messages
    FOR EACH STATEMENT EXECUTE FUNCTION proxe_messages_append_only();

CREATE OR REPLACE TRIGGER all_leads_touch BEFORE UPDATE ON all_leads
    FOR EACH ROW EXECUTE FUNCTION proxe_touch_updated_at();
CREATE OR REPLACE TRIGGER web_sessions_touch BEFORE UPDATE ON web_sessions
    FOR EACH ROW EXECUTE FUNCTION proxe_touch_updated_at();
CREATE OR REPLACE TRIGGER whatsapp_sessions_touch BEFORE UPDATE ON whatsapp_sessions
    FOR EACH ROW EXECUTE FUNCTION proxe_touch_updated_at();
CREATE OR REPLACE TRIGGER voice_sessions_touch BEFORE UPDATE ON voice_sessions
    FOR EACH ROW EXECUTE FUNCTION proxe_touch_updated_at();
CREATE OR REPLACE TRIGGER social_sessions_touch BEFORE UPDATE ON social_sessions
    FOR EACH ROW EXECUTE FUNCTION proxe_touch_updated_at();
CREATE OR REPLACE TRIGGER lead_journeys_touch BEFORE UPDATE ON lead_journeys
    FOR EACH ROW EXECUTE FUNCTION proxe_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Legacy upgrade: Web PROXe's `sessions` table
-- ---------------------------------------------------------------------------------------------
-- Rows sharing a brand and normalized phone (else the same email) become one lead, first_touchpoint
-- 'web'; every row survives as a web_sessions row (its original columns also kept whole in
-- channel_data.legacy_session) with its old id when that is a uuid, and the lead takes the id of its
-- oldest row. The table is then kept as `sessions_legacy`, so a second run finds nothing to upgrade.
DO $$
BEGIN
    IF to_regclass('sessions') IS NULL THEN
        RETURN;
    END IF;

    -- to_jsonb(row): columns missing from an older legacy shape simply read as NULL.
    CREATE TEMP TABLE proxe_legacy_sessions ON COMMIT DROP AS
    SELECT r,
           coalesce(nullif(btrim(r ->> 'brand'), ''), 'unknown') AS brand,
           normalize_phone(r ->> 'phone') AS phone_normalized,
           nullif(lower(btrim(r ->> 'email')), '') AS email_key,
           CASE WHEN r ->> 'id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                THEN (r ->> 'id')::uuid ELSE gen_random_uuid() END AS session_id,
           coalesce((r ->> 'created_at')::timestamptz, now()) AS created_at,
           coalesce((r ->> 'updated_at')::timestamptz, (r ->> 'created_at')::timestamptz, now()) AS updated_at
    FROM (SELECT to_jsonb(s) AS r FROM sessions s) legacy;

    ALTER TABLE proxe_legacy_sessions ADD COLUMN lead_id uuid;
    UPDATE proxe_legacy_sessions t
    SET lead_id = g.lead_id
    FROM (
        SELECT session_id,
               first_value(session_id) OVER (
                   PARTITION BY brand, coalesce('p:' || phone_normalized, 'e:' || email_key, 's:' || session_id::text)
                   ORDER BY created_at, session_id) AS lead_id
        FROM proxe_legacy_sessions
    ) g
    WHERE g.session_id = t.session_id;

    INSERT INTO all_leads (id, brand, customer_name, email, phone, customer_phone_normalized,
                           first_touchpoint, last_touchpoint, last_interaction_at, created_at, updated_at)
    SELECT lead_id,
           brand,
           (array_agg(r ->> 'user_name' ORDER BY updated_at DESC) FILTER (WHERE nullif(btrim(r ->> 'user_name'), '') IS NOT NULL))[1],
           (array_agg(r ->> 'email' ORDER BY updated_at DESC) FILTER (WHERE email_key IS NOT NULL))[1],
           (array_agg(r ->> 'phone' ORDER BY updated_at DESC) FILTER (WHERE phone_normalized IS NOT NULL))[1],
           max(phone_normalized),
           'web',
           'web',
           max(coalesce((r ->> 'last_message_at')::timestamptz, updated_at)),
           min(created_at),
           max(updated_at)
    FROM proxe_legacy_sessions
    GROUP BY lead_id, brand
    ON CONFLICT (id) DO NOTHING;

    INSERT INTO web_sessions (id, lead_id, brand, customer_name, customer_email, customer_phone,
                              external_session_id, website_url, booking_status, booking_date, booking_time,
                              google_event_id, conversation_summary, user_inputs_summary, message_count,
                              last_message_at, channel_data, created_at, updated_at)
    SELECT session_id,
           lead_id,
           brand,
           r ->> 'user_name',
           r ->> 'email',
           r ->> 'phone',
           r ->> 'external_session_id',
           r ->> 'website_url',
           r ->> 'booking_status',
           CASE WHEN r ->> 'booking_date' ~ '^\d{4}-\d{2}-\d{2}' THEN left(r ->> 'booking_date', 10)::date END,
           CASE WHEN r ->> 'booking_time' ~ '^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$' THEN (r ->> 'booking_time')::time END,
           r ->> 'google_event_id',
           r ->> 'conversation_summary',
           -- A jsonb summary arrives as its JSON text, a text summary as itself.
           r ->> 'user_inputs_summary',
           coalesce((r ->> 'message_count')::integer, 0),
           (r ->> 'last_message_at')::timestamptz,
           jsonb_build_object('legacy_session', r),
           created_at,
           updated_at
    FROM proxe_legacy_sessions
    ON CONFLICT (id) DO NOTHING;

    INSERT INTO lead_identities (brand, kind, value, lead_id, first_seen_at, last_seen_at)
    SELECT brand, 'phone', phone_normalized, lead_id, min(created_at), max(updated_at)
    FROM proxe_legacy_sessions WHERE phone_normalized IS NOT NULL
    GROUP BY brand, phone_normalized, lead_id
    ON CONFLICT DO NOTHING;

    -- Two phones with one email: the email stays with the lead that had it first.
    INSERT INTO lead_identities (brand, kind, value, lead_id, first_seen_at, last_seen_at)
    SELECT DISTINCT ON (brand, email_key) brand, 'email', email_key, lead_id, created_at, updated_at
    FROM proxe_legacy_sessions WHERE email_key IS NOT NULL
    ORDER BY brand, email_key, created_at
    ON CONFLICT DO NOTHING;

    ALTER TABLE sessions RENAME TO sessions_legacy;
    ALTER TABLE sessions_legacy ENABLE ROW LEVEL SECURITY;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- unified_leads: one row per lead, the seed's columns; security_invoker so RLS applies through it
-- ---------------------------------------------------------------------------------------------

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
       l.unified_context
FROM all_leads l
LEFT JOIN LATERAL (
    SELECT jsonb_object_agg(channel, n) AS counts
    FROM (SELECT m.channel, count(*) AS n FROM messages m
          WHERE m.lead_id = l.id AND m.brand = l.brand GROUP BY m.channel) per_channel
) mc ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS session_count,
           -- Sessions count their messages too, including those from before the messages table existed.
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

-- ---------------------------------------------------------------------------------------------
-- Roles, grants, row-level security
-- ---------------------------------------------------------------------------------------------

-- Roles are cluster-wide and several databases may migrate at once: a concurrent creator wins.
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['proxe_ingest', 'proxe_reader'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;

GRANT USAGE ON SCHEMA public TO proxe_ingest, proxe_reader;

GRANT SELECT, INSERT, UPDATE
    ON all_leads, lead_identities, web_sessions, whatsapp_sessions, voice_sessions, social_sessions, lead_journeys
    TO proxe_ingest;
GRANT SELECT, INSERT ON messages TO proxe_ingest;
GRANT SELECT ON unified_leads TO proxe_ingest;

GRANT SELECT
    ON all_leads, lead_identities, web_sessions, whatsapp_sessions, voice_sessions, social_sessions, lead_journeys,
       messages, unified_leads
    TO proxe_reader;

-- Also on a re-run after someone granted more by hand.
REVOKE UPDATE, DELETE, TRUNCATE ON messages FROM proxe_ingest, proxe_reader;

ALTER TABLE schema_migrations ENABLE ROW LEVEL SECURITY;

DO $$
DECLARE
    t text;
    has_authenticated boolean := EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated');
    has_anon boolean := EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon');
BEGIN
    FOREACH t IN ARRAY ARRAY['all_leads', 'lead_identities', 'web_sessions', 'whatsapp_sessions', 'voice_sessions',
                             'social_sessions', 'messages', 'lead_journeys'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);

        EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_ingest', t);
        EXECUTE format('CREATE POLICY %I ON %I TO proxe_ingest USING (true) WITH CHECK (true)', t || '_ingest', t);

        EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_reader', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO proxe_reader USING (brand = ANY (proxe_request_brands()))',
                       t || '_reader', t);

        -- Supabase grants anon/authenticated everything on public tables by default; TRUNCATE
        -- ignores row-level security, so take it all back and give authenticated reads only.
        IF has_anon THEN
            EXECUTE format('REVOKE ALL ON %I FROM anon', t);
        END IF;
        IF has_authenticated THEN
            EXECUTE format('REVOKE ALL ON %I FROM authenticated', t);
            EXECUTE format('GRANT SELECT ON %I TO authenticated', t);
            EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_authenticated', t);
            EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO authenticated USING (brand = ANY (proxe_jwt_brands()))',
                           t || '_authenticated', t);
        END IF;
    END LOOP;

    IF has_anon THEN
        REVOKE ALL ON unified_leads, schema_migrations FROM anon;
    END IF;
    IF has_authenticated THEN
        REVOKE ALL ON unified_leads, schema_migrations FROM authenticated;
        GRANT SELECT ON unified_leads TO authenticated;
    END IF;
    IF to_regclass('sessions_legacy') IS NOT NULL THEN
        IF has_anon THEN REVOKE ALL ON sessions_legacy FROM anon; END IF;
        IF has_authenticated THEN REVOKE ALL ON sessions_legacy FROM authenticated; END IF;
    END IF;
END
$$;
