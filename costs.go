package polku

import "time"

// The service's costs, for the managers' report: what a period cost, and
// so what one family reached, one participating family, one attended
// visit and one family whose wellbeing improved cost. They come from the
// configuration until a manager sets them in Telegram (/costs); every
// change is kept, and a report counts each period with the costs in
// effect at its end.

// Costs are the service's costs in euro cents: the project's monthly cost,
// a cost per activity session held and per wellbeing-card visit, and staff
// hours a month at an hourly rate.
type Costs struct {
	Monthly, PerSession, PerVisit int64
	StaffHours                    float64 // a month
	HourlyRate                    int64
	// Set is when a manager set these costs in Telegram; zero for the
	// configuration's.
	Set time.Time
}

// None reports whether no cost is counted: staff hours count only with a
// rate, and a rate only with hours.
func (c Costs) None() bool {
	return c.Monthly == 0 && c.PerSession == 0 && c.PerVisit == 0 && (c.StaffHours == 0 || c.HourlyRate == 0)
}

// Total is the cost of a period of months with the given sessions held
// and card visits, in cents.
func (c Costs) Total(months, sessions, visits int) float64 {
	return float64(c.Monthly)*float64(months) + float64(c.PerSession)*float64(sessions) +
		float64(c.PerVisit)*float64(visits) + c.StaffHours*float64(months)*float64(c.HourlyRate)
}
