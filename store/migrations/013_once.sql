-- What the bot does once by itself, not for an update: last month's report
-- in the managers' group on the first weekday of a month. The key says
-- what was done ("report 2026-11"); its row is written in the transaction
-- that queues the messages, so two processes, or a restart, send it once.
CREATE TABLE once (
    key     text PRIMARY KEY,
    done_at timestamptz NOT NULL
);
