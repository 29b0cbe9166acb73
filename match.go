package polku

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Profile is what matching knows of a family.
type Profile struct {
	Answers Answers
	Card    bool    // holds a valid wellbeing card: "free with the card" counts as free
	Home    *Coords // where the family is, when known (not asked in the intake yet)
}

// Reason says in one line why an activity was suggested; the flows turn it
// into text.
type Reason struct {
	Kind  string // "interest", "together", "families", "break", "hobby", "talk", "near", "soon", "free", "age"
	Value string // for "interest": the category; for "near": kilometres rounded ("3"); else ""
}

// The kinds of Reason. The help kinds are the Help values themselves.
const (
	ReasonInterest = "interest"
	ReasonTogether = string(HelpTogether)
	ReasonFamilies = string(HelpFamilies)
	ReasonBreak    = string(HelpBreak)
	ReasonHobby    = string(HelpHobby)
	ReasonTalk     = string(HelpTalk)
	ReasonNear     = "near"
	ReasonSoon     = "soon"
	ReasonFree     = "free"
	// ReasonAge is the reason when nothing else contributed: the activity
	// fits the children's ages.
	ReasonAge = "age"
)

// Suggestion is one activity offered to a family.
type Suggestion struct {
	Activity Activity
	// Session is the session to show: the soonest open one with seats
	// left, else the soonest open one (waiting list).
	Session Session
	Score   int
	Reason  Reason
	// Neighbour is set when the activity is another municipality's that
	// welcomes the family's too (Activity.Neighbours): it comes after
	// every activity of the family's own, and the card says so.
	Neighbour bool
}

// The ranking. A fitting activity's score is the sum of the weights that
// apply; its Reason is the kind with the largest contribution, ties going
// to the kind listed first in reasonKinds. Only the seats weight never
// becomes a reason: it orders, it does not explain.
//
// Interests weigh most because the family chose them: one matching
// interest (4) outweighs any timing (at most 3) and any single help. A help
// the family chose (3) is worth as much as starting within the week. Seats
// left (2) outweigh one step of timing, so a waiting list comes first only
// when it is much sooner or fits the family better.
const (
	wInterestFirst = 4 // the first of the family's interests among the activity's categories
	wInterestMore  = 2 // each further one
	wHelp          = 3 // each help the family chose that the activity serves (see helps)
	wSoonWeek      = 3 // the shown session starts within 7 days of now
	wSoonFortnight = 2 // within 14 days
	wSoonMonth     = 1 // within 31 days
	wSeats         = 2 // the shown session has seats left, not only a waiting list
	wNear          = 2 // within nearKm of home (both Home and the place's coordinates known)
	wNearish       = 1 // within nearishKm
	wFree          = 1 // free, or free with the family's card, when the family needs free

	nearKm        = 5
	nearishKm     = 15
	hobbySessions = 3 // "a regular hobby": at least this many open sessions
	groupCapacity = 8 // "meeting other families": at least this many seats
	soonWeek      = 7 * 24 * time.Hour
	soonFortnight = 14 * 24 * time.Hour
	soonMonth     = 31 * 24 * time.Hour
)

// reasonKinds are the kinds that can explain a suggestion, in the order
// that wins a tie.
var reasonKinds = [...]string{ReasonInterest, ReasonTogether, ReasonFamilies, ReasonBreak, ReasonHobby, ReasonTalk, ReasonNear, ReasonSoon, ReasonFree}

// Indexes into reasonKinds.
const (
	kInterest = iota
	kTogether
	kFamilies
	kBreak
	kHobby
	kTalk
	kNear
	kSoon
	kFree
)

