-- The service's costs for the managers' report, as managers set them in
-- Telegram (/costs): a row per change, with its moment on the service's
-- clock, who made it (a manager's Telegram user ID: staff, never a
-- family) and every value as it is after the change, so that the latest
-- row at or before a moment is the costs in effect then. Rows are kept:
-- a report of an earlier period counts with the costs it had. Before the
-- first row, the configuration's costs are in effect. Amounts are euro
-- cents; staff hours are a month, to the hundredth.
CREATE TABLE costs (
    id          bigserial PRIMARY KEY,
    set_at      timestamptz NOT NULL,
    set_by      bigint NOT NULL,
    monthly     bigint NOT NULL CHECK (monthly >= 0),
    per_session bigint NOT NULL CHECK (per_session >= 0),
    per_visit   bigint NOT NULL CHECK (per_visit >= 0),
    staff_hours numeric(8, 2) NOT NULL CHECK (staff_hours >= 0),
    hourly_rate bigint NOT NULL CHECK (hourly_rate >= 0)
);
CREATE INDEX costs_set_at ON costs (set_at, id);
