package polku

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func helsinki(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// matchNow is a Tuesday noon in Helsinki (winter time, +02:00).
var matchNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func days(n float64) time.Time { return matchNow.Add(time.Duration(n * 24 * float64(time.Hour))) }

func session(start time.Time) Session {
	return Session{Start: start, End: start.Add(90 * time.Minute), Capacity: 10, Status: StatusScheduled}
}

// fitting is a profile and an activity that fit each other; tests change
// one thing at a time.
func fitting() (Profile, Activity) {
	p := Profile{Answers: Answers{Municipality: "Kuusamo", Children: map[AgeBand]int{Age7to12: 1}}}
	a := Activity{
		ID: 1, Organiser: "org", ExternalID: "a1", Title: Localized{"fi": "Aktiviteetti"},
		Categories: []Category{CategoryNature}, Municipality: "Kuusamo",
		AgeMin: 7, AgeMax: 12, Audience: AudienceFamily, Price: Price{Kind: PricePaid, Cents: 500},
		Status: StatusScheduled, Sessions: []Session{session(days(3))},
	}
	return p, a
}

func TestFits(t *testing.T) {
	children := func(b AgeBand) func(*Profile) {
		return func(p *Profile) { p.Answers.Children = map[AgeBand]int{b: 1} }
	}
	ages := func(lo, hi int) func(*Activity) { return func(a *Activity) { a.AgeMin, a.AgeMax = lo, hi } }
	needs := func(n ...Need) func(*Profile) { return func(p *Profile) { p.Answers.Needs = n } }
	price := func(k PriceKind) func(*Activity) { return func(a *Activity) { a.Price.Kind = k } }
	speaks := func(l ...string) func(*Profile) { return func(p *Profile) { p.Answers.Languages = l } }
	spoken := func(l ...string) func(*Activity) { return func(a *Activity) { a.Languages = l } }
	sess := func(f func(*Session)) func(*Activity) { return func(a *Activity) { f(&a.Sessions[0]) } }
	both := func(fs ...func(*Profile)) func(*Profile) {
		return func(p *Profile) {
			for _, f := range fs {
				f(p)
			}
		}
	}

	tests := []struct {
		name    string
		profile func(*Profile)
		act     func(*Activity)
		want    string // the failed filter; "" fits
	}{
		{name: "fits", want: ""},

		{name: "municipality case and space", profile: func(p *Profile) { p.Answers.Municipality = "  kuusamo " }, want: ""},
		{name: "municipality other", act: func(a *Activity) { a.Municipality = "Kalajoki" }, want: "municipality"},
		{name: "municipality missing", profile: func(p *Profile) { p.Answers.Municipality = "" }, act: func(a *Activity) { a.Municipality = "" }, want: "municipality"},

		{name: "age 0-2 up to 2", profile: children(Age0to2), act: ages(2, 5), want: ""},
		{name: "age 0-2 from 3", profile: children(Age0to2), act: ages(3, 5), want: "age"},
		{name: "age 3-6 up to 3", profile: children(Age3to6), act: ages(0, 3), want: ""},
		{name: "age 3-6 up to 2", profile: children(Age3to6), act: ages(0, 2), want: "age"},
		{name: "age 3-6 from 6", profile: children(Age3to6), act: ages(6, 9), want: ""},
		{name: "age 3-6 from 7", profile: children(Age3to6), act: ages(7, 9), want: "age"},
		{name: "age 7-12 up to 7", profile: children(Age7to12), act: ages(0, 7), want: ""},
		{name: "age 7-12 up to 6", profile: children(Age7to12), act: ages(0, 6), want: "age"},
		{name: "age 7-12 from 12", profile: children(Age7to12), act: ages(12, 15), want: ""},
		{name: "age 7-12 from 13", profile: children(Age7to12), act: ages(13, 17), want: "age"},
		{name: "age 13-17 up to 13", profile: children(Age13to17), act: ages(10, 13), want: ""},
		{name: "age 13-17 up to 12", profile: children(Age13to17), act: ages(10, 12), want: "age"},
		{name: "age 13-17 only 17", profile: children(Age13to17), act: ages(17, 17), want: ""},
		{name: "age band with no children", profile: func(p *Profile) { p.Answers.Children = map[AgeBand]int{Age7to12: 1, Age13to17: 0} }, act: ages(13, 17), want: "age"},
		{name: "age one of two bands", profile: func(p *Profile) { p.Answers.Children = map[AgeBand]int{Age0to2: 1, Age13to17: 2} }, act: ages(15, 17), want: ""},

		{name: "free needed, paid", profile: needs(NeedFree), want: "free"},
		{name: "free needed, free", profile: needs(NeedFree), act: price(PriceFree), want: ""},
		{name: "free needed, card held", profile: both(needs(NeedFree), func(p *Profile) { p.Card = true }), act: price(PriceCard), want: ""},
		{name: "free needed, card not held", profile: needs(NeedFree), act: price(PriceCard), want: "free"},
		{name: "free needed, card held, paid", profile: both(needs(NeedFree), func(p *Profile) { p.Card = true }), want: "free"},
		{name: "free not needed, paid", profile: needs(NeedTransport), want: ""},

		{name: "access needed, none", profile: needs(NeedAccessibility), want: "access"},
		{name: "access needed, other feature", profile: needs(NeedAccessibility), act: func(a *Activity) { a.Access = []Access{AccessHearingLoop} }, want: "access"},
		{name: "access needed, step-free", profile: needs(NeedAccessibility), act: func(a *Activity) { a.Access = []Access{AccessHearingLoop, AccessStepFree} }, want: ""},
		{name: "access not needed", want: ""},

		{name: "language none listed is Finnish, fits fi", profile: speaks("uk", "fi"), want: ""},
		{name: "language none listed is Finnish, not uk", profile: speaks("uk"), want: "language"},
		{name: "language shared", profile: speaks("uk", "en"), act: spoken("sv", "en"), want: ""},
		{name: "language not shared", profile: speaks("ar"), act: spoken("fi", "sv"), want: "language"},
		{name: "language case and region", profile: speaks("en-GB"), act: spoken("EN"), want: ""},
		{name: "language only other", profile: speaks("other"), act: spoken("sv"), want: ""},
		{name: "language other and uk", profile: speaks("other", "uk"), want: "language"},
		{name: "language family none", act: spoken("so"), want: ""},

		{name: "status cancelled", act: func(a *Activity) { a.Status = StatusCancelled }, want: "status"},
		{name: "status postponed", act: func(a *Activity) { a.Status = StatusPostponed }, want: "status"},

		{name: "sessions none", act: func(a *Activity) { a.Sessions = nil }, want: "sessions"},
		{name: "sessions cancelled", act: sess(func(s *Session) { s.Status = StatusCancelled }), want: "sessions"},
		{name: "sessions past", act: sess(func(s *Session) { s.Start = days(-1) }), want: "sessions"},
		{name: "sessions enrolment closed", act: sess(func(s *Session) { s.EnrolUntil = days(-0.5) }), want: "sessions"},
		{name: "sessions enrolment not open yet", act: sess(func(s *Session) { s.EnrolFrom = days(1) }), want: "sessions"},
		{name: "sessions enrolment open", act: sess(func(s *Session) { s.EnrolFrom, s.EnrolUntil = days(-1), days(1) }), want: ""},
		{name: "sessions full still fits", act: sess(func(s *Session) { s.Taken, s.Waiting = s.Capacity, 3 }), want: ""},
		{name: "sessions one of two open", act: func(a *Activity) {
			a.Sessions[0].Status = StatusCancelled
			a.Sessions = append(a.Sessions, session(days(10)))
		}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, a := fitting()
			if tt.profile != nil {
				tt.profile(&p)
			}
			if tt.act != nil {
				tt.act(&a)
			}
			ok, got := Fits(p, a, matchNow)
			if got != tt.want || ok != (tt.want == "") {
				t.Errorf("Fits = %v, %q; want %v, %q", ok, got, tt.want == "", tt.want)
			}
			if n := len(Match(p, []Activity{a}, matchNow)); n != 1 && tt.want == "" || n != 0 && tt.want != "" {
				t.Errorf("Match returned %d suggestions, disagreeing with Fits", n)
			}
		})
	}
}