// helps says which activities serve each kind of help.
var helps = [...]struct {
	help   Help
	kind   int
	serves func(a *Activity, shown Session, open int) bool
}{
	{HelpTogether, kTogether, func(a *Activity, _ Session, _ int) bool { return a.Audience == AudienceFamily }},
	{HelpFamilies, kFamilies, func(a *Activity, s Session, _ int) bool {
		return (a.Audience == AudienceFamily || a.Audience == AudienceParents) && s.Capacity >= groupCapacity
	}},
	{HelpBreak, kBreak, func(a *Activity, _ Session, _ int) bool { return a.Audience == AudienceChildren }},
	{HelpHobby, kHobby, func(_ *Activity, _ Session, open int) bool { return open >= hobbySessions }},
	{HelpTalk, kTalk, func(a *Activity, _ Session, _ int) bool { return a.Audience == AudienceParents }},
}

// bandAges are the ages, inclusive, of each band.
var bandAges = map[AgeBand][2]int{
	Age0to2:   {0, 2},
	Age3to6:   {3, 6},
	Age7to12:  {7, 12},
	Age13to17: {13, 17},
}

// Ages returns the youngest and oldest age of the band, inclusive; ok is
// false for a band Polku does not know.
func (b AgeBand) Ages() (lo, hi int, ok bool) {
	r, ok := bandAges[b]
	return r[0], r[1], ok
}

// Fits reports whether a child of the band is of an age the activity
// takes.
func (b AgeBand) Fits(a Activity) bool {
	lo, hi, ok := b.Ages()
	return ok && lo <= a.AgeMax && hi >= a.AgeMin
}

// family is a Profile prepared once for many activities.
type family struct {
	p            *Profile
	municipality string
	bands        [][2]int   // age ranges of bands with children
	langs        []string   // spoken languages without "other", base codes
	cats         []Category // the interests' categories, deduplicated, in the family's order
	helps        []int      // indexes into helps the family chose
	free, access bool
}

func prepare(p *Profile) family {
	f := family{
		p:            p,
		municipality: strings.TrimSpace(p.Answers.Municipality),
		free:         p.Answers.Has(NeedFree),
		access:       p.Answers.Has(NeedAccessibility),
	}
	for _, b := range AgeBands { // fixed order: deterministic
		if r, ok := bandAges[b]; ok && p.Answers.Children[b] > 0 {
			f.bands = append(f.bands, r)
		}
	}
	for _, l := range p.Answers.Languages {
		if l = baseLang(l); l != "" && l != "other" && !slices.Contains(f.langs, l) {
			f.langs = append(f.langs, l)
		}
	}
	for _, i := range p.Answers.Interests {
		if c := CategoryOf(i); !slices.Contains(f.cats, c) {
			f.cats = append(f.cats, c)
		}
	}
	for i, h := range helps {
		if slices.Contains(p.Answers.Helps, h.help) {
			f.helps = append(f.helps, i)
		}
	}
	return f
}

// baseLang returns the lower-case base code of a BCP 47 tag ("fi-FI" → "fi").
func baseLang(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	return strings.ToLower(s)
}

// fits applies the hard filters that do not depend on time, then the
// activity's status; it returns the failed filter's name or "".
func (f *family) fits(a *Activity) string {
	if ok, _ := a.Welcomes(f.municipality); !ok {
		return "municipality"
	}
	if !slices.ContainsFunc(f.bands, func(r [2]int) bool { return r[0] <= a.AgeMax && a.AgeMin <= r[1] }) {
		return "age"
	}
	if f.free && !isFree(a.Price, f.p.Card) {
		return "free"
	}
	if f.access && !slices.Contains(a.Access, AccessStepFree) {
		return "access"
	}
	if len(f.langs) > 0 && !f.speaks(a.Languages) {
		return "language"
	}
	if a.Status != StatusScheduled {
		return "status"
	}
	return ""
}

func (f *family) speaks(langs []string) bool {
	if len(langs) == 0 {
		return slices.Contains(f.langs, "fi")
	}
	for _, l := range langs {
		if slices.Contains(f.langs, baseLang(l)) {
			return true
		}
	}
	return false
}

func isFree(p Price, card bool) bool {
	return p.Kind == PriceFree || p.Kind == PriceCard && card
}

