package polku

import "time"

// AuditRow is one row of the audit log: when, who (a staff member's
// Telegram user ID, 0 for the bot itself) with the first name the bot
// knows for a coordinator, the action's code, the case (0 for none) and
// the detail as written. It holds who of the staff did what, never what
// anyone wrote and never who a family is.
type AuditRow struct {
	At     time.Time
	Who    int64
	Name   string
	Action string
	Case   int64
	Detail string
}