// ids returns the activity IDs of suggestions in order.
func ids(s []Suggestion) []int64 {
	out := make([]int64, len(s))
	for i, x := range s {
		out[i] = x.Activity.ID
	}
	return out
}

// variant returns a copy of a with a new ID and its own sessions.
func variant(a Activity, id int64, f func(*Activity)) Activity {
	a.ID = id
	a.ExternalID = fmt.Sprint("a", id)
	a.Sessions = slices.Clone(a.Sessions)
	a.Categories = slices.Clone(a.Categories)
	if f != nil {
		f(&a)
	}
	return a
}

func TestMatchRanking(t *testing.T) {
	tests := []struct {
		name    string
		profile func(*Profile)
		// acts are in the order that would hold without what is tested:
		// base is ID 1, the changed one ID 2 (later IDs lose ties).
		change func(*Activity)
		base   func(*Activity)
		want   []int64
		reason Reason // of the first suggestion
	}{
		{
			name:    "interest beats soon",
			profile: func(p *Profile) { p.Answers.Interests = []Interest{InterestArt} },
			base:    func(a *Activity) { a.Sessions[0] = session(days(1)) },
			change: func(a *Activity) {
				a.Categories = []Category{CategoryArt}
				a.Sessions[0] = session(days(40))
			},
			want:   []int64{2, 1},
			reason: Reason{Kind: ReasonInterest, Value: "art"},
		},
		{
			name:    "together favours the whole family",
			profile: func(p *Profile) { p.Answers.Helps = []Help{HelpTogether} },
			base:    func(a *Activity) { a.Audience = AudienceChildren },
			change:  func(a *Activity) { a.Audience = AudienceFamily },
			want:    []int64{2, 1},
			reason:  Reason{Kind: ReasonTogether},
		},
		{
			name:    "families favours groups",
			profile: func(p *Profile) { p.Answers.Helps = []Help{HelpFamilies} },
			base:    func(a *Activity) { a.Audience = AudienceParents; a.Sessions[0].Capacity = 6 },
			change:  func(a *Activity) { a.Audience = AudienceParents; a.Sessions[0].Capacity = 8 },
			want:    []int64{2, 1},
			reason:  Reason{Kind: ReasonFamilies},
		},
		{
			name:    "families: a big children's group is not meeting families",
			profile: func(p *Profile) { p.Answers.Helps = []Help{HelpFamilies} },
			base:    func(a *Activity) { a.Audience = AudienceFamily; a.Sessions[0].Capacity = 20 },
			change: func(a *Activity) {
				a.Audience = AudienceChildren
				a.Sessions[0] = session(days(2)) // sooner: first without the help
				a.Sessions[0].Capacity = 20
			},
			want:   []int64{1, 2},
			reason: Reason{Kind: ReasonFamilies},
		},
		{
			name:    "break favours children alone",
			profile: func(p *Profile) { p.Answers.Helps = []Help{HelpBreak} },
			change:  func(a *Activity) { a.Audience = AudienceChildren },
			want:    []int64{2, 1},
			reason:  Reason{Kind: ReasonBreak},
		},
		{
			name:    "hobby favours regular sessions",
			profile: func(p *Profile) { p.Answers.Helps = []Help{HelpHobby} },
			base:    func(a *Activity) { a.Sessions = append(a.Sessions, session(days(10))) },
			change: func(a *Activity) {
				a.Sessions = append(a.Sessions, session(days(10)), session(days(17)))
			},
			want:   []int64{2, 1},
			reason: Reason{Kind: ReasonHobby},
		},
		{
			name:    "talk favours parents",
			profile: func(p *Profile) { p.Answers.Helps = []Help{HelpTalk} },
			base:    func(a *Activity) { a.Audience = AudienceChildren },
			change:  func(a *Activity) { a.Audience = AudienceParents },
			want:    []int64{2, 1},
			reason:  Reason{Kind: ReasonTalk},
		},
		{
			name: "seats beat a sooner waiting list",
			base: func(a *Activity) { a.Sessions[0] = session(days(2)); a.Sessions[0].Taken = 10 },
			change: func(a *Activity) {
				a.Sessions[0] = session(days(9))
			},
			want:   []int64{2, 1},
			reason: Reason{Kind: ReasonSoon},
		},
		{
			name:    "distance needs a home",
			profile: func(p *Profile) { p.Home = nil },
			base:    func(a *Activity) { a.Place.Coords = &Coords{65.0, 25.0} },
			change:  func(a *Activity) { a.Place.Coords = &Coords{66.0, 29.2} },
			want:    []int64{1, 2},
			reason:  Reason{Kind: ReasonSoon},
		},
		{
			name:    "distance needs the place",
			profile: func(p *Profile) { p.Home = &Coords{66.0, 29.2} },
			base:    func(a *Activity) { a.Place.Coords = nil },
			change:  func(a *Activity) { a.Place.Coords = nil },
			want:    []int64{1, 2},
			reason:  Reason{Kind: ReasonSoon},
		},
		{
			name:    "distance when both known",
			profile: func(p *Profile) { p.Home = &Coords{66.0, 29.2} },
			base:    func(a *Activity) { a.Place.Coords = &Coords{65.0, 25.0} },
			change:  func(a *Activity) { a.Place.Coords = &Coords{66.02, 29.2} },
			want:    []int64{2, 1},
			reason:  Reason{Kind: ReasonSoon}, // near +2 < soon +3
		},
		{
			name:   "ties by soonest session",
			base:   func(a *Activity) { a.Sessions[0] = session(days(3)) },
			change: func(a *Activity) { a.Sessions[0] = session(days(2)) },
			want:   []int64{2, 1},
			reason: Reason{Kind: ReasonSoon},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, a := fitting()
			if tt.profile != nil {
				tt.profile(&p)
			}
			acts := []Activity{variant(a, 1, tt.base), variant(a, 2, tt.base)}
			if tt.change != nil {
				tt.change(&acts[1])
			}
			for _, in := range [][]Activity{acts, {acts[1], acts[0]}} {
				got := Match(p, in, matchNow)
				if !slices.Equal(ids(got), tt.want) {
					t.Fatalf("order %v, want %v (scores %d, %d)", ids(got), tt.want, got[0].Score, got[1].Score)
				}
				if got[0].Reason != tt.reason {
					t.Errorf("reason %+v, want %+v", got[0].Reason, tt.reason)
				}
			}
		})
	}
}

