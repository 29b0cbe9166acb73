-- Providers come and go: a coordinator removes one, a link not opened in
-- time expires, and the list says who checks cards for which organiser.

-- The provider's Telegram first name as it was when they linked: a staff
-- member's name, for the coordinators' list.
ALTER TABLE providers ADD COLUMN first_name text;

-- A link works until link_until. Links made before there was a limit get
-- the default seven days from when they were made.
ALTER TABLE providers ADD COLUMN link_until timestamptz;
UPDATE providers SET link_until = added_at + interval '7 days';
ALTER TABLE providers ALTER COLUMN link_until SET NOT NULL;

-- A removed provider checks no more cards, but its row stays: the visits
-- it recorded were real and keep pointing at it. So the reference from
-- card_visits refuses a delete outright (RESTRICT, checked at once), and
-- the person may be linked again later, for this organiser or another:
-- one Telegram user is at most one provider that is not removed.
ALTER TABLE providers ADD COLUMN removed_at timestamptz;
ALTER TABLE providers ADD COLUMN removed_by bigint;
ALTER TABLE providers ADD CONSTRAINT providers_removed CHECK ((removed_at IS NULL) = (removed_by IS NULL));
ALTER TABLE providers DROP CONSTRAINT providers_user_id_key;
CREATE UNIQUE INDEX providers_user ON providers (user_id) WHERE removed_at IS NULL;
ALTER TABLE card_visits DROP CONSTRAINT card_visits_provider_id_fkey,
    ADD CONSTRAINT card_visits_provider_id_fkey FOREIGN KEY (provider_id) REFERENCES providers (id) ON DELETE RESTRICT;

-- Every card check is audited (action 'verify', the provider's Telegram
-- user in coordinator, the outcome in detail); a provider's checks within
-- the last hour are counted from here, so the limit holds across
-- processes.
CREATE INDEX audit_checks ON audit (coordinator, at) WHERE action = 'verify';
