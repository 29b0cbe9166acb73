-- The outbox in lanes. A lane is what must arrive in order: a person's chat
-- (lane 0), a case's topic in the coordinators' group (lane = the case),
-- the group's General topic (0) and its urgent alerts (-1). Lanes of one
-- chat go out side by side (each within the chat's limits); messages of one
-- lane go one at a time, oldest first.
--
-- outbox_lanes holds each lane's oldest unsent message (head), so that the
-- sender picks the next messages with one index scan however long the
-- backlog grows (it used to read every unsent row). The triggers below keep
-- it right whoever writes the outbox: inserts, sends, drops, erasure's
-- cascading deletes. served orders the lanes by when they last sent (a
-- count, not a clock), so a case with a flood of messages takes its turn
-- behind the others instead of before them.
ALTER TABLE outbox ADD COLUMN lane bigint NOT NULL DEFAULT 0;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (chat_id, lane, id) WHERE sent_at IS NULL AND dropped IS NULL;

CREATE TABLE outbox_lanes (
    chat_id    bigint NOT NULL,
    lane       bigint NOT NULL,
    head       bigint,
    priority   smallint NOT NULL DEFAULT 1,
    not_before timestamptz,
    waiting    int NOT NULL DEFAULT 0,
    served     bigint NOT NULL DEFAULT 0,
    -- digest of the lane's newest message: the same message again, while
    -- several wait, is not queued (a flood of stickers outside a talk
    -- gets one "I can't open stickers", not three hundred).
    digest     text,
    PRIMARY KEY (chat_id, lane)
);
CREATE INDEX outbox_lanes_ready ON outbox_lanes (priority, served, head) WHERE head IS NOT NULL;
CREATE SEQUENCE outbox_served;

-- outbox_lane_head finds the lane's oldest unsent message again, or
-- forgets the lane when none is left (a lane that comes back starts as
-- never served: one message for someone waiting goes before a backlog).
-- Its caller holds the lane's row lock; the SELECT is a statement of its
-- own, so it sees every message committed before the lock was taken.
CREATE FUNCTION outbox_lane_head(c bigint, l bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h record;
BEGIN
    SELECT id, priority, not_before INTO h FROM outbox
    WHERE chat_id = c AND lane = l AND sent_at IS NULL AND dropped IS NULL
    ORDER BY id LIMIT 1;
    IF h.id IS NULL THEN
        DELETE FROM outbox_lanes WHERE chat_id = c AND lane = l;
    ELSE
        UPDATE outbox_lanes SET head = h.id, priority = h.priority, not_before = h.not_before
        WHERE chat_id = c AND lane = l;
    END IF;
END $$;

CREATE FUNCTION outbox_lane_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox_lanes AS x (chat_id, lane, head, priority, not_before, waiting, digest)
    VALUES (NEW.chat_id, NEW.lane, NEW.id, NEW.priority, NEW.not_before, 1, md5(NEW.payload::text))
    ON CONFLICT (chat_id, lane) DO UPDATE SET waiting = x.waiting + 1, digest = EXCLUDED.digest,
        head = COALESCE(x.head, EXCLUDED.head),
        priority = CASE WHEN x.head IS NULL THEN EXCLUDED.priority ELSE x.priority END,
        not_before = CASE WHEN x.head IS NULL THEN EXCLUDED.not_before ELSE x.not_before END;
    RETURN NULL;
END $$;

-- A message sent, dropped or deleted before it was sent leaves its lane.
CREATE FUNCTION outbox_lane_leave() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE outbox_lanes SET waiting = greatest(waiting - 1, 0),
        served = CASE WHEN TG_OP = 'UPDATE' THEN nextval('outbox_served') ELSE served END
    WHERE chat_id = OLD.chat_id AND lane = OLD.lane;
    PERFORM outbox_lane_head(OLD.chat_id, OLD.lane);
    RETURN NULL;
END $$;

-- A head told to wait (after a 429, or for its group) makes its lane wait.
CREATE FUNCTION outbox_lane_wait() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE outbox_lanes SET not_before = NEW.not_before
    WHERE chat_id = NEW.chat_id AND lane = NEW.lane AND head = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_lane_insert AFTER INSERT ON outbox
    FOR EACH ROW WHEN (NEW.sent_at IS NULL AND NEW.dropped IS NULL) EXECUTE FUNCTION outbox_lane_insert();
CREATE TRIGGER outbox_lane_done AFTER UPDATE OF sent_at, dropped ON outbox
    FOR EACH ROW WHEN (OLD.sent_at IS NULL AND OLD.dropped IS NULL AND (NEW.sent_at IS NOT NULL OR NEW.dropped IS NOT NULL))
    EXECUTE FUNCTION outbox_lane_leave();
CREATE TRIGGER outbox_lane_deleted AFTER DELETE ON outbox
    FOR EACH ROW WHEN (OLD.sent_at IS NULL AND OLD.dropped IS NULL) EXECUTE FUNCTION outbox_lane_leave();
CREATE TRIGGER outbox_lane_wait AFTER UPDATE OF not_before ON outbox
    FOR EACH ROW WHEN (OLD.not_before IS DISTINCT FROM NEW.not_before AND NEW.sent_at IS NULL AND NEW.dropped IS NULL)
    EXECUTE FUNCTION outbox_lane_wait();

-- Messages waiting when this runs keep their order, in lane 0 of their chat.
INSERT INTO outbox_lanes (chat_id, lane, waiting)
SELECT chat_id, 0, count(*) FROM outbox WHERE sent_at IS NULL AND dropped IS NULL GROUP BY chat_id;
SELECT outbox_lane_head(chat_id, lane) FROM outbox_lanes;
