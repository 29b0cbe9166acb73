-- A family that floods its case (300 stickers) must not make its topic's
-- backlog grow without bound: past a few waiting copies, what the family
-- sends is held here (the message's number in the family's chat, nothing
-- of its content), and the topic gets one notice "N more messages" with a
-- button that brings them in, in order, a screenful at a time. Nothing the
-- family sent is lost; erasing the family deletes these with its case.
CREATE TABLE case_held (
    id         bigserial PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    message_id int NOT NULL,
    held_at    timestamptz NOT NULL
);
CREATE INDEX case_held_case ON case_held (case_id, id);
