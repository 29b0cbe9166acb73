-- What the store asks of a conversation (its language, whether the family
-- is talking to a person, whether it holds a half-done intake) becomes
-- columns that the bot writes with the conversation, so the store never
-- reads the flows' JSON. This migration reads it once, to fill the columns
-- of the conversations already stored.
ALTER TABLE conversations
    ADD COLUMN lang text NOT NULL DEFAULT '',
    ADD COLUMN talking boolean NOT NULL DEFAULT false,
    ADD COLUMN draft boolean NOT NULL DEFAULT false;

UPDATE conversations SET
    lang = COALESCE(data->>'lang', ''),
    talking = COALESCE((data->>'talk')::boolean, false),
    draft = data->'profile' IS NULL AND data ? 'answers' AND data->'answers' <> '{}'::jsonb;

-- The pruning finds the drafts left too long without reading every row.
CREATE INDEX conversations_draft ON conversations (updated_at) WHERE draft;
