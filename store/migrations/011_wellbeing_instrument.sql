-- Every set of wellbeing answers names its instrument (see
-- docs/wellbeing.md): the WHO-5 Well-Being Index (answers 0–5) or Polku's
-- own statements (answers 1–5). Their scores are never put in one figure.
-- The rows stored before this are the own statements. The default is only
-- for them: every insert names its instrument.
ALTER TABLE wellbeing ADD COLUMN instrument text NOT NULL DEFAULT 'own'
    CHECK (instrument IN ('who5', 'own'));
ALTER TABLE wellbeing ALTER COLUMN instrument DROP DEFAULT;
