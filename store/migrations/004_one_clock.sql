-- Every time stored comes from the one clock the program is given (main's,
-- or a test's), never from the database server's: a default of now() would
-- fill a row with the server's date while the rest of the service runs on
-- another, and a date-dependent order or retention would then depend on
-- which of the two wrote it. Without the defaults, an insert that forgets
-- the time fails at once instead.
ALTER TABLE inbox ALTER COLUMN received_at DROP DEFAULT;
ALTER TABLE conversations ALTER COLUMN updated_at DROP DEFAULT;
ALTER TABLE outbox ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE referral_codes ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE families ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE contact_requests ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE activities ALTER COLUMN updated_at DROP DEFAULT;

-- not_before is the one time on wall time: a message held after a 429 waits
-- Telegram's real seconds, whatever the service's clock says. NULL is "at
-- once".
ALTER TABLE outbox ALTER COLUMN not_before DROP DEFAULT;
ALTER TABLE outbox ALTER COLUMN not_before DROP NOT NULL;