// pick returns the index in ss of the session to show among the sessions
// open at now that start in [from, until) (zero bounds are unbounded): the
// soonest with seats left, else the soonest; -1 when there is none. n
// counts those sessions.
func pick(ss []Session, now, from, until time.Time) (shown, n int) {
	first, seat := -1, -1
	sooner := func(i, j int) bool {
		if j < 0 {
			return true
		}
		if c := ss[i].Start.Compare(ss[j].Start); c != 0 {
			return c < 0
		}
		return ss[i].ID < ss[j].ID
	}
	for i := range ss {
		s := &ss[i]
		if !s.Open(now) || !from.IsZero() && s.Start.Before(from) || !until.IsZero() && !s.Start.Before(until) {
			continue
		}
		n++
		if sooner(i, first) {
			first = i
		}
		if s.SeatsLeft() > 0 && sooner(i, seat) {
			seat = i
		}
	}
	if seat >= 0 {
		return seat, n
	}
	return first, n
}

// candidate is a suggestion before it is sorted: sorting these small
// records instead of Suggestions (an Activity each) keeps Match cheap.
type candidate struct {
	act, session int // indexes into acts and its sessions
	score        int
	reason       Reason
	neighbour    bool // another municipality's, open to the family's too
}

// sorted sorts the candidates, the own municipality's before the
// neighbours', best first within each, and returns them as suggestions.
func sorted(acts []Activity, cs []candidate) []Suggestion {
	slices.SortFunc(cs, func(x, y candidate) int {
		if x.neighbour != y.neighbour {
			if x.neighbour {
				return 1
			}
			return -1
		}
		if x.score != y.score {
			return y.score - x.score
		}
		ax, ay := &acts[x.act], &acts[y.act]
		return compareSoonest(ax, ay, &ax.Sessions[x.session], &ay.Sessions[y.session])
	})
	if len(cs) == 0 {
		return nil
	}
	out := make([]Suggestion, len(cs))
	for i, c := range cs {
		a := &acts[c.act]
		out[i] = Suggestion{Activity: *a, Session: a.Sessions[c.session], Score: c.score, Reason: c.reason, Neighbour: c.neighbour}
	}
	return out
}

// Fits applies the hard filters; when a filter fails it names it
// ("municipality", "age", "free", "access", "language", "status",
// "sessions", checked in that order). A session that is full still fits:
// the family can join its waiting list.
func Fits(p Profile, a Activity, now time.Time) (ok bool, failed string) {
	f := prepare(&p)
	if failed := f.fits(&a); failed != "" {
		return false, failed
	}
	if shown, _ := pick(a.Sessions, now, time.Time{}, time.Time{}); shown < 0 {
		return false, "sessions"
	}
	return true, ""
}

// Match returns the activities that fit, best first.
func Match(p Profile, acts []Activity, now time.Time) []Suggestion {
	f := prepare(&p)
	var cs []candidate
	for i := range acts {
		a := &acts[i]
		if f.fits(a) != "" {
			continue
		}
		shown, n := pick(a.Sessions, now, time.Time{}, time.Time{})
		if shown < 0 {
			continue
		}
		score, reason := f.rank(a, a.Sessions[shown], n, now)
		_, neighbour := a.Welcomes(f.municipality)
		cs = append(cs, candidate{act: i, session: shown, score: score, reason: reason, neighbour: neighbour})
	}
	return sorted(acts, cs)
}

