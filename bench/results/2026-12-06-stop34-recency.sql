CREATE TABLE lead_recency (lead_id uuid PRIMARY KEY, brand text NOT NULL, active_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
CREATE INDEX lead_recency_activity_idx ON lead_recency (active_at DESC, lead_id DESC);
CREATE INDEX lead_recency_updated_idx ON lead_recency (updated_at);
CREATE FUNCTION proxe_track_recency() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO lead_recency AS r (lead_id, brand, active_at, updated_at)
  SELECT id, brand, coalesce(last_interaction_at, created_at), updated_at FROM new_rows
  ON CONFLICT (lead_id) DO UPDATE SET active_at = excluded.active_at, updated_at = excluded.updated_at
  WHERE (r.active_at, r.updated_at) IS DISTINCT FROM (excluded.active_at, excluded.updated_at);
  RETURN NULL;
END $$;
CREATE TRIGGER all_leads_recency_ins AFTER INSERT ON all_leads REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proxe_track_recency();
CREATE TRIGGER all_leads_recency_upd AFTER UPDATE ON all_leads REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proxe_track_recency();
GRANT SELECT, INSERT, UPDATE ON lead_recency TO proxe_ingest;
DROP INDEX all_leads_activity_idx, all_leads_brand_last_interaction_idx, all_leads_updated_idx;
ALTER TABLE all_leads SET (fillfactor = 85);
