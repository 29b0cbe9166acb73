-- Campaigns (issue 12): an announcement a manager or a coordinator sends
-- to a segment of the families who said yes to such news.
--
-- families.news is that yes: NULL while the family was not asked, asked
-- once, changed in /settings, "/stop" says no. Erased with the family.
ALTER TABLE families ADD COLUMN news boolean;

-- A campaign, from its draft to its sending. texts holds the announcement
-- in each language ({"fi": "...", ...}); photo is a Telegram file id of a
-- picture sent with it; activity the activity its button opens; segment
-- the anonymous profile fields that pick the families (see
-- polku.Segment). The counters are anonymous figures of the report: how
-- many families the campaign was queued for, how many Telegram took,
-- how many opened its activity and signed up after. They hold no key of
-- a family, so an erasure leaves them as they are. created_by and sent_by
-- are the staff members' Telegram user IDs (staff, not families).
CREATE TABLE campaigns (
    id          bigserial PRIMARY KEY,
    chat_id     bigint NOT NULL,
    created_by  bigint NOT NULL,
    created_at  timestamptz NOT NULL,
    texts       jsonb NOT NULL DEFAULT '{}',
    photo       text,
    activity_id bigint REFERENCES activities (id) ON DELETE SET NULL,
    segment     jsonb NOT NULL DEFAULT '{}',
    -- whether it was sent with an activity: a sign-up counts as its own
    -- only for that activity, even after the activity is gone.
    has_activity boolean NOT NULL DEFAULT false,
    sent_at     timestamptz,
    sent_by     bigint,
    sent        integer NOT NULL DEFAULT 0,
    delivered   integer NOT NULL DEFAULT 0,
    opened      integer NOT NULL DEFAULT 0,
    signed_up   integer NOT NULL DEFAULT 0
);
-- One draft a person a chat.
CREATE UNIQUE INDEX campaigns_draft ON campaigns (chat_id, created_by) WHERE sent_at IS NULL;
CREATE INDEX campaigns_sent ON campaigns (sent_at) WHERE sent_at IS NOT NULL;

-- Who a campaign went to, so that each family gets it once and its
-- opening and signing up are counted once. Erased with the family: the
-- campaign's counters stay.
CREATE TABLE campaign_sends (
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    family_id    bigint NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    delivered_at timestamptz,
    opened_at    timestamptz,
    signed_up_at timestamptz,
    PRIMARY KEY (campaign_id, family_id)
);
CREATE INDEX campaign_sends_family ON campaign_sends (family_id);

-- A campaign's message in the outbox (in the chat's lane -2, its own, so
-- that it never holds up a reply): when Telegram takes it, the campaign
-- counts it delivered, once a family.
ALTER TABLE outbox ADD COLUMN campaign_id bigint;

CREATE FUNCTION outbox_campaign_delivered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH sent AS (
        UPDATE campaign_sends SET delivered_at = NEW.sent_at
        WHERE campaign_id = NEW.campaign_id AND delivered_at IS NULL
          AND family_id = (SELECT id FROM families WHERE chat_id = NEW.chat_id)
        RETURNING 1)
    UPDATE campaigns SET delivered = delivered + (SELECT count(*) FROM sent) WHERE id = NEW.campaign_id;
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_campaign_delivered AFTER UPDATE OF sent_at ON outbox
    FOR EACH ROW WHEN (NEW.campaign_id IS NOT NULL AND OLD.sent_at IS NULL AND NEW.sent_at IS NOT NULL)
    EXECUTE FUNCTION outbox_campaign_delivered();
