-- Reserved: migration 011 is the WHO-5 branch's (i12-who5,
-- 011_wellbeing_instrument.sql). This empty stand-in only keeps the
-- numbers of this branch (i12-stats) contiguous, as tern requires; it goes
-- when the two branches are merged.
SELECT 1;