// rank scores a fitting activity whose shown session is s, out of open
// open sessions.
func (f *family) rank(a *Activity, s Session, open int, now time.Time) (int, Reason) {
	var by [len(reasonKinds)]int
	var interest Category
	for _, c := range f.cats {
		if !slices.Contains(a.Categories, c) {
			continue
		}
		if interest == "" {
			interest = c
			by[kInterest] += wInterestFirst
		} else {
			by[kInterest] += wInterestMore
		}
	}
	for _, i := range f.helps {
		if helps[i].serves(a, s, open) {
			by[helps[i].kind] += wHelp
		}
	}
	var km string
	if f.p.Home != nil && a.Place.Coords != nil {
		d := Distance(*f.p.Home, *a.Place.Coords)
		switch {
		case d <= nearKm:
			by[kNear] = wNear
		case d <= nearishKm:
			by[kNear] = wNearish
		}
		km = strconv.Itoa(int(math.Round(d)))
	}
	switch until := s.Start.Sub(now); {
	case until <= soonWeek:
		by[kSoon] = wSoonWeek
	case until <= soonFortnight:
		by[kSoon] = wSoonFortnight
	case until <= soonMonth:
		by[kSoon] = wSoonMonth
	}
	if f.free && isFree(a.Price, f.p.Card) {
		by[kFree] = wFree
	}

	score, best := 0, -1
	for k, v := range by {
		score += v
		if v > 0 && (best < 0 || v > by[best]) {
			best = k
		}
	}
	if s.SeatsLeft() > 0 {
		score += wSeats
	}
	r := Reason{Kind: ReasonAge}
	switch {
	case best == kInterest:
		r = Reason{Kind: ReasonInterest, Value: string(interest)}
	case best == kNear:
		r = Reason{Kind: ReasonNear, Value: km}
	case best >= 0:
		r = Reason{Kind: reasonKinds[best]}
	}
	return score, r
}

// compareSoonest breaks ties of score: the sooner session, then activity
// ID, title, organiser and external ID, so equal input always gives the
// same order.
func compareSoonest(x, y *Activity, xs, ys *Session) int {
	if c := xs.Start.Compare(ys.Start); c != 0 {
		return c
	}
	if x.ID != y.ID {
		if x.ID < y.ID {
			return -1
		}
		return 1
	}
	if c := strings.Compare(x.Title.In("fi"), y.Title.In("fi")); c != 0 {
		return c
	}
	if c := strings.Compare(x.Organiser, y.Organiser); c != 0 {
		return c
	}
	return strings.Compare(x.ExternalID, y.ExternalID)
}

// Browse lists the activities of a municipality in a category (empty =
// all) with an open session in the week starting at week (any instant
// inside the week; weeks run Monday 00:00 to Monday 00:00 local time in
// loc), soonest session first: the municipality's own, then those of
// other municipalities that welcome its families (Neighbour set). Nothing
// personal is used: Score and Reason are zero, and the shown session is
// the week's soonest open one with seats left, else its soonest open one.
func Browse(acts []Activity, municipality string, cat Category, week time.Time, loc *time.Location, now time.Time) []Suggestion {
	if loc == nil {
		loc = time.UTC
	}
	from := WeekStart(week, loc)
	until := time.Date(from.Year(), from.Month(), from.Day()+7, 0, 0, 0, 0, loc)
	var cs []candidate
	for i := range acts {
		a := &acts[i]
		ok, neighbour := a.Welcomes(municipality)
		if !ok || a.Status != StatusScheduled || cat != "" && !slices.Contains(a.Categories, cat) {
			continue
		}
		if shown, _ := pick(a.Sessions, now, from, until); shown >= 0 {
			cs = append(cs, candidate{act: i, session: shown, neighbour: neighbour})
		}
	}
	return sorted(acts, cs)
}

// WeekStart returns Monday 00:00 local of t's week.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	l := t.In(loc)
	back := (int(l.Weekday()) + 6) % 7 // days since Monday
	return time.Date(l.Year(), l.Month(), l.Day()-back, 0, 0, 0, 0, loc)
}

// earthRadius is the mean radius of the Earth in kilometres.
const earthRadius = 6371.0088

// Distance returns the great-circle distance in kilometres.
func Distance(a, b Coords) float64 {
	rad := func(deg float64) float64 { return deg * math.Pi / 180 }
	sin2 := func(x float64) float64 { s := math.Sin(x / 2); return s * s }
	h := sin2(rad(b.Lat-a.Lat)) + math.Cos(rad(a.Lat))*math.Cos(rad(b.Lat))*sin2(rad(b.Lon-a.Lon))
	return 2 * earthRadius * math.Asin(math.Sqrt(min(1, h)))
}

// CategoryOf maps an intake interest to its catalogue category (they share
// names).
func CategoryOf(i Interest) Category { return Category(i) }
