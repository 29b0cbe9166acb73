package report

// SetAuditSheetRows makes the audit's workbook begin a new sheet after n
// rows, so that a test sees it without a million rows; the returned func
// puts it back.
func SetAuditSheetRows(n int) func() {
	was := auditSheetRows
	auditSheetRows = n
	return func() { auditSheetRows = was }
}
