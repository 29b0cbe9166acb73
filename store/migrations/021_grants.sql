-- Roles granted in Telegram (issue 13, "Roles"): someone who holds the
-- role above makes a one-time link for a role in a scope; the person who
-- opens it in time holds the role until it is revoked. The configuration
-- file's roles are not here: they are the file's. Providers keep their own
-- table (providers), which is their grant of the organiser's role.
CREATE TABLE grants (
    id         bigserial PRIMARY KEY,
    role       text NOT NULL CHECK (role IN ('operator', 'manager', 'referrer')),
    -- As polku.Scope writes it: 'service', 'region:kainuu',
    -- 'municipality:Kuusamo', 'organisation:Sample school (fictional)'.
    scope      text NOT NULL,
    -- Who the grant is for, as the granter wrote it (a staff member's
    -- name or a title), and the Telegram user holding it once the link
    -- was opened, with their first name as it was then.
    name       text NOT NULL,
    user_id    bigint,
    first_name text,
    link_code  text UNIQUE,
    link_until timestamptz NOT NULL,
    granted_by bigint NOT NULL,
    granted_at timestamptz NOT NULL,
    taken_at   timestamptz,
    revoked_at timestamptz,
    revoked_by bigint,
    CONSTRAINT grants_taken CHECK ((user_id IS NULL) = (taken_at IS NULL)),
    CONSTRAINT grants_revoked CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX grants_user ON grants (user_id) WHERE revoked_at IS NULL;

-- What an audit row is about, as a scope ('municipality:Kuusamo' for a
-- case's row, a grant's own scope for a grant's): a manager of a region or
-- a municipality reads the rows of its scope only. NULL is the whole
-- service's (an import, a duty, a case whose municipality was not told),
-- read by the service's managers and the operators.
ALTER TABLE audit ADD COLUMN scope text;
UPDATE audit a SET scope = 'municipality:' || c.municipality
FROM cases c WHERE c.id = a.case_id AND c.municipality <> '';
