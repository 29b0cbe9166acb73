package staff

import (
	"context"
)

// The audit log is read with /audit (this month so far), /audit 2026-11 or
// /audit 2026-01..2026-06, with "csv" after it as /report takes it: the
// rows of who did what when, never what anyone wrote. The service's
// operators and managers may read it, for the whole service (roles per
// municipality come later); who is which is the adapter's to say, as it
// asks Telegram. staff decides who may and the period, and audits every
// ask, refused ones too. The rows themselves are read and written as a
// workbook by the adapter, from the Message's AuditLog.

// MayReadAudit says whether a staff member may read the audit log: an
// operator or a manager of the service.
func MayReadAudit(manager, operator bool) bool { return manager || operator }

// AuditLog answers /audit of in.User, who is a manager when manager is
// set and an operator when operator is: a Message whose AuditLog is the
// period asked, or why none is read.
func (m *Managers) AuditLog(ctx context.Context, tx ManagerTx, in Input, manager, operator bool) ([]Message, error) {
	if !MayReadAudit(manager, operator) {
		return []Message{say(L("audit.refused", nil))}, tx.Audit(ctx, in.User, "audit_refused", 0, "")
	}
	arg, csv := csvArg(in.Arg)
	p, err := ParsePeriod(arg, m.now())
	if err != nil {
		// Asked all the same: the ask is in the log, the period it did
		// not understand is not (it is what someone typed).
		return []Message{say(periodProblem("audit", err))}, tx.Audit(ctx, in.User, "audit", 0, "?")
	}
	detail := p.String()
	if csv {
		detail += " csv"
	}
	return []Message{{To: Here, AuditLog: &p, CSV: csv}}, tx.Audit(ctx, in.User, "audit", 0, detail)
}
