package staff

import (
	"context"

	"polku"
)

// The audit log is read with /audit (this month so far), /audit 2026-11 or
// /audit 2026-01..2026-06, with "csv" after it as /report takes it: the
// rows of who did what when, never what anyone wrote. The service's
// operators read it whole; a manager reads the rows of its scope (a
// region's or a municipality's manager those about its cases and its
// grants), and a part of it named first as /report takes one. Who is
// which is the adapter's to say, as Roles. staff decides who may, the
// scope and the period, and audits every ask, refused ones too. The rows
// themselves are read and written as a workbook by the adapter, from the
// Message's AuditLog and Scope.

// MayReadAudit says whether a staff member may read the audit log: an
// operator or a manager of the service.
func MayReadAudit(manager, operator bool) bool { return manager || operator }

// AuditLog answers /audit of in.User, who holds r: a Message whose
// AuditLog is the period asked, of the Scope asked, or why none is read.
func (m *Managers) AuditLog(ctx context.Context, tx ManagerTx, in Input, r Roles) ([]Message, error) {
	if !MayReadAudit(r.Has(polku.RoleManager), r.Has(polku.RoleOperator)) {
		return []Message{say(L("audit.refused", nil))}, tx.Audit(ctx, in.User, "audit_refused", 0, "")
	}
	scopes := r.Scopes(polku.RoleManager)
	if r.Has(polku.RoleOperator) {
		scopes = []polku.Scope{{Kind: polku.ScopeService}}
	}
	sc, rest, refused := m.where(in.Arg, in.Lang, scopes)
	if refused != nil {
		return []Message{say(*refused)}, tx.Audit(ctx, in.User, "audit_refused", 0, sc.String())
	}
	arg, csv := csvArg(rest)
	p, err := ParsePeriod(arg, m.now())
	if err != nil {
		// Asked all the same: the ask is in the log, the period it did
		// not understand is not (it is what someone typed).
		return []Message{say(periodProblem("audit", err))}, tx.Audit(ctx, in.User, "audit", 0, "?")
	}
	return []Message{{To: Here, AuditLog: &p, CSV: csv, Scope: sc}}, tx.Audit(ctx, in.User, "audit", 0, scopeDetail(p, csv, sc))
}
