-- A provider marks, from Telegram, whether each party of a session came.
-- The mark stands beside the family's own answer to "Did you make it?"
-- (attendance), never over it: the two are different people's words, and
-- where both are given the provider's mark is what counts (see
-- docs/reports.md). marked_by is the provider who marked last; the audit
-- keeps every change. A sign-up that goes (erasure, retention) takes its
-- mark with it, as it takes the family's answer.
ALTER TABLE signups
    ADD COLUMN mark text CHECK (mark IN ('came', 'absent')),
    ADD COLUMN marked_by bigint REFERENCES providers (id) ON DELETE RESTRICT,
    ADD COLUMN marked_at timestamptz,
    ADD CONSTRAINT signups_marked CHECK ((mark IS NULL) = (marked_by IS NULL) AND (mark IS NULL) = (marked_at IS NULL));

-- The providers' roster and visit report read an organiser's sessions by
-- their activity and time.
CREATE INDEX sessions_activity ON sessions (activity_id, starts_at);
