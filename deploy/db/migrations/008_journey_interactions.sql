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
-- The pruner's index: rows arrive in folded_at order, so each insert lands on its right-most page.
CREATE INDEX IF NOT EXISTS lead_journey_interactions_folded_idx ON lead_journey_interactions (folded_at);

-- Roles, grants and row-level security as 006 gives its tables: ingest writes (and prunes), the reader and Supabase's
-- authenticated read their brands only.
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
        GRANT SELECT ON lead_journey_interactions TO authenticated;
        DROP POLICY IF EXISTS lead_journey_interactions_authenticated ON lead_journey_interactions;
        CREATE POLICY lead_journey_interactions_authenticated ON lead_journey_interactions FOR SELECT TO authenticated
            USING (brand = ANY ((SELECT proxe_jwt_brands())::text[]));
    END IF;
END
$$;
