-- The foundation: the durable inbox and outbox, conversations, and the
-- family's data hanging off one family key.

-- Every update from Telegram, committed before Telegram is told it arrived.
-- The payload is cleared once the update is applied: only the ID stays, to
-- apply each update once however often it is delivered. seq is the order of
-- arrival: a chat's updates are applied in seq order. (update_id grows too,
-- but Telegram may restart it at a random number after a quiet week.)
CREATE TABLE inbox (
    update_id   bigint PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    chat_id     bigint NOT NULL,
    payload     jsonb,
    received_at timestamptz NOT NULL DEFAULT now(),
    applied_at  timestamptz,
    attempts    int NOT NULL DEFAULT 0,
    failure     text
);
CREATE INDEX inbox_pending ON inbox (chat_id, seq) WHERE applied_at IS NULL;
CREATE INDEX inbox_applied ON inbox (applied_at) WHERE applied_at IS NOT NULL;

-- One row per chat: the flow engine's stored conversation.
CREATE TABLE conversations (
    chat_id        bigint PRIMARY KEY,
    data           jsonb NOT NULL,
    last_update_id bigint NOT NULL DEFAULT 0,
    last_seq       bigint NOT NULL DEFAULT 0,
    applied        bigint NOT NULL DEFAULT 0,
    blocked_at     timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Everything that goes out, written in the same transaction as the state
-- change that caused it and sent after commit, in order per chat.
-- priority 0: an answer to someone waiting; 1: background messages.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    chat_id     bigint NOT NULL,
    priority    smallint NOT NULL DEFAULT 1,
    payload     jsonb NOT NULL,
    update_id   bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    not_before  timestamptz NOT NULL DEFAULT now(),
    attempts    int NOT NULL DEFAULT 0,
    sent_at     timestamptz,
    message_id  int,
    dropped     text
);
CREATE INDEX outbox_pending ON outbox (chat_id, id) WHERE sent_at IS NULL AND dropped IS NULL;
CREATE INDEX outbox_done ON outbox (created_at) WHERE sent_at IS NOT NULL OR dropped IS NOT NULL;

-- Referral codes of the professional network; a family started from a
-- known code records it as its source.
CREATE TABLE referral_codes (
    code         text PRIMARY KEY,
    organisation text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- The family key. Everything personal references it with ON DELETE
-- CASCADE, so erasure is one DELETE and export one query.
CREATE TABLE families (
    id              bigserial PRIMARY KEY,
    chat_id         bigint NOT NULL UNIQUE,
    lang            text NOT NULL,
    referral        text REFERENCES referral_codes (code) ON DELETE SET NULL,
    consent_version text NOT NULL,
    consent_at      timestamptz NOT NULL,
    answers         jsonb,
    profile_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Wellbeing check answers (1-5 per statement); the first is the baseline
-- that later checks are compared with.
CREATE TABLE wellbeing (
    id        bigserial PRIMARY KEY,
    family_id bigint NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    kind      text NOT NULL,
    scores    smallint[] NOT NULL,
    taken_at  timestamptz NOT NULL
);
CREATE INDEX wellbeing_family ON wellbeing (family_id);

-- Requests to be contacted by a person, kept until a coordinator handles
-- them. A request made without consent keeps only the chat.
CREATE TABLE contact_requests (
    id         bigserial PRIMARY KEY,
    chat_id    bigint NOT NULL,
    family_id  bigint REFERENCES families (id) ON DELETE CASCADE,
    reason     text NOT NULL,
    contact    text NOT NULL,
    phone      text,
    status     text NOT NULL DEFAULT 'open',
    created_at timestamptz NOT NULL DEFAULT now(),
    closed_at  timestamptz
);
CREATE UNIQUE INDEX contact_requests_open ON contact_requests (chat_id) WHERE status = 'open';

-- Aggregates for knowledge-based management: counts per day, kind,
-- municipality and referral source. No personal key.
CREATE TABLE stats (
    day          date NOT NULL,
    kind         text NOT NULL,
    municipality text NOT NULL DEFAULT '',
    referral     text NOT NULL DEFAULT '',
    count        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, kind, municipality, referral)
);
