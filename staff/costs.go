package staff

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"polku"
	"polku/flows"
)

// The costs the report counts, as a manager sees and sets them: /costs
// shows the costs in effect, since when and whether a manager set them
// here or they come from the configuration; /costs monthly 12000,
// /costs session 45, /costs visit 8,50 and /costs staff 60 32,50 (hours a
// month, an hourly rate) change one of them, in euros with a decimal
// comma or a point; 0 clears one. Every change is kept with its moment
// and who made it (the store's), and audited with the values; the report
// counts each period with the costs in effect at its end.

// CostsTx is what /costs needs of the store.
type CostsTx interface {
	ManagerTx
	// Costs are the costs a manager set last; false when none has.
	Costs(ctx context.Context) (polku.Costs, bool, error)
	// SetCosts keeps c as the costs in effect from now, set by user by,
	// and returns them with the moment they were set.
	SetCosts(ctx context.Context, by int64, c polku.Costs) (polku.Costs, error)
}

// The largest costs taken: what the configuration takes too.
const (
	// MaxEuros is the largest amount of one cost.
	MaxEuros = 10_000_000
	// MaxStaffHours is the most staff hours a month.
	MaxStaffHours = 100_000
)

// Why a change of the costs is refused.
var (
	ErrCostWhat    = errors.New("not a cost: monthly, session, visit or staff")
	ErrCostAmount  = errors.New("not an amount of euros")
	ErrCostTooMuch = errors.New("more than MaxEuros")
	ErrCostStaff   = errors.New("not staff hours and an hourly rate")
	ErrCostHours   = errors.New("not hours a month from 0 to MaxStaffHours")
)

// costErrors are the answers to a refused change.
var costErrors = map[error]string{
	ErrCostWhat: "manager.costs.what", ErrCostAmount: "manager.costs.amount", ErrCostTooMuch: "manager.costs.too_much",
	ErrCostStaff: "manager.costs.staff_args", ErrCostHours: "manager.costs.hours",
}

// amount is a number as a manager writes it: whole, or with a decimal
// comma or point and one or two decimals. A thousands separator is not
// taken ("12.000" could be twelve euros), a space between thousands is,
// where one amount is all there is.
var amount = regexp.MustCompile(`^[0-9]+([.,][0-9]{1,2})?$`)

// number reads an amount in hundredths, without its unit (€, h).
func number(s string, unit string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), unit), unit))
	if !amount.MatchString(s) {
		return 0, false
	}
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/1000 {
		return 0, false
	}
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return w*100 + f, true
}

// ChangeCosts is c with the change /costs ARG asks for: "monthly 12000",
// "session 45", "visit 8,50", "staff 60 32,50" (hours a month and the
// hourly rate; "staff 0" clears both). The words may be in any case and
// the euros may carry "€". Set is left as it was: the store sets it.
func ChangeCosts(c polku.Costs, arg string) (polku.Costs, error) {
	fields := strings.Fields(strings.ToLower(arg))
	if len(fields) == 0 {
		return c, ErrCostWhat
	}
	what, rest := fields[0], fields[1:]
	euros := func() (int64, error) {
		// "12 000" and "8,50 €" are one amount.
		cents, ok := number(strings.Join(rest, ""), "€")
		switch {
		case !ok:
			return 0, ErrCostAmount
		case cents > MaxEuros*100:
			return 0, ErrCostTooMuch
		}
		return cents, nil
	}
	var err error
	switch what {
	case "monthly", "month":
		c.Monthly, err = euros()
	case "session", "sessions":
		c.PerSession, err = euros()
	case "visit", "visits":
		c.PerVisit, err = euros()
	case "staff":
		c.StaffHours, c.HourlyRate, err = staffCosts(rest)
	default:
		return c, ErrCostWhat
	}
	return c, err
}

