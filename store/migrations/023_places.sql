-- Places (issue 13): an activity may welcome the families of neighbouring
-- municipalities, and a referral code may carry its municipality.
--
-- neighbours is a column, beside municipality, because the catalogue a
-- family is offered is looked up by it; the activity's JSON holds the same
-- list, as it holds its municipality.
ALTER TABLE activities ADD COLUMN neighbours text[] NOT NULL DEFAULT '{}';
UPDATE activities SET neighbours = ARRAY(SELECT jsonb_array_elements_text(data -> 'neighbours'))
WHERE jsonb_typeof(data -> 'neighbours') = 'array';
CREATE INDEX activities_neighbours ON activities USING gin (neighbours) WHERE status = 'scheduled';

-- A code made for one municipality's professionals sets the family's
-- municipality: the family is not asked. '' is a code for anyone.
ALTER TABLE referral_codes ADD COLUMN municipality text NOT NULL DEFAULT '';
