package report

import "polku/report/sdc"

// ReferralCells are one referral link's families who started from it and
// those of them who finished the questions, as a referrer's /codes may
// show them: protected as a table of one row (finished and not finished,
// started their total), one link at a time as a campaign's figures are,
// since /codes shows no sum over links.
func ReferralCells(started, finished int) (startedCell, finishedCell Cell) {
	finished = min(max(finished, 0), started)
	p := sdc.Protect(sdc.Table{{finished, started - finished}})
	return count(p.RowTotals[0]), count(p.Cells[0][0])
}

// Small reports whether a hidden cell is a count of 1 to 4 (written
// MarkSmall), not one hidden so that another cannot be worked out
// (MarkHidden).
func (c Cell) Small() bool { return c.Why == sdc.Small }
