package polku

// Coordinator is a member of the coordinators' group as the bot saw them.
type Coordinator struct {
	UserID    int64
	FirstName string
	OnDuty    bool
}
