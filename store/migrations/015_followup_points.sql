-- The wellbeing follow-up asked (issue 12). A deployment may ask it at
-- several points after the baseline (8 and 26 weeks, say): each follow-up
-- answered names its point, once per family, and so does each anonymous
-- pair, so that the report never puts the change after 8 weeks and after
-- 26 in one figure. The pairs stored before this are of the first point.
ALTER TABLE wellbeing ADD COLUMN point smallint;
UPDATE wellbeing SET point = 1 WHERE kind = 'followup';
ALTER TABLE wellbeing ADD CONSTRAINT wellbeing_point CHECK ((kind = 'followup') = (point IS NOT NULL AND point >= 1));
CREATE UNIQUE INDEX wellbeing_followup_point ON wellbeing (family_id, point) WHERE kind = 'followup';

ALTER TABLE stat_pairs ADD COLUMN point smallint NOT NULL DEFAULT 1 CHECK (point >= 1);
ALTER TABLE stat_pairs DROP CONSTRAINT stat_pairs_pkey;
ALTER TABLE stat_pairs ADD PRIMARY KEY (month, municipality, instrument, point, before, after, attended);
