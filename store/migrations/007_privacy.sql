-- A family's erasure reaches the coordinators' group too: every message of
-- a case's topic (its summary with the answers and the number, copies of
-- what the family wrote, edits) names its case in a column, so that
-- deleting the case deletes them, sent or not, instead of leaving them
-- until the retention. (The store never reads the payload's JSON.) The
-- topic's deletion names its thread, not the case, so it outlives the
-- case it removes.
ALTER TABLE outbox ADD COLUMN case_id bigint REFERENCES cases (id) ON DELETE CASCADE;
CREATE INDEX outbox_case ON outbox (case_id) WHERE case_id IS NOT NULL;