func TestMatchShownSession(t *testing.T) {
	p, a := fitting()
	full := session(days(2))
	full.Taken = full.Capacity
	closed := session(days(1))
	closed.EnrolUntil = days(-1)
	a.Sessions = []Session{session(days(8)), full, session(days(5)), closed}
	got := Match(p, []Activity{a}, matchNow)
	if len(got) != 1 || !got[0].Session.Start.Equal(days(5)) {
		t.Fatalf("shown %v, want the soonest with seats, %v", got[0].Session.Start, days(5))
	}

	a.Sessions = []Session{full, closed}
	got = Match(p, []Activity{a}, matchNow)
	if len(got) != 1 || !got[0].Session.Start.Equal(days(2)) {
		t.Fatalf("shown %v, want the full one, %v", got[0].Session.Start, days(2))
	}
}

func TestMatchScore(t *testing.T) {
	// Every weight at once, to pin the table.
	p, a := fitting()
	p.Answers.Interests = []Interest{InterestMusic, InterestArt, InterestSport}
	p.Answers.Helps = []Help{HelpTogether, HelpFamilies}
	p.Answers.Needs = []Need{NeedFree}
	p.Card = true
	p.Home = &Coords{66.0, 29.2}
	a.Categories = []Category{CategoryArt, CategoryMusic}
	a.Price.Kind = PriceCard
	a.Place.Coords = &Coords{66.01, 29.21}
	got := Match(p, []Activity{a}, matchNow)
	// interests 4+2, together 3, families 3, near 2, week 3, seats 2, free 1
	if want := 20; got[0].Score != want {
		t.Errorf("score %d, want %d", got[0].Score, want)
	}
	if want := (Reason{Kind: ReasonInterest, Value: "music"}); got[0].Reason != want {
		t.Errorf("reason %+v, want %+v (the family's first interest)", got[0].Reason, want)
	}
}

