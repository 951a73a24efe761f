-- 008: the journey remembers the interactions it has folded in a table of its own instead of its state
-- (bench/README.md, "2026-12-05 (morning)"). The last 256 interaction ids in lead_journeys.state made most journeys
-- several KB, compressed and rewritten out of line (TOAST) at every save, and a redelivery after 256 newer interactions
-- of the lead was counted again. A row here is one small insert per interaction; it recognises a redelivery, or a replay
-- from _error, for as long as it is kept (the workers delete rows older than Proxe:Workers:JourneyMemory, 30 days).
-- A journey's recent_interaction_ids move here when the workers next save it (LeadJourneys.FirstSightingsAsync).
CREATE TABLE IF NOT EXISTS lead_journey_interactions (
    lead_id        uuid        NOT NULL,
    interaction_id uuid        NOT NULL,
    brand          text        NOT NULL,
    folded_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lead_id, interaction_id)
);
-- Rows arrive in folded_at order: a block range index finds the old ones for almost nothing per insert.
CREATE INDEX IF NOT EXISTS lead_journey_interactions_folded_idx ON lead_journey_interactions USING brin (folded_at);

-- Roles, grants and row-level security as 001 / 004 / 006 give every table.
GRANT SELECT, INSERT, DELETE ON lead_journey_interactions TO proxe_ingest;
GRANT SELECT ON lead_journey_interactions TO proxe_reader;
ALTER TABLE lead_journey_interactions ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS lead_journey_interactions_ingest ON lead_journey_interactions;
CREATE POLICY lead_journey_interactions_ingest ON lead_journey_interactions TO proxe_ingest USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS lead_journey_interactions_reader ON lead_journey_interactions;
CREATE POLICY lead_journey_interactions_reader ON lead_journey_interactions FOR SELECT TO proxe_reader
    USING (brand = ANY ((SELECT proxe_request_brands())::text[]));
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN
        REVOKE ALL ON lead_journey_interactions FROM anon;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
        REVOKE ALL ON lead_journey_interactions FROM authenticated;
    END IF;
END
$$;
