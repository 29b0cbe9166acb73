-- Failures on Telegram's side.

-- An update whose handling failed because Telegram did (a download, a
-- membership check) waits until not_before (wall time: back-off and
-- Telegram's retry_after run on real seconds) before it is tried again;
-- its chat's later updates wait behind it, in order.
ALTER TABLE inbox ADD COLUMN not_before timestamptz;

-- A group the bot writes in (the coordinators'), while the bot cannot:
-- removed from it, not a member, or without the rights it needs. Its
-- messages wait in the outbox meanwhile; down_since is NULL while the bot
-- can write there.
CREATE TABLE chat_groups (
    chat_id     bigint PRIMARY KEY,
    down_since  timestamptz,
    down_reason text NOT NULL DEFAULT ''
);
