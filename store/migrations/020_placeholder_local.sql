-- Local placeholder for the lead's 020 (not committed): tern refuses gaps.
SELECT 1;
