-- The service catalogue (palvelutarjotin), the families' sign-ups and the
-- durable jobs (reminders, the follow-up question, notices of changes) that
-- hang off them.

-- One offer of the catalogue as imported. The organiser's own ID
-- identifies it across imports, so a re-import updates rather than adds.
-- data holds the rest of polku.Activity (without its ID and sessions) as
-- JSON: a new field of the catalogue needs no migration. municipality and
-- status are copied out of it because the catalogue is filtered on them.
CREATE TABLE activities (
    id           bigserial PRIMARY KEY,
    organiser    text NOT NULL,
    external_id  text NOT NULL,
    municipality text NOT NULL,
    status       text NOT NULL CHECK (status IN ('scheduled', 'cancelled', 'postponed')),
    data         jsonb NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organiser, external_id)
);
CREATE INDEX activities_municipality ON activities (municipality) WHERE status = 'scheduled';

-- One time an activity happens: what families sign up for. The row is
-- locked while seats are counted, so a session is never overbooked. A
-- session is never deleted by an import, only given another status, so
-- sign-ups and their history keep pointing at it. ends_at is NULL when the
-- organiser gave no end.
CREATE TABLE sessions (
    id          bigserial PRIMARY KEY,
    activity_id bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    external_id text NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz,
    capacity    int NOT NULL CHECK (capacity > 0),
    enrol_from  timestamptz,
    enrol_until timestamptz,
    status      text NOT NULL CHECK (status IN ('scheduled', 'cancelled', 'postponed')),
    UNIQUE (activity_id, external_id)
);
CREATE INDEX sessions_starts ON sessions (starts_at);

-- A family's seats in a session, or its place in the waiting list (the
-- order of id is the order of the list). Personal: it hangs off the family
-- key, so erasure is still one DELETE. Cancelled sign-ups are kept for the
-- family's own history until erasure; attendance is the family's own
-- answer to "Did you make it?".
CREATE TABLE signups (
    id           bigserial PRIMARY KEY,
    family_id    bigint NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    session_id   bigint NOT NULL REFERENCES sessions (id),
    children     smallint NOT NULL CHECK (children >= 0),
    adults       smallint NOT NULL CHECK (adults >= 0),
    status       text NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    created_at   timestamptz NOT NULL,
    cancelled_at timestamptz,
    attendance   text CHECK (attendance IN ('yes', 'no', 'could_not')),
    attended_at  timestamptz,
    CHECK (children + adults > 0)
);
-- One live sign-up per family and session: a second tap cannot book twice.
CREATE UNIQUE INDEX signups_live ON signups (family_id, session_id) WHERE status <> 'cancelled';
-- Seats taken and the waiting list, counted per session.
CREATE INDEX signups_session ON signups (session_id, status, id);
CREATE INDEX signups_family ON signups (family_id);

-- Work due at a moment: reminders and the follow-up of a sign-up, and
-- notices of a cancelled, moved or promoted one. Written in the same
-- transaction as the change that causes it, so none is lost or doubled;
-- a runner claims due jobs with SKIP LOCKED and turns them into outbox
-- rows. data holds what rendering needs beyond the sign-up (the old start
-- of a moved session). attempts counts failed renderings: a job that keeps
-- failing is left aside rather than blocking the others.
CREATE TABLE jobs (
    id        bigserial PRIMARY KEY,
    kind      text NOT NULL,
    family_id bigint NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    signup_id bigint REFERENCES signups (id) ON DELETE CASCADE,
    chat_id   bigint NOT NULL,
    due_at    timestamptz NOT NULL,
    data      jsonb,
    attempts  int NOT NULL DEFAULT 0,
    done_at   timestamptz
);
CREATE INDEX jobs_due ON jobs (due_at) WHERE done_at IS NULL;
-- Erasure and cancellation delete by these.
CREATE INDEX jobs_signup ON jobs (signup_id);
CREATE INDEX jobs_family ON jobs (family_id);

-- A family may turn reminders off. Its jobs are still run: the runner is
-- told, and decides what (if anything) to send.
ALTER TABLE families ADD COLUMN reminders boolean NOT NULL DEFAULT true;
