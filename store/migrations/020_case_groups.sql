-- Many municipalities, one service (issue 13): a case opens in its
-- municipality's coordinators' group and belongs to it, so that a group's
-- coordinators see, take and answer only their own cases. Forum topics
-- are numbered per group, so a topic is found by its group and number.
-- Cases from before have group 0 until the bot starts and gives each the
-- group its municipality has then (DB.AdoptCases). A coordinator is on
-- duty in the group where they said /duty.
-- A case moved by a coordinator keeps the municipality it was moved to
-- (moved_at), whatever the family's own answer says.
ALTER TABLE cases ADD COLUMN group_id bigint NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN moved_at timestamptz;
CREATE INDEX cases_group_open ON cases (group_id, urgent DESC, opened_at, id) WHERE status = 'open';
DROP INDEX cases_thread;
CREATE UNIQUE INDEX cases_group_thread ON cases (group_id, thread_id);
ALTER TABLE coordinators ADD COLUMN duty_group bigint NOT NULL DEFAULT 0;
-- Whoever was on duty before is on duty nowhere until they say /duty on
-- in their group: an old duty would be mentioned in every group's alerts.
UPDATE coordinators SET on_duty = false WHERE on_duty;