// staffCosts reads "60 32,50" (or "60 h 32,50 €"): hours a month and an
// hourly rate in cents; "0" alone clears both, as does a 0 of either.
func staffCosts(args []string) (float64, int64, error) {
	var parts []string
	for _, a := range args {
		if a != "h" && a != "€" {
			parts = append(parts, a)
		}
	}
	if len(parts) == 1 {
		if h, ok := number(parts[0], "h"); ok && h == 0 {
			return 0, 0, nil
		}
	}
	if len(parts) != 2 {
		return 0, 0, ErrCostStaff
	}
	hours, ok := number(parts[0], "h")
	if !ok {
		return 0, 0, ErrCostStaff
	}
	if hours > MaxStaffHours*100 {
		return 0, 0, ErrCostHours
	}
	rate, ok := number(parts[1], "€")
	switch {
	case !ok:
		return 0, 0, ErrCostStaff
	case rate > MaxEuros*100:
		return 0, 0, ErrCostTooMuch
	case hours == 0 || rate == 0:
		return 0, 0, nil
	}
	return float64(hours) / 100, rate, nil
}

// CostsDetail is the audit's detail of costs: every value, in euros and
// hours, never who set them (the audit row says that).
func CostsDetail(c polku.Costs) string {
	e := func(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }
	return fmt.Sprintf("monthly %s, session %s, visit %s, staff %s h at %s",
		e(c.Monthly), e(c.PerSession), e(c.PerVisit), strconv.FormatFloat(c.StaffHours, 'f', -1, 64), e(c.HourlyRate))
}

// CostsLines are the lines that show costs: where they come from and
// since when, then each cost ("not set" for none).
func CostsLines(c polku.Costs) []Line {
	source := L("manager.costs.configured", nil)
	if !c.Set.IsZero() {
		source = L("manager.costs.set", map[string]any{"Day": flows.When{Start: c.Set, Day: true}})
	}
	money := func(id string, cents int64) Line {
		var v any = flows.Money(cents)
		if cents == 0 {
			v = flows.Text{ID: "manager.costs.none"}
		}
		return L(id, map[string]any{"Euros": v})
	}
	staff := L("manager.costs.staff_none", nil)
	if c.StaffHours > 0 && c.HourlyRate > 0 {
		hundredths := int64(math.Round(c.StaffHours * 100))
		frac := strings.TrimRight(fmt.Sprintf("%02d", hundredths%100), "0")
		staff = L("manager.costs.staff", map[string]any{
			"Hours": flows.Text{ID: "manager.costs.hours_value", Data: map[string]any{"Whole": hundredths / 100, "Frac": frac}},
			"Rate":  flows.Money(c.HourlyRate),
		})
	}
	return []Line{source, money("manager.costs.monthly", c.Monthly), money("manager.costs.session", c.PerSession),
		money("manager.costs.visit", c.PerVisit), staff}
}

// Costs answers /costs of in.User, who holds r: the costs in effect and
// how to change them, or the change asked made, or why not. configured
// are the configuration's costs, in effect until a manager sets some. The
// costs are the whole service's: a manager of a region or a municipality
// sees them, and only a manager of the service changes them. A refusal is
// audited as /report's is, every change with its values.
func (m *Managers) Costs(ctx context.Context, tx CostsTx, in Input, r Roles) ([]Message, error) {
	if !r.Has(polku.RoleManager) {
		return []Message{say(L("manager.costs.not_manager", nil))}, tx.Audit(ctx, in.User, "costs_refused", 0, "")
	}
	c, set, err := tx.Costs(ctx)
	if err != nil {
		return nil, err
	}
	if !set {
		c = m.costs
	}
	if strings.TrimSpace(in.Arg) == "" {
		lines := append([]Line{L("manager.costs.title", nil)}, CostsLines(c)...)
		return []Message{say(append(lines, blank, L("manager.costs.how", nil))...)}, nil
	}
	if !r.Reaches(polku.RoleManager, polku.Scope{Kind: polku.ScopeService}, m.service) {
		return []Message{say(L("manager.costs.service_only", nil))}, tx.Audit(ctx, in.User, "costs_refused", 0, "scope")
	}
	next, err := ChangeCosts(c, in.Arg)
	if err != nil {
		return []Message{say(L(costErrors[err], nil))}, nil
	}
	saved, err := tx.SetCosts(ctx, in.User, next)
	if err != nil {
		return nil, err
	}
	lines := append([]Line{L("manager.costs.changed", nil), blank}, CostsLines(saved)...)
	return []Message{say(lines...)}, tx.Audit(ctx, in.User, "costs", 0, CostsDetail(saved))
}
