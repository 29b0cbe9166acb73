package store

import (
	"context"
	"time"

	"polku"

	"github.com/jackc/pgx/v5"
)

// Audit records a coordinator's action. detail names what was done (an
// outcome, a template's name), never what anyone wrote. A case's row is
// of the case's municipality (its scope), for the managers of it.
func (t *Tx) Audit(ctx context.Context, coordinator int64, action string, caseID int64, detail string) error {
	var c *int64
	if caseID != 0 {
		c = &caseID
	}
	_, err := t.tx.Exec(ctx, `
		INSERT INTO audit (at, coordinator, action, case_id, detail, scope)
		VALUES ($1, $2, $3, $4, $5, (SELECT 'municipality:' || municipality FROM cases WHERE id = $4 AND municipality <> ''))`,
		t.db.Now(), coordinator, action, c, detail)
	return wrap(err, "audit")
}

// AuditLog calls each with the audit rows of the local months from
// first's to last's, both included, oldest first, as PostgreSQL sends
// them: a long period is never held in memory whole. scopes, unless nil,
// are the scopes whose rows are read (as polku.Scope writes them: a
// region's manager's are the region's and each of its municipalities');
// nil reads the whole service's. An error from each stops the reading and
// is returned.
func (db *DB) AuditLog(ctx context.Context, first, last time.Time, scopes []string, each func(polku.AuditRow) error) error {
	from, until := db.month(first), db.month(last).AddDate(0, 1, 0)
	rows, err := db.pool.Query(ctx, `
		SELECT a.at, a.coordinator, COALESCE(c.first_name, ''), a.action, COALESCE(a.case_id, 0), a.detail
		FROM audit a LEFT JOIN coordinators c ON c.user_id = a.coordinator
		WHERE a.at >= $1 AND a.at < $2 AND ($3::text[] IS NULL OR a.scope = ANY($3))
		ORDER BY a.at, a.id`, from, until, scopes)
	if err != nil {
		return wrap(err, "audit log")
	}
	var r polku.AuditRow
	_, err = pgx.ForEachRow(rows, []any{&r.At, &r.Who, &r.Name, &r.Action, &r.Case, &r.Detail}, func() error {
		r.At = r.At.In(db.loc)
		return each(r)
	})
	return wrap(err, "audit log")
}