func TestMatchDeterministic(t *testing.T) {
	p, a := fitting()
	var acts []Activity
	for i := range 24 {
		b := variant(a, int64(i%4), func(b *Activity) {
			b.Title = Localized{"fi": fmt.Sprintf("T%02d", 23-i)}
			b.Sessions[0] = session(days(float64(1 + i%3)))
		})
		acts = append(acts, b)
	}
	want := Match(p, acts, matchNow)
	for i := 1; i < len(want); i++ {
		x, y := want[i-1], want[i]
		if x.Score < y.Score || x.Score == y.Score && x.Session.Start.After(y.Session.Start) {
			t.Fatalf("not best first at %d", i)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		r.Shuffle(len(acts), func(i, j int) { acts[i], acts[j] = acts[j], acts[i] })
		got := Match(p, acts, matchNow)
		for i := range got {
			if got[i].Activity.ID != want[i].Activity.ID || got[i].Activity.Title["fi"] != want[i].Activity.Title["fi"] {
				t.Fatalf("order changed with input order at %d", i)
			}
		}
	}
	// Same score and start (i%3 == 0): ID first, then title; i=0 and
	// i=12 share ID 0 and start, and "T11" (i=12) sorts before "T23".
	if w := want[0]; w.Activity.ID != 0 || w.Activity.Title["fi"] != "T11" {
		t.Errorf("first %d %q, want 0 \"T11\"", w.Activity.ID, w.Activity.Title["fi"])
	}
	if w := want[2]; w.Activity.ID != 1 {
		t.Errorf("third has ID %d, want 1", w.Activity.ID)
	}
}

func TestReason(t *testing.T) {
	far := func(a *Activity) { a.Sessions[0] = session(days(40)) }
	tests := []struct {
		name    string
		profile func(*Profile)
		act     func(*Activity)
		want    Reason
	}{
		{"age", nil, far, Reason{Kind: ReasonAge}},
		{"interest", func(p *Profile) { p.Answers.Interests = []Interest{InterestArt, InterestNature} }, nil, Reason{Kind: ReasonInterest, Value: "nature"}},
		{"interest over help", func(p *Profile) {
			p.Answers.Interests = []Interest{InterestNature}
			p.Answers.Helps = []Help{HelpTogether}
		}, nil, Reason{Kind: ReasonInterest, Value: "nature"}},
		{"together", func(p *Profile) { p.Answers.Helps = []Help{HelpTogether} }, far, Reason{Kind: ReasonTogether}},
		{"together over families on a tie", func(p *Profile) { p.Answers.Helps = []Help{HelpFamilies, HelpTogether} }, far, Reason{Kind: ReasonTogether}},
		{"families", func(p *Profile) { p.Answers.Helps = []Help{HelpFamilies} }, far, Reason{Kind: ReasonFamilies}},
		{"break", func(p *Profile) { p.Answers.Helps = []Help{HelpBreak} }, func(a *Activity) { far(a); a.Audience = AudienceChildren }, Reason{Kind: ReasonBreak}},
		{"hobby", func(p *Profile) { p.Answers.Helps = []Help{HelpHobby} }, func(a *Activity) {
			a.Sessions = []Session{session(days(40)), session(days(47)), session(days(54))}
		}, Reason{Kind: ReasonHobby}},
		{"talk", func(p *Profile) { p.Answers.Helps = []Help{HelpTalk} }, func(a *Activity) { far(a); a.Audience = AudienceParents }, Reason{Kind: ReasonTalk}},
		{"help over soon", func(p *Profile) { p.Answers.Helps = []Help{HelpTogether} }, nil, Reason{Kind: ReasonTogether}},
		{"near", func(p *Profile) { p.Home = &Coords{66.0, 29.2} }, func(a *Activity) {
			far(a)
			a.Place.Coords = &Coords{66.027, 29.2} // 3.0 km north
		}, Reason{Kind: ReasonNear, Value: "3"}},
		{"nearish", func(p *Profile) { p.Home = &Coords{66.0, 29.2} }, func(a *Activity) {
			far(a)
			a.Place.Coords = &Coords{66.1, 29.2}
		}, Reason{Kind: ReasonNear, Value: "11"}},
		{"near over soon on a tie", func(p *Profile) { p.Home = &Coords{66.0, 29.2} }, func(a *Activity) {
			a.Sessions[0] = session(days(10))
			a.Place.Coords = &Coords{66.01, 29.2}
		}, Reason{Kind: ReasonNear, Value: "1"}},
		{"too far is no reason", func(p *Profile) { p.Home = &Coords{66.0, 29.2} }, func(a *Activity) {
			far(a)
			a.Place.Coords = &Coords{64.26, 23.95}
		}, Reason{Kind: ReasonAge}},
		{"soon", nil, nil, Reason{Kind: ReasonSoon}},
		{"soon over free on a tie", func(p *Profile) { p.Answers.Needs = []Need{NeedFree} }, func(a *Activity) {
			a.Sessions[0] = session(days(20))
			a.Price.Kind = PriceFree
		}, Reason{Kind: ReasonSoon}},
		{"free", func(p *Profile) { p.Answers.Needs = []Need{NeedFree} }, func(a *Activity) { far(a); a.Price.Kind = PriceFree }, Reason{Kind: ReasonFree}},
		{"free with the card", func(p *Profile) { p.Answers.Needs = []Need{NeedFree}; p.Card = true }, func(a *Activity) {
			far(a)
			a.Price.Kind = PriceCard
		}, Reason{Kind: ReasonFree}},
		{"free not needed is no reason", nil, func(a *Activity) { far(a); a.Price.Kind = PriceFree }, Reason{Kind: ReasonAge}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, a := fitting()
			if tt.profile != nil {
				tt.profile(&p)
			}
			if tt.act != nil {
				tt.act(&a)
			}
			got := Match(p, []Activity{a}, matchNow)
			if len(got) != 1 {
				t.Fatalf("%d suggestions, want 1", len(got))
			}
			if got[0].Reason != tt.want {
				t.Errorf("reason %+v, want %+v", got[0].Reason, tt.want)
			}
		})
	}
}

