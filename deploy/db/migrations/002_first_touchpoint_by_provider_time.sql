-- 002: the origin channel follows provider time, and every natural key is per brand.
--
-- first_touchpoint is the channel of the lead's earliest interaction by provider time (occurred_at), recorded with
-- first_interaction_at. A later interaction never changes it; one that happened earlier but arrived late (a lagging
-- queue) moves both. The trigger is the one home of that rule.

ALTER TABLE all_leads ADD COLUMN IF NOT EXISTS first_interaction_at timestamptz;

CREATE OR REPLACE FUNCTION proxe_all_leads_before_write() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.last_touchpoint := coalesce(NEW.last_touchpoint, NEW.first_touchpoint);
    ELSIF (NEW.first_touchpoint IS DISTINCT FROM OLD.first_touchpoint
           OR NEW.first_interaction_at IS DISTINCT FROM OLD.first_interaction_at)
          AND NOT (NEW.first_interaction_at < OLD.first_interaction_at) THEN
        RAISE EXCEPTION 'all_leads.first_touchpoint cannot change except to an earlier interaction (lead %: % at % -> % at %)',
            OLD.id, OLD.first_touchpoint, OLD.first_interaction_at, NEW.first_touchpoint, NEW.first_interaction_at
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

-- Existing leads: their earliest message decides, else the time the lead was made (legacy rows: the session's
-- created_at). Triggers are off so updated_at keeps telling when the lead itself last changed.
ALTER TABLE all_leads DISABLE TRIGGER USER;
UPDATE all_leads SET first_interaction_at = created_at WHERE first_interaction_at IS NULL;
UPDATE all_leads l
SET first_touchpoint = earliest.channel, first_interaction_at = earliest.occurred_at
FROM (SELECT DISTINCT ON (brand, lead_id) brand, lead_id, channel, occurred_at
      FROM messages
      ORDER BY brand, lead_id, occurred_at, created_at) earliest
WHERE earliest.brand = l.brand AND earliest.lead_id = l.id AND earliest.occurred_at < l.first_interaction_at;
ALTER TABLE all_leads ENABLE TRIGGER USER;

ALTER TABLE all_leads ALTER COLUMN first_interaction_at SET DEFAULT now();
ALTER TABLE all_leads ALTER COLUMN first_interaction_at SET NOT NULL;

-- A call_sid is Twilio's, but /v1/interactions lets any brand name one: two brands may share it.
ALTER TABLE voice_sessions DROP CONSTRAINT IF EXISTS voice_sessions_call_sid_key;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'voice_sessions_brand_call_sid_key') THEN
        ALTER TABLE voice_sessions ADD CONSTRAINT voice_sessions_brand_call_sid_key UNIQUE (brand, call_sid);
    END IF;
END
$$;
