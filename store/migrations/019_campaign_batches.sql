-- A campaign is queued in batches (issue 12, after review): sending it
-- writes who it goes to (campaign_sends) at once, with the message in each
-- language kept on the campaign; the job loop then puts it in the outbox a
-- batch at a time, each in a short transaction of its own, so a campaign
-- to 100,000 families never holds one long transaction. A family that
-- said no, blocked the bot or erased its data before its batch gets none.
ALTER TABLE campaigns ADD COLUMN payloads jsonb;
ALTER TABLE campaigns ADD COLUMN fallback text;
ALTER TABLE campaign_sends ADD COLUMN queued_at timestamptz;
UPDATE campaign_sends s SET queued_at = c.sent_at FROM campaigns c WHERE c.id = s.campaign_id;
CREATE INDEX campaign_sends_waiting ON campaign_sends (campaign_id, family_id) WHERE queued_at IS NULL;