func TestBrowse(t *testing.T) {
	loc := helsinki(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	now := at(2026, 3, 1, 12, 0)
	act := func(id int64, muni string, cat Category, starts ...time.Time) Activity {
		a := Activity{ID: id, Title: Localized{"fi": fmt.Sprint("A", id)}, Municipality: muni,
			Categories: []Category{cat}, Status: StatusScheduled, AgeMin: 0, AgeMax: 17}
		for _, s := range starts {
			a.Sessions = append(a.Sessions, session(s))
		}
		return a
	}
	closed := act(9, "Kuusamo", CategoryArt, at(2026, 3, 25, 12, 0))
	closed.Sessions[0].EnrolUntil = now
	cancelled := act(10, "Kuusamo", CategoryArt, at(2026, 3, 25, 12, 0))
	cancelled.Status = StatusCancelled
	full := act(11, "Kuusamo", CategoryMusic, at(2026, 3, 27, 12, 0))
	full.Sessions[0].Taken = full.Sessions[0].Capacity
	acts := []Activity{
		// Spring forward: Sunday 29 March 2026 03:00 → 04:00.
		act(1, "Kuusamo", CategoryArt, at(2026, 3, 22, 23, 59)), // the week before
		act(2, "Kuusamo", CategoryArt, at(2026, 3, 23, 0, 0)),   // first instant of the week
		act(3, "Kuusamo", CategoryArt, at(2026, 3, 29, 23, 30)), // last hour of a 167-hour week
		act(4, "Kuusamo", CategoryArt, at(2026, 3, 30, 0, 30)),  // next week, though within 168 hours
		act(5, "Kuusamo", CategoryNature, at(2026, 3, 24, 10, 0)),
		act(6, "Kalajoki", CategoryArt, at(2026, 3, 24, 10, 0)),
		act(7, " kuusamo", CategoryArt, at(2026, 3, 16, 10, 0), at(2026, 3, 26, 10, 0), at(2026, 3, 31, 10, 0)),
		closed, cancelled, full,
		// Fall back: Sunday 25 October 2026 04:00 → 03:00.
		act(12, "Kuusamo", CategoryArt, at(2026, 10, 19, 0, 0)),
		act(13, "Kuusamo", CategoryArt, at(2026, 10, 25, 23, 30)), // beyond 168 hours, still in the 169-hour week
		act(14, "Kuusamo", CategoryArt, at(2026, 10, 26, 0, 0)),
	}
	tests := []struct {
		name string
		muni string
		cat  Category
		week time.Time
		want []int64
	}{
		{"spring week, all", "Kuusamo", "", at(2026, 3, 25, 12, 0), []int64{2, 5, 7, 11, 3}},
		{"spring week from its Sunday night", "KUUSAMO", "", at(2026, 3, 29, 23, 59), []int64{2, 5, 7, 11, 3}},
		{"spring week given in UTC", "Kuusamo", "", at(2026, 3, 23, 0, 0).UTC(), []int64{2, 5, 7, 11, 3}},
		{"spring week, art", "Kuusamo", CategoryArt, at(2026, 3, 23, 0, 0), []int64{2, 7, 3}},
		{"spring week, crafts", "Kuusamo", CategoryCrafts, at(2026, 3, 23, 0, 0), nil},
		{"spring week, Kalajoki", "Kalajoki", "", at(2026, 3, 23, 0, 0), []int64{6}},
		{"week before", "Kuusamo", "", at(2026, 3, 22, 12, 0), []int64{7, 1}},
		{"week after", "Kuusamo", "", at(2026, 3, 30, 0, 0), []int64{4, 7}},
		{"autumn week", "Kuusamo", "", at(2026, 10, 21, 12, 0), []int64{12, 13}},
		{"after autumn week", "Kuusamo", "", at(2026, 10, 26, 0, 0), []int64{14}},
		{"no municipality", "", "", at(2026, 3, 23, 0, 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Browse(acts, tt.muni, tt.cat, tt.week, loc, now)
			if !slices.Equal(ids(got), tt.want) {
				t.Fatalf("got %v, want %v", ids(got), tt.want)
			}
			from := WeekStart(tt.week, loc)
			for _, s := range got {
				if d := s.Session.Start.Sub(from); d < 0 || d > 169*time.Hour {
					t.Errorf("activity %d shows session %v outside the week of %v", s.Activity.ID, s.Session.Start, from)
				}
			}
		})
	}
}

func TestWeekStart(t *testing.T) {
	loc := helsinki(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	tests := []struct {
		in, want time.Time
	}{
		{at(2026, 12, 3, 17, 30), at(2026, 11, 30, 0, 0)},
		{at(2026, 11, 30, 0, 0), at(2026, 11, 30, 0, 0)},
		{at(2026, 12, 6, 23, 59), at(2026, 11, 30, 0, 0)},
		{at(2026, 3, 29, 4, 30), at(2026, 3, 23, 0, 0)},   // just after spring forward
		{at(2026, 3, 30, 0, 0), at(2026, 3, 30, 0, 0)},    // first summer-time Monday
		{at(2026, 10, 25, 3, 30), at(2026, 10, 19, 0, 0)}, // inside the repeated hour
		{at(2026, 10, 25, 23, 59), at(2026, 10, 19, 0, 0)},
		{at(2026, 10, 26, 0, 0), at(2026, 10, 26, 0, 0)},
		{time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC), at(2026, 3, 30, 0, 0)}, // Sunday in UTC, Monday in Helsinki
		{time.Date(2026, 3, 30, 1, 0, 0, 0, time.UTC), at(2026, 3, 30, 0, 0)},
	}
	for _, tt := range tests {
		got := WeekStart(tt.in, loc)
		if !got.Equal(tt.want) || got.Location() != loc {
			t.Errorf("WeekStart(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if l := got.In(loc); l.Weekday() != time.Monday || l.Hour() != 0 || l.Minute() != 0 {
			t.Errorf("WeekStart(%v) = %v, not Monday midnight", tt.in, got)
		}
	}
}

func TestDistance(t *testing.T) {
	kuusamo, kalajoki := Coords{66.0, 29.2}, Coords{64.26, 23.95}
	helsinkiC, tampere := Coords{60.1699, 24.9384}, Coords{61.4978, 23.7610}
	tests := []struct {
		name      string
		a, b      Coords
		want, tol float64
	}{
		{"same place", kuusamo, kuusamo, 0, 1e-9},
		// 312 km, not the 290 km of a first estimate: checked against the
		// haversine by hand (Δlat 193 km, Δlon 245 km at 65°N).
		{"Kuusamo–Kalajoki", kuusamo, kalajoki, 312, 5},
		{"Kalajoki–Kuusamo", kalajoki, kuusamo, 312, 5},
		{"Helsinki–Tampere", helsinkiC, tampere, 161, 5},
		{"one degree of latitude", Coords{60, 25}, Coords{61, 25}, 111.2, 0.2},
		{"antipodes", Coords{0, 0}, Coords{0, 180}, 20015, 5},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got < tt.want-tt.tol || got > tt.want+tt.tol {
			t.Errorf("%s: %.1f km, want %.0f ± %.0f", tt.name, got, tt.want, tt.tol)
		}
	}
}

func TestCategoryOf(t *testing.T) {
	for _, i := range Interests {
		if c := CategoryOf(i); !slices.Contains(Categories, c) || string(c) != string(i) {
			t.Errorf("CategoryOf(%q) = %q", i, c)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	p := Profile{
		Answers: Answers{
			Municipality: "Kuusamo",
			Children:     map[AgeBand]int{Age3to6: 1, Age7to12: 2},
			Interests:    []Interest{InterestNature, InterestMusic},
			Helps:        []Help{HelpTogether, HelpHobby},
			Languages:    []string{"fi", "uk"},
		},
		Home: &Coords{66.0, 29.2},
	}
	acts := make([]Activity, 500)
	for i := range acts {
		a := Activity{
			ID: int64(i + 1), Title: Localized{"fi": fmt.Sprint("Toiminta ", i)},
			Categories:   []Category{Categories[i%len(Categories)], Categories[(i/3)%len(Categories)]},
			Municipality: "Kuusamo", AgeMin: i % 8, AgeMax: 6 + i%12,
			Audience: Audiences[i%len(Audiences)], Price: Price{Kind: PricePaid, Cents: 500},
			Place:  Place{Coords: &Coords{65.5 + float64(i%10)/10, 28.5 + float64(i%14)/10}},
			Status: StatusScheduled,
		}
		for j := range 10 {
			s := session(days(float64((i*7+j*5)%60) - 5))
			s.Taken = (i + j) % 12
			a.Sessions = append(a.Sessions, s)
		}
		acts[i] = a
	}
	b.ReportAllocs()
	for b.Loop() {
		Match(p, acts, matchNow)
	}
}

// TestNeighbours checks that an activity open to neighbouring
// municipalities is offered to their families too, after every activity
// of the family's own municipality, whatever their scores, and marked so.
func TestNeighbours(t *testing.T) {
	p, own := fitting()
	p.Answers.Interests = []Interest{InterestNature}
	p.Answers.Municipality = "Kalajoki"
	own.Municipality = "Kalajoki"
	own.Categories = []Category{CategoryCrafts} // scores lower than the neighbour's
	own.Sessions = []Session{session(days(20))}
	near := own
	near.ID, near.ExternalID, near.Municipality = 2, "a2", "Kuusamo"
	near.Categories = []Category{CategoryNature}
	near.Sessions = []Session{session(days(1))}
	near.Neighbours = []string{"Pyhäjärvi", " kalajoki"}
	far := near
	far.ID, far.ExternalID, far.Neighbours = 3, "a3", []string{"Pyhäjärvi"}

	got := Match(p, []Activity{near, far, own}, matchNow)
	if !slices.Equal(ids(got), []int64{1, 2}) {
		t.Fatalf("offered %v, want the own municipality's 1, then the neighbour's 2", ids(got))
	}
	if got[0].Neighbour || !got[1].Neighbour {
		t.Errorf("neighbour marks %v, %v: want false, true", got[0].Neighbour, got[1].Neighbour)
	}
	if got[1].Score <= got[0].Score {
		t.Errorf("the neighbour's score %d should be higher than the own's %d, and still come after", got[1].Score, got[0].Score)
	}
	if ok, failed := Fits(p, far, matchNow); ok || failed != "municipality" {
		t.Errorf("Fits(not open to Kalajoki) = %v, %q; want false, municipality", ok, failed)
	}

	week := WeekStart(matchNow, time.UTC)
	b := Browse([]Activity{near, far, own}, "KALAJOKI", "", week.AddDate(0, 0, 21), time.UTC, matchNow)
	if !slices.Equal(ids(b), []int64{1}) {
		t.Errorf("browsing the week of day 20: %v, want [1]", ids(b))
	}
	b = Browse([]Activity{near, far, own}, "Kalajoki", "", week, time.UTC, matchNow)
	if !slices.Equal(ids(b), []int64{2}) || !b[0].Neighbour {
		t.Errorf("browsing this week: %v, want the neighbour's [2] marked", ids(b))
	}
	b = Browse([]Activity{near, far, own}, "Kuusamo", "", week, time.UTC, matchNow)
	if !slices.Equal(ids(b), []int64{2, 3}) || b[0].Neighbour || b[1].Neighbour {
		t.Errorf("browsing Kuusamo: %v, want its own [2 3], unmarked", ids(b))
	}
}

func TestWelcomes(t *testing.T) {
	a := Activity{Municipality: "Kuusamo", Neighbours: []string{"Kalajoki", "Posio"}}
	for _, tt := range []struct {
		m             string
		ok, neighbour bool
	}{
		{"Kuusamo", true, false}, {" kuusamo ", true, false}, {"kalajoki", true, true}, {"Posio", true, true},
		{"Oulu", false, false}, {"", false, false},
	} {
		if ok, n := a.Welcomes(tt.m); ok != tt.ok || n != tt.neighbour {
			t.Errorf("Welcomes(%q) = %v, %v; want %v, %v", tt.m, ok, n, tt.ok, tt.neighbour)
		}
	}
}
