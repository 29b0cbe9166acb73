-- The wellbeing follow-up (issue 12): a job of no sign-up (jobs.signup_id
-- is already nullable), planned when a family's first complete baseline
-- is saved. A family may say no to follow-ups: remembered here, so erased
-- with the family and exported with it.
ALTER TABLE families ADD COLUMN follow_ups boolean NOT NULL DEFAULT true;

-- The wellbeing follow-ups for the managers' report, anonymous as
-- stat_values are: how many times each pair of a baseline and its
-- follow-up (both on 0–100, of one instrument) was measured in the month
-- the follow-up was answered, by municipality and by whether the family
-- attended any activity in between. No key of a family: an erasure leaves
-- them as they are. The follow-ups answered are counted in stats.
CREATE TABLE stat_pairs (
    month        date NOT NULL CHECK (extract(day FROM month) = 1),
    municipality text NOT NULL DEFAULT '',
    instrument   text NOT NULL CHECK (instrument IN ('who5', 'own')),
    before       integer NOT NULL,
    after        integer NOT NULL,
    attended     boolean NOT NULL,
    count        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (month, municipality, instrument, before, after, attended)
);
