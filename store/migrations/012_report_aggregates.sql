-- The managers' report is read from anonymous aggregates that a family's
-- erasure leaves alone: nothing in them names a family, a chat, a case or
-- a moment finer than a day, and no row refers to another table, so that
-- erasing deletes nothing of them and nothing of them leads back to a
-- family.
--
-- stats gains the report's dimensions, '' standing for "not told" as for
-- municipality and referral: the age band of a new family's youngest child
-- (band), and the category and organiser of the activity a sign-up, an
-- attendance, a move from the waiting list or a card visit was for. The
-- report's counts are kept by month, on the month's first day.
ALTER TABLE stats
    ADD COLUMN band text NOT NULL DEFAULT '',
    ADD COLUMN category text NOT NULL DEFAULT '',
    ADD COLUMN organiser text NOT NULL DEFAULT '';
-- The key begins with the kind: the report reads a few kinds over months,
-- beside the many daily rows of others.
ALTER TABLE stats DROP CONSTRAINT stats_pkey;
ALTER TABLE stats ADD PRIMARY KEY (kind, day, municipality, referral, band, category, organiser);

-- Measured values, such as the minutes a case waited within office hours
-- for a coordinator's first answer, as an anonymous list: how many times
-- each value was measured in a month, by municipality. A histogram rather
-- than a row a measurement, so that not even the order of the rows tells
-- which case a value was.
CREATE TABLE stat_values (
    month        date NOT NULL CHECK (extract(day FROM month) = 1),
    kind         text NOT NULL,
    municipality text NOT NULL DEFAULT '',
    value        integer NOT NULL,
    count        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, month, municipality, value)
);
