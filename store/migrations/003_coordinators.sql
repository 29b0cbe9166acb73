-- The coordinators' side: cases handed to a person (one forum topic each),
-- the wellbeing card and the providers who check it, the audit trail of
-- what coordinators did, and the referral codes' creators.

-- One case per family chat: a family that writes again after its case
-- was closed reopens the same case, so the coordinators keep one topic
-- with the whole history. The case hangs off the chat, not the family
-- key, because a family may talk to a person without ever agreeing to
-- store answers; erasure deletes it by the chat. The topic's title is
-- made of municipality and bands (age bands), never of a name.
CREATE TABLE cases (
    id           bigserial PRIMARY KEY,
    chat_id      bigint NOT NULL UNIQUE,
    shared       boolean NOT NULL DEFAULT false,
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    urgent       boolean NOT NULL DEFAULT false,
    municipality text NOT NULL DEFAULT '',
    bands        text NOT NULL DEFAULT '',
    thread_id    int,
    summary_id   int,
    claimed_by   bigint,
    claimed_name text,
    outcome      text CHECK (outcome IN ('activities', 'card', 'referred', 'no_need')),
    opened_at    timestamptz NOT NULL,
    family_at    timestamptz,
    claimed_at   timestamptz,
    closed_at    timestamptz,
    nudged_at    timestamptz,
    -- Set when a closed case asked the family for feedback; cleared by
    -- the answer, so one closing gets one answer.
    feedback_asked_at timestamptz
);
CREATE INDEX cases_open ON cases (opened_at) WHERE status = 'open';
CREATE UNIQUE INDEX cases_thread ON cases (thread_id);

-- The family's answers to "How did we do?" after a case was closed, 1-5.
CREATE TABLE case_feedback (
    id       bigserial PRIMARY KEY,
    case_id  bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    score    smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    given_at timestamptz NOT NULL
);

-- Coordinators' private notes on a case (/note). They are about the
-- family, so they go with the case when the family erases its data.
CREATE TABLE case_notes (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    coordinator bigint NOT NULL,
    text        text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id);

-- Coordinators as the bot has seen them act, and whether they are on
-- duty: urgent cases mention the coordinators on duty.
CREATE TABLE coordinators (
    user_id    bigint PRIMARY KEY,
    first_name text NOT NULL,
    on_duty    boolean NOT NULL DEFAULT false,
    seen_at    timestamptz NOT NULL
);

-- Every coordinator action, kept when the family erases its data (the
-- case reference is cleared then): who did what when, never what was
-- written.
CREATE TABLE audit (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL,
    coordinator bigint NOT NULL,
    action      text NOT NULL,
    case_id     bigint REFERENCES cases (id) ON DELETE SET NULL,
    detail      text NOT NULL DEFAULT ''
);
CREATE INDEX audit_case ON audit (case_id);

-- Wellbeing cards. The code is what the family shows (and its QR code
-- carries); it reveals nothing about the family. A chat has at most one
-- card that is not revoked: issuing a new one revokes the old.
CREATE TABLE cards (
    id          bigserial PRIMARY KEY,
    chat_id     bigint NOT NULL,
    case_id     bigint REFERENCES cases (id) ON DELETE SET NULL,
    code        text NOT NULL UNIQUE,
    valid_from  timestamptz NOT NULL,
    valid_until timestamptz NOT NULL CHECK (valid_until > valid_from),
    visits      int NOT NULL DEFAULT 0 CHECK (visits >= 0),
    issued_by   bigint NOT NULL,
    issued_at   timestamptz NOT NULL,
    revoked_at  timestamptz,
    revoked_by  bigint
);
CREATE UNIQUE INDEX cards_current ON cards (chat_id) WHERE revoked_at IS NULL;

-- Activity providers: an organiser of the catalogue and the Telegram user
-- who checks cards for it. A coordinator adds one and gets a one-time link;
-- the provider opening it links their Telegram account.
CREATE TABLE providers (
    id         bigserial PRIMARY KEY,
    organiser  text NOT NULL,
    name       text NOT NULL,
    link_code  text UNIQUE,
    user_id    bigint UNIQUE,
    added_by   bigint NOT NULL,
    added_at   timestamptz NOT NULL,
    linked_at  timestamptz
);

-- One free visit with a card, recorded by a provider: attendance.
CREATE TABLE card_visits (
    id          bigserial PRIMARY KEY,
    card_id     bigint NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    provider_id bigint NOT NULL REFERENCES providers (id),
    activity_id bigint REFERENCES activities (id) ON DELETE SET NULL,
    visited_at  timestamptz NOT NULL
);
CREATE INDEX card_visits_card ON card_visits (card_id);

ALTER TABLE referral_codes ADD COLUMN created_by bigint;
