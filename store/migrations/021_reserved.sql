-- Reserved: number 21 belongs to a migration on another branch, and tern
-- wants the numbers without gaps. Delete this file when that one is merged
-- (tern then refuses the duplicate number until it is).
SELECT 1;
