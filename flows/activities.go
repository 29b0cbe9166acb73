package flows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"polku"
)

// The activities: suggestions, browsing, the activity card, signing up,
// the family's own sign-ups, reminders and the attendance question.
//
// Unlike the intake, these screens keep no state in the conversation: every
// button carries what its screen needs (an activity, a session, the party's
// size, where Back leads), and each screen replaces the message it was
// pressed on. So a list looked at yesterday still works today, two lists
// open side by side do not disturb each other, and browsing stores nothing
// about the person. Whatever a screen needs from the catalogue, or a change
// whose outcome it shows (a sign-up, a cancellation), it asks as a Query;
// the adapter answers in the same transaction with an input of KindFound.
// The store checks every ID a button carries against the chat's own family,
// so a forged one finds nothing.

// QueryKind names what a Query asks for.
type QueryKind string

// The queries of the activities.
const (
	QuerySuggest   QueryKind = "suggest"   // the catalogue of the family's municipality, to match
	QueryBrowse    QueryKind = "browse"    // the catalogue of Municipality
	QueryActivity  QueryKind = "activity"  // one activity with its upcoming sessions
	QuerySignUp    QueryKind = "signup"    // take seats (or a waiting-list place)
	QueryMine      QueryKind = "mine"      // the family's sign-ups
	QuerySignUpOne QueryKind = "signup_id" // one of the family's sign-ups
	QueryCancel    QueryKind = "cancel"    // cancel one of the family's sign-ups
	QueryReminders QueryKind = "reminders" // the reminder setting, changed when Set is given
	QueryAttend    QueryKind = "attend"    // record the answer to "Did you make it?"
	QueryCard      QueryKind = "card"      // the family's wellbeing card
	QueryFeedback  QueryKind = "feedback"  // store the answer to the feedback question of Case
)

// Query asks the adapter for catalogue data, or for a change whose outcome
// the conversation shows.
type Query struct {
	Kind         QueryKind
	Municipality string
	Activity     int64
	Session      int64
	SignUp       int64
	Children     int
	Adults       int
	// Wait puts a party bigger than the session on its waiting list
	// (QuerySignUp).
	Wait bool
	// Set changes the reminder setting, SetFollowUps the wellbeing
	// follow-ups', SetNews whether the family wants news of activities
	// (QueryReminders).
	Set          *bool
	SetFollowUps *bool
	SetNews      *bool
	Attendance   polku.Attendance
	// Case and Score are a feedback answer.
	Case  int64
	Score int
	// Screen is what the engine shows with the answer; the adapter passes
	// it back untouched.
	Screen string
	// Fresh draws the screen as a new message instead of replacing the
	// pressed one.
	Fresh bool
}

// Found is the adapter's answer to a Query.
type Found struct {
	Query Query
	// Activities is the catalogue (QuerySuggest, QueryBrowse).
	Activities []polku.Activity
	// ValidCard tells whether the family holds a valid wellbeing card.
	ValidCard bool
	// Card is the family's wellbeing card (QueryCard), nil for none.
	Card     *polku.Card
	Activity polku.Activity
	Outcome  polku.SignUpOutcome
	SignUp   polku.SignUp
	// SignUps is the family's sign-ups (QueryMine), and with the
	// catalogue (QuerySuggest, QueryBrowse, QueryActivity) to mark them.
	SignUps []polku.SignUp
	// Reminders is the family's reminder setting, FollowUps its wellbeing
	// follow-ups', News whether it wants news of activities (nil: never
	// asked) (QueryReminders).
	Reminders bool
	FollowUps bool
	News      *bool
	// Err is the error code of a query that failed for a reason the
	// family should hear about (ENOTFOUND, ECONFLICT, EFORBIDDEN).
	Err string
}

// When is a session's time, written by the adapter in the person's
// language and the deployment's time zone.
type When struct {
	Start time.Time
	End   time.Time
	// Clock writes only the time of day, Day only the date.
	Clock bool
	Day   bool
}

// Money is an amount in euro cents, written in the person's language.
type Money int

// Calendar asks the adapter to send the sign-up's session as a calendar
// file (.ics) after the reply's text.
type Calendar struct {
	SignUp polku.SignUp
}

// pageSize is how many suggestions one screen shows.
const pageSize = 3

// weeksAhead is how far browsing goes.
const weeksAhead = 12

// browsePage is how many activities one page of a week's list shows, and
// maxPages how many pages it may have: the rest is named, not shown.
const (
	browsePage = 8
	maxPages   = 10
)

// activity handles a press of an activities button: "a:..." replaces the
// pressed message, "A:..." (a button on a message that is not an
// activities screen: the menu, a reminder) opens a new one.
func (s *step) activity(pl Payload) {
	if pl.Kind == PayActivityNew {
		s.fresh = true
		pl.Kind = PayActivity
	}
	// The screen the query draws when its answer comes back.
	p := pl.String()
	action, args := pl.Action, pl.Args
	id := func(i int) int64 {
		n, err := strconv.ParseInt(arg(args, i), 10, 64)
		if err != nil || n <= 0 {
			return 0
		}
		return n
	}
	num := func(i int) int {
		n, err := strconv.Atoi(arg(args, i))
		if err != nil {
			return -1
		}
		return n
	}
	switch action {
	case "s":
		if off := num(0); off >= 0 && off%pageSize == 0 {
			s.suggest(off)
			return
		}
	case "w":
		// "Browse all", from the suggestions at an offset ("a:w:<offset>")
		// that its Back returns to.
		if off := num(0); len(args) == 0 || len(args) == 1 && off >= 0 && off%pageSize == 0 && off <= 999 {
			s.browseFrom(max(off, 0))
			return
		}
	case "wm":
		if mi := num(0); mi >= 0 && mi < len(s.e.cfg.Municipalities) {
			s.send(s.edit(s.categories(mi, 0)))
			return
		}
	case "wr":
		// A region's municipalities to browse ("a:wr:<region>[:<page>]").
		if ri, pg, ok := s.e.placeArgs(args); ok {
			s.send(s.edit(s.browseRegion(ri, pg)))
			return
		}
	case "wc":
		// A week's list, from its first page or the one named:
		// "a:wc:<municipality>:<category>:<week>[:<page>]".
		mi, wk, page := num(0), num(2), 0
		if len(args) == 4 {
			page = num(3)
		}
		cat := arg(args, 1)
		if mi >= 0 && mi < len(s.e.cfg.Municipalities) && wk >= 0 && wk <= weeksAhead && validCategory(cat) &&
			page >= 0 && page < maxPages && len(args) <= 4 {
			s.query(Query{Kind: QueryBrowse, Municipality: s.e.cfg.Municipalities[mi], Screen: p})
			return
		}
	case "c", "t":
		// A card may name the time it shows ("a:c:<activity>:<back>:<session>"):
		// the one pressed in a list.
		sess := arg(args, 2)
		okSess := sess == "" || id(2) != 0 && len(args) == 3
		if a := id(0); a != 0 && s.validBack(arg(args, 1)) && okSess {
			s.query(Query{Kind: QueryActivity, Activity: a, Screen: p})
			return
		}
	case "n":
		// A campaign's activity ("A:n:<campaign>:<activity>"): its card,
		// and the campaign counts it opened.
		if c, a := id(0), id(1); c != 0 && a != 0 && len(args) == 2 {
			s.effect(OpenedCampaign{Campaign: c})
			s.query(Query{Kind: QueryActivity, Activity: a, Screen: act("c", itoa(a), "")})
			return
		}
	case "p", "ok":
		// The party's size ("x:x" until the family changes it), after
		// agreeing to the notice when needed.
		a, sess := id(0), id(1)
		_, _, okParty := party(arg(args, 2), arg(args, 3))
		if a == 0 || sess == 0 || !okParty || !s.validBack(arg(args, 4)) {
			break
		}
		if action == "ok" {
			agreed := s.agreedNow()
			s.agree()
			switch st := s.m.Current(); {
			case agreed:
			case st == Privacy || st == PrivacyMore:
				// The family agreed: the intake need not ask again.
				s.m.SetState(Children)
				if s.c.Answers.Young() {
					s.m.SetState(Interests)
				}
				s.c.Seq++
			case st == Welcome || st == Declined:
				s.m.SetState(Municipality)
				s.c.Seq++
				s.passMunicipality()
			}
		}
		s.query(Query{Kind: QueryActivity, Activity: a, Screen: p})
		return
	case "y", "yw":
		// Sign up ("yw": on the waiting list even if the party is bigger
		// than the time), with where the party screen's Back led.
		a, sess := id(0), id(1)
		c, n, ok := party(arg(args, 2), arg(args, 3))
		if a == 0 || sess == 0 || !ok || c < 0 || c+n < 1 || len(args) < 4 || len(args) > 5 || !s.validBack(arg(args, 4)) {
			break
		}
		if !s.agreedNow() {
			s.query(Query{Kind: QueryActivity, Activity: a, Screen: act("p", itoa(a), itoa(sess), itoa(c), itoa(n), arg(args, 4))})
			return
		}
		s.query(Query{Kind: QuerySignUp, Activity: a, Session: sess, Children: c, Adults: n, Wait: action == "yw", Screen: p})
		return
	case "m":
		s.query(Query{Kind: QueryMine, Screen: p})
		return
	case "x":
		if su := id(0); su != 0 {
			s.query(Query{Kind: QuerySignUpOne, SignUp: su, Screen: p})
			return
		}
	case "xx":
		if su := id(0); su != 0 {
			s.query(Query{Kind: QueryCancel, SignUp: su, Screen: p})
			return
		}
	case "r":
		q := Query{Kind: QueryReminders, Screen: p}
		switch arg(args, 0) {
		case "1", "0":
			on := arg(args, 0) == "1"
			q.Set = &on
		case "f1", "f0":
			on := arg(args, 0) == "f1"
			q.SetFollowUps = &on
		case "n1", "n0":
			on := arg(args, 0) == "n1"
			q.SetNews = &on
			s.c.News = map[bool]string{true: "yes", false: "no"}[on]
		case "":
		default:
			s.forged()
			return
		}
		s.query(q)
		return
	case "privacy":
		s.send(Reply{Text: s.notice(true)})
		return
	case "at":
		// Two answers: went, or could not come ("n"). "c", the third
		// answer of questions sent before, still counts as it did.
		att := map[string]polku.Attendance{"y": polku.Attended, "n": polku.NotAttended, "c": polku.CouldNotCome}[arg(args, 1)]
		if su := id(0); su != 0 && att != "" {
			s.query(Query{Kind: QueryAttend, SignUp: su, Attendance: att, Screen: p})
			return
		}
	}
	s.forged()
}

// party reads the party's size from a payload: "x", "x" is the default
// (c and n are -1); otherwise 0–MaxPartySize people in all.
func party(cs, ns string) (c, n int, ok bool) {
	if cs == "x" && ns == "x" {
		return -1, -1, true
	}
	c, err1 := strconv.Atoi(cs)
	n, err2 := strconv.Atoi(ns)
	if err1 != nil || err2 != nil || c < 0 || n < 0 || c+n > polku.MaxPartySize || len(cs) > 1 || len(ns) > 1 {
		return 0, 0, false
	}
	return c, n, true
}

// query hands a query to the adapter; the screen is drawn when the answer
// comes back.
func (s *step) query(q Query) {
	q.Fresh = q.Fresh || s.fresh
	s.res.Query = &q
}

func validCategory(c string) bool {
	return c == "all" || slices.Contains(polku.Categories, polku.Category(c))
}

// validBack checks where a Back button of a card leads: "" (nowhere),
// "m" (the sign-ups), "s<offset>" (suggestions) or "w<m>.<category>.<week>"
// with ".<page>" past the first (browsing). Every part is checked, so a card's buttons stay within
// Telegram's 64 bytes and lead only where the engine goes.
func (s *step) validBack(b string) bool {
	small := func(v string, hi int) (int, bool) {
		if v == "" || len(v) > 3 || (len(v) > 1 && v[0] == '0') {
			return 0, false
		}
		n, err := strconv.Atoi(v)
		return n, err == nil && n >= 0 && n <= hi
	}
	switch {
	case b == "" || b == "m":
		return true
	case strings.HasPrefix(b, "s"):
		n, ok := small(b[1:], 999)
		return ok && n%pageSize == 0
	case strings.HasPrefix(b, "w"):
		// "w<m>.<category>.<week>", and ".<page>" past the first page.
		parts := strings.Split(b[1:], ".")
		if len(parts) < 3 || len(parts) > 4 || !validCategory(parts[1]) {
			return false
		}
		_, okM := small(parts[0], len(s.e.cfg.Municipalities)-1)
		_, okW := small(parts[2], weeksAhead)
		okP := true
		if len(parts) == 4 {
			_, okP = small(parts[3], maxPages-1)
		}
		return okM && okW && okP
	}
	return false
}

// cardPayload opens an activity's card, showing session when it is not
// zero, with Back leading to back.
func cardPayload(activity int64, back string, session int64) string {
	if session == 0 {
		return act("c", itoa(activity), back)
	}
	return act("c", itoa(activity), back, itoa(session))
}

// backPayload is the payload of the Back button of a card.
func backPayload(b string) string {
	switch {
	case b == "m":
		return act("m")
	case strings.HasPrefix(b, "s"):
		return act("s", b[1:])
	case strings.HasPrefix(b, "w"):
		return act("wc", strings.Split(b[1:], ".")...)
	}
	return ""
}

// edit makes r replace the message whose button was pressed, when there
// is one.
func (s *step) edit(r Reply) Reply {
	if s.fresh || s.in.Found != nil && s.in.Found.Query.Fresh {
		return r
	}
	if s.in.MessageID != 0 && (s.in.Kind == KindButton || s.in.Kind == KindFound) {
		r.Edit = s.in.MessageID
	}
	return r
}

// suggest shows the suggestions starting at off, or asks which
// municipality to browse when there is no profile to match.
func (s *step) suggest(off int) {
	if !s.suggestible() {
		s.browseStart()
		return
	}
	a := s.c.Answers
	s.query(Query{Kind: QuerySuggest, Municipality: a.Municipality, Screen: act("s", itoa(off))})
}

// suggestible tells whether the family's answers give suggestions: a
// profile in one of the municipalities.
func (s *step) suggestible() bool {
	a := s.c.Answers
	return s.c.Profile && a.Validate() == nil && slices.Contains(s.e.cfg.Municipalities, a.Municipality)
}

func (s *step) browseStart() { s.browseFrom(0) }

// browseFrom starts browsing; from the family's own municipality, Back
// returns to its suggestions at offset off.
func (s *step) browseFrom(off int) {
	if mi := slices.Index(s.e.cfg.Municipalities, s.c.Answers.Municipality); mi >= 0 {
		s.send(s.edit(s.categories(mi, off)))
		return
	}
	if s.e.regionFirst() {
		rows := s.regionRows(func(ri int) string { return act("wr", itoa(ri)) }, func(mi int) string { return act("wm", itoa(mi)) })
		s.send(s.edit(Reply{Text: []Text{T("act.browse.where_region")}, Inline: append(rows, s.actFooter(""))}))
		return
	}
	var rows [][]Button
	for mi := range s.e.cfg.Municipalities {
		rows = append(rows, []Button{s.placeButton(mi, act("wm", itoa(mi)))})
	}
	rows = append(rows, s.actFooter(""))
	s.send(s.edit(Reply{Text: []Text{T("act.browse.where")}, Inline: rows}))
}

// browseRegion offers region ri's municipalities to browse, page pg of
// them, with Back to the regions.
func (s *step) browseRegion(ri, pg int) Reply {
	page := func(p int) string {
		if p == 0 {
			return act("wr", itoa(ri))
		}
		return act("wr", itoa(ri), itoa(p))
	}
	rows := s.municipalityRows(ri, pg, func(mi int) string { return act("wm", itoa(mi)) }, page)
	return Reply{Text: []Text{{ID: "act.browse.where_in", Data: s.regionData(ri)}}, Inline: append(rows, s.actFooter(act("w")))}
}

// categories asks what to do in municipality mi; off is the offset of
// the suggestions Back returns to.
func (s *step) categories(mi, off int) Reply {
	var rows [][]Button
	var row []Button
	for _, c := range append(slices.Clone(polku.Categories), "all") {
		row = append(row, Button{Label: T("category." + string(c)), Payload: act("wc", itoa(mi), string(c), "0")})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	// Back leads to the other municipalities, or from the family's own to
	// its suggestions (where "Browse all" led here).
	back := ""
	own := slices.Index(s.e.cfg.Municipalities, s.c.Answers.Municipality) == mi
	switch {
	case own && s.suggestible():
		back = act("s", itoa(off))
	case len(s.e.cfg.Municipalities) > 1 && !own:
		back = act("w")
		if ri := s.e.regionOf(mi); ri >= 0 && s.e.regionFirst() {
			back = act("wr", itoa(ri))
		}
	}
	rows = append(rows, s.actFooter(back))
	return Reply{Text: []Text{{ID: "act.browse.what", Data: map[string]any{"Municipality": s.placeName(s.e.cfg.Municipalities[mi])}}}, Inline: rows}
}

// actFooter is the last row of an activities screen: Back when it leads
// somewhere, and talk to a person.
func (s *step) actFooter(back string) []Button {
	var row []Button
	if back != "" {
		row = append(row, Button{Label: T("button.back"), Payload: back})
	}
	return append(row, Button{Label: T("button.person"), Payload: personPayload()})
}

// found draws the screen a query was asked for.
func (s *step) found() {
	f := s.in.Found
	if f == nil {
		return
	}
	q := f.Query
	if q.Kind == QueryCard || q.Kind == QueryFeedback {
		s.talkFound(f)
		return
	}
	screen, _ := ParsePayload(q.Screen)
	action, args := screen.Action, screen.Args
	switch f.Err {
	case "":
	case polku.ENOTFOUND:
		s.send(s.edit(Reply{Text: []Text{T("act.gone")}, Inline: [][]Button{
			{{Label: T("menu.activities"), Payload: act("s", "0")}, {Label: T("menu.mine"), Payload: act("m")}},
			s.actFooter(""),
		}}))
		return
	case polku.ECONFLICT:
		// Most often a double tap: the confirmation on the screen stays.
		s.toast(T("act.cancel.already"))
		return
	case polku.EFORBIDDEN:
		s.send(Reply{Text: []Text{T("act.need_consent")}})
		return
	case polku.EINVALID:
		if q.Kind == QueryCancel {
			s.toast(T("act.cancel.too_late"))
			return
		}
		s.toast(T("input.unknown_button"))
		return
	default:
		s.say(T("error.internal"))
		return
	}
	switch q.Kind {
	case QuerySuggest:
		off, _ := strconv.Atoi(arg(args, 0))
		s.suggestions(f, off)
	case QueryBrowse:
		mi, _ := strconv.Atoi(arg(args, 0))
		wk, _ := strconv.Atoi(arg(args, 2))
		page, _ := strconv.Atoi(arg(args, 3))
		s.browse(f, mi, polku.Category(arg(args, 1)), wk, page)
	case QueryActivity:
		switch action {
		case "c":
			sess, _ := strconv.ParseInt(arg(args, 2), 10, 64)
			s.card(f.Activity, sess, arg(args, 1))
		case "t":
			sess, _ := strconv.ParseInt(arg(args, 2), 10, 64)
			s.times(f.Activity, arg(args, 1), sess)
		case "p", "ok":
			sess, _ := strconv.ParseInt(arg(args, 1), 10, 64)
			c, n, _ := party(arg(args, 2), arg(args, 3))
			if c < 0 {
				c, n = s.defaultParty(f.Activity)
			}
			s.party(f.Activity, sess, c, n, arg(args, 4))
		}
	case QuerySignUp:
		s.signedUp(f, arg(args, 4))
	case QueryMine:
		s.mine(f.SignUps)
	case QuerySignUpOne:
		su := f.SignUp
		if su.Status == polku.Cancelled {
			s.send(s.edit(Reply{Text: []Text{T("act.cancel.already")}, Inline: [][]Button{{{Label: T("menu.mine"), Payload: act("m")}}}}))
			return
		}
		if !su.Session().Start.After(s.in.Now) {
			s.send(s.edit(Reply{Text: []Text{T("act.cancel.too_late")}, Inline: [][]Button{{{Label: T("menu.mine"), Payload: act("m")}}}}))
			return
		}
		s.send(s.edit(Reply{Text: []Text{{ID: "act.cancel.ask", Data: s.about(su.Activity, su.Session())}}, Inline: [][]Button{
			{{Label: T("act.cancel.yes"), Payload: act("xx", itoa(su.ID))}},
			{{Label: T("act.cancel.no"), Payload: act("m")}},
		}}))
	case QueryCancel:
		s.send(s.edit(Reply{Text: []Text{{ID: "act.cancel.done", Data: s.about(f.SignUp.Activity, f.SignUp.Session())}}, Inline: [][]Button{
			{{Label: T("menu.mine"), Payload: act("m")}, {Label: T("menu.activities"), Payload: act("s", "0")}},
		}}))
	case QueryReminders:
		s.reminders(f)
	case QueryAttend:
		id := "attend.thanks." + string(q.Attendance)
		s.send(s.edit(Reply{Text: []Text{{ID: id, Data: s.about(f.SignUp.Activity, f.SignUp.Session())}}, Inline: [][]Button{
			{{Label: T("menu.activities"), Payload: actNew("s", "0")}, menuButton()},
		}}))
	}
}

// about is the template data naming an activity and one session.
func (s *step) about(a polku.Activity, ses polku.Session) map[string]any {
	return map[string]any{
		"Title": a.Title.In(s.c.Lang),
		"When":  When{Start: ses.Start, End: ses.End},
		"Time":  When{Start: ses.Start, Clock: true},
		"Place": a.Place.Name,
	}
}

func (s *step) suggestions(f *Found, off int) {
	p := polku.Profile{Answers: s.c.Answers, Card: f.ValidCard}
	all := polku.Match(p, f.Activities, s.in.Now)
	if len(all) == 0 {
		s.send(s.edit(Reply{Text: []Text{T("act.suggest.none")}, Inline: [][]Button{
			{{Label: T("menu.activities_all"), Payload: act("w")}},
			s.actFooter(""),
		}}))
		return
	}
	if off >= len(all) {
		off = 0
	}
	page := all[off:min(off+pageSize, len(all))]
	texts := []Text{T("act.suggest.title")}
	if off > 0 {
		texts[0] = T("act.suggest.more_title")
	}
	var rows [][]Button
	for i, sg := range page {
		n := off + i + 1
		texts = append(texts, s.item(n, sg.Activity, sg.Session, &sg.Reason, s.c.Answers.Municipality))
		rows = append(rows, []Button{{Label: Text{ID: "act.open", Data: map[string]any{"N": n, "Title": sg.Activity.Title.In(s.c.Lang)}},
			Payload: cardPayload(sg.Activity.ID, fmt.Sprintf("s%d", off), sg.Session.ID)}})
	}
	var nav []Button
	if off > 0 {
		nav = append(nav, Button{Label: T("act.prev"), Payload: act("s", itoa(off-pageSize))})
	}
	if off+pageSize < len(all) {
		nav = append(nav, Button{Label: T("act.more"), Payload: act("s", itoa(off+pageSize))})
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	rows = append(rows, []Button{{Label: T("menu.activities_all"), Payload: act("w", itoa(off))}})
	rows = append(rows, s.actFooter(""))
	s.send(s.edit(Reply{Text: texts, Inline: rows}))
}

// item is one activity in a list of municipality from's.
func (s *step) item(n int, a polku.Activity, ses polku.Session, why *polku.Reason, from string) Text {
	data := s.about(a, ses)
	data["N"] = n
	data["Neighbour"] = ""
	if t, ok := s.neighbour(a, from); ok {
		data["Neighbour"] = t
	}
	data["Seats"] = s.seats(ses)
	data["Booked"] = s.booked(ses)
	data["Reason"] = ""
	if why != nil {
		data["Reason"] = s.reason(*why)
	}
	return Text{ID: "act.item", Data: data}
}

func (s *step) reason(r polku.Reason) Text {
	switch r.Kind {
	case "interest":
		return Text{ID: "reason.interest", Data: map[string]any{"Category": T("category." + r.Value)}}
	case "near":
		km := r.Value
		if km == "0" {
			km = "1"
		}
		return Text{ID: "reason.near", Data: map[string]any{"Km": km}}
	}
	return T(s.worded("reason." + r.Kind))
}

// booked says that the family is signed up for ses (or waits for it),
// or is "" when it is not. It knows the family's sign-ups the query
// brought (Found.SignUps).
func (s *step) booked(ses polku.Session) any {
	su, ok := s.signUpFor(ses.ID)
	switch {
	case !ok:
		return ""
	case su.Status == polku.Waiting:
		return Text{ID: "act.booked_waiting", Data: map[string]any{"Position": su.Position}}
	}
	return Text{ID: "act.booked", Data: map[string]any{"Count": su.Seats()}, Count: ptr(su.Seats())}
}

// signUpFor finds the family's live sign-up for the session.
func (s *step) signUpFor(session int64) (polku.SignUp, bool) {
	if s.in.Found == nil || session == 0 {
		return polku.SignUp{}, false
	}
	for _, su := range s.in.Found.SignUps {
		if su.Session().ID == session && su.Status != polku.Cancelled {
			return su, true
		}
	}
	return polku.SignUp{}, false
}

// seats says how many seats are left, or that the time is full.
func (s *step) seats(ses polku.Session) Text {
	if n := ses.SeatsLeft(); n > 0 {
		return Text{ID: "act.seats", Data: map[string]any{"Count": n}, Count: &n}
	}
	return T("act.full")
}

// browse shows a week's list, one page of it.
func (s *step) browse(f *Found, mi int, cat polku.Category, wk, page int) {
	if mi < 0 || mi >= len(s.e.cfg.Municipalities) {
		s.forged()
		return
	}
	muni := s.e.cfg.Municipalities[mi]
	c := cat
	if cat == "all" {
		c = ""
	}
	loc := s.e.cfg.Location
	week := polku.WeekStart(s.in.Now, loc).AddDate(0, 0, 7*wk)
	list := polku.Browse(f.Activities, muni, c, week, loc, s.in.Now)
	_, isoWeek := week.ISOWeek()
	texts := []Text{{ID: "act.browse.title", Data: map[string]any{
		"Category": T("category." + string(cat)), "Municipality": s.placeName(muni), "Week": isoWeek,
		"From": When{Start: week, Day: true}, "To": When{Start: week.AddDate(0, 0, 6), Day: true},
	}}}
	var rows [][]Button
	pages := min((len(list)+browsePage-1)/browsePage, maxPages)
	page = max(min(page, pages-1), 0)
	weekPayload := func(page int) string {
		if page == 0 {
			return act("wc", itoa(mi), string(cat), itoa(wk))
		}
		return act("wc", itoa(mi), string(cat), itoa(wk), itoa(page))
	}
	back := fmt.Sprintf("w%d.%s.%d", mi, cat, wk)
	if page > 0 {
		back += "." + strconv.Itoa(page)
	}
	from := page * browsePage
	for i, sg := range list[from:min(from+browsePage, len(list))] {
		n := from + i + 1
		texts = append(texts, s.item(n, sg.Activity, sg.Session, nil, muni))
		rows = append(rows, []Button{{Label: Text{ID: "act.open", Data: map[string]any{"N": n, "Title": sg.Activity.Title.In(s.c.Lang)}},
			Payload: cardPayload(sg.Activity.ID, back, sg.Session.ID)}})
	}
	switch {
	case len(list) > 0:
	case wk == 0 && s.in.Now.In(loc).Weekday() == time.Sunday:
		// Only this evening is left of the week: it is over, not empty.
		texts = append(texts, T("act.browse.over"))
	default:
		texts = append(texts, T("act.browse.none"))
	}
	if pages > 1 {
		texts = append(texts, Text{ID: "act.browse.page", Data: map[string]any{"Page": page + 1, "Pages": pages, "Count": len(list)}})
		if more := len(list) - pages*browsePage; more > 0 {
			texts = append(texts, Text{ID: "act.browse.more", Data: map[string]any{"Count": more}})
		}
		var pg []Button
		if page > 0 {
			pg = append(pg, Button{Label: T("act.prev"), Payload: weekPayload(page - 1)})
		}
		if page+1 < pages {
			pg = append(pg, Button{Label: T("act.more"), Payload: weekPayload(page + 1)})
		}
		rows = append(rows, pg)
	}
	var nav []Button
	if wk > 0 {
		nav = append(nav, Button{Label: T("act.week_prev"), Payload: act("wc", itoa(mi), string(cat), itoa(wk-1))})
	}
	if wk < weeksAhead {
		nav = append(nav, Button{Label: T("act.week_next"), Payload: act("wc", itoa(mi), string(cat), itoa(wk+1))})
	}
	rows = append(rows, nav, s.actFooter(act("wm", itoa(mi))))
	s.send(s.edit(Reply{Text: texts, Inline: rows}))
}

// shown picks the session a card shows: the one asked for, else the
// soonest open one with seats, else the soonest open one.
func shown(a polku.Activity, id int64, now time.Time) (polku.Session, bool) {
	open := a.Upcoming(now)
	for _, ses := range open {
		if ses.ID == id {
			return ses, true
		}
	}
	for _, ses := range open {
		if ses.SeatsLeft() > 0 {
			return ses, true
		}
	}
	if len(open) > 0 {
		return open[0], true
	}
	return polku.Session{}, false
}

// card is the activity card: what, when, where, for whom, price,
// accessibility, seats; sign up, other times, map, back.
func (s *step) card(a polku.Activity, sessID int64, back string) {
	lang := s.c.Lang
	texts := []Text{{ID: "act.card.title", Data: map[string]any{"Title": a.Title.In(lang)}}}
	if d := a.Description.In(lang); d != "" {
		texts = append(texts, Text{ID: "act.card.description", Data: map[string]any{"Description": d}})
	}
	ses, ok := shown(a, sessID, s.in.Now)
	details := map[string]any{
		"Place":    a.Place.Name,
		"Address":  a.Place.Address,
		"Audience": T("audience." + string(a.Audience)),
		"AgeMin":   a.AgeMin, "AgeMax": a.AgeMax,
		"Price":     s.price(a.Price),
		"Languages": labels(langs(a), "language.name."),
		"Organiser": s.organiser(a),
		"Contact":   a.Contact,
	}
	texts = append(texts, Text{ID: "act.card.details", Data: details})
	if t, ok := s.neighbour(a, s.lookingFrom(back)); ok {
		texts = append(texts, t)
	}
	if len(a.Access) > 0 {
		texts = append(texts, Text{ID: "act.card.access", Data: map[string]any{"Access": labels(a.Access, "access.")}})
	}
	var rows [][]Button
	switch {
	case a.Status == polku.StatusCancelled:
		texts = append(texts, T("act.card.cancelled"))
	case !ok:
		texts = append(texts, T("act.card.no_times"))
	default:
		when := "act.card.when"
		if sessID != 0 && ses.ID == sessID {
			// The time pressed in a list, which need not be the next one.
			when = "act.card.at"
		} else if sessID != 0 {
			texts = append(texts, T("act.card.time_gone"))
		}
		texts = append(texts, Text{ID: when, Data: map[string]any{"When": When{Start: ses.Start, End: ses.End}, "Seats": s.seats(ses), "Booked": s.booked(ses)}})
		for _, other := range a.Upcoming(s.in.Now) {
			if _, mine := s.signUpFor(other.ID); mine && other.ID != ses.ID {
				texts = append(texts, Text{ID: "act.card.booked_other", Data: map[string]any{"When": When{Start: other.Start, End: other.End}}})
			}
		}
		if _, mine := s.signUpFor(ses.ID); mine {
			// Signed up already: the way to see or cancel it.
			rows = append(rows, []Button{{Label: T("menu.mine"), Payload: act("m")}})
		} else {
			label := T("act.signup")
			if ses.SeatsLeft() == 0 {
				label = T("act.signup_waiting")
			}
			rows = append(rows, []Button{{Label: label, Payload: act("p", itoa(a.ID), itoa(ses.ID), "x", "x", back)}})
		}
		if len(a.Upcoming(s.in.Now)) > 1 {
			times := act("t", itoa(a.ID), back)
			if sessID != 0 && ses.ID == sessID {
				times += ":" + strconv.FormatInt(sessID, 10)
			}
			rows = append(rows, []Button{{Label: T("act.times"), Payload: times}})
		}
	}
	if a.Place.Coords != nil {
		rows = append(rows, []Button{{Label: T("act.map"), URL: fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=16/%.5f/%.5f",
			a.Place.Coords.Lat, a.Place.Coords.Lon, a.Place.Coords.Lat, a.Place.Coords.Lon)}})
	}
	rows = append(rows, s.actFooter(backPayload(back)))
	s.send(s.edit(Reply{Text: texts, Inline: rows}))
}

// neighbour says that a, another municipality's, is open to the families
// of municipality from too: false when a is from's own, or from is none.
func (s *step) neighbour(a polku.Activity, from string) (Text, bool) {
	if ok, neighbour := a.Welcomes(from); !ok || !neighbour {
		return Text{}, false
	}
	return Text{ID: "act.neighbour", Data: map[string]any{"Municipality": s.placeName(a.Municipality), "From": s.placeName(from)}}, true
}

// lookingFrom is the municipality a card is looked at from: the one
// browsed, when its Back leads to a week's list ("w<m>.…"), else the
// family's own.
func (s *step) lookingFrom(back string) string {
	if strings.HasPrefix(back, "w") {
		m, _, _ := strings.Cut(back[1:], ".")
		if mi, err := strconv.Atoi(m); err == nil && mi >= 0 && mi < len(s.e.cfg.Municipalities) {
			return s.e.cfg.Municipalities[mi]
		}
	}
	return s.c.Answers.Municipality
}

// placeName is municipality id's name in the family's language.
func (s *step) placeName(id string) string { return s.e.cfg.Service.NameOf(id, s.c.Lang) }

// organiser is the activity's organiser, a made-up one marked so in the
// family's language.
func (s *step) organiser(a polku.Activity) any {
	if name, fictional := a.OrganiserName(); fictional {
		return Text{ID: "organiser.fictional", Data: map[string]any{"Name": name}}
	}
	return a.Organiser
}

func langs(a polku.Activity) []string {
	if len(a.Languages) == 0 {
		return []string{"fi"}
	}
	var out []string
	for _, l := range a.Languages {
		if slices.Contains(polku.Spoken, l) {
			out = append(out, l)
		}
	}
	return out
}

func (s *step) price(p polku.Price) Text {
	switch p.Kind {
	case polku.PriceFree:
		return T("price.free")
	case polku.PriceCard:
		if p.Cents == 0 {
			return T("price.card_only")
		}
		return Text{ID: "price.card", Data: map[string]any{"Amount": Money(p.Cents)}}
	}
	if p.Cents == 0 {
		// An import may know that a price is asked, but not how much.
		return T("price.paid_unknown")
	}
	return Text{ID: "price.paid", Data: map[string]any{"Amount": Money(p.Cents)}}
}

// times lists the upcoming sessions of an activity to pick one.
// Back returns to the card showing sessID, the time it came from.
func (s *step) times(a polku.Activity, back string, sessID int64) {
	open := a.Upcoming(s.in.Now)
	var rows [][]Button
	for i, ses := range open {
		if i == 10 {
			break
		}
		seats := s.seats(ses)
		if b, ok := s.booked(ses).(Text); ok {
			seats = b
		}
		rows = append(rows, []Button{{Label: Text{ID: "act.time", Data: map[string]any{"When": When{Start: ses.Start, End: ses.End}, "Seats": seats}},
			Payload: act("p", itoa(a.ID), itoa(ses.ID), "x", "x", back)}})
	}
	text := T("act.times.title")
	if len(open) == 0 {
		text = T("act.card.no_times")
	}
	rows = append(rows, s.actFooter(cardPayload(a.ID, back, sessID)))
	s.send(s.edit(Reply{Text: []Text{{ID: text.ID, Data: map[string]any{"Title": a.Title.In(s.c.Lang)}}}, Inline: rows}))
}

// defaultParty guesses who comes: the family's children of fitting ages
// and one adult, as the activity's audience allows.
func (s *step) defaultParty(a polku.Activity) (children, adults int) {
	for band, n := range s.c.Answers.Children {
		if band.Fits(a) {
			children += n
		}
	}
	switch a.Audience {
	case polku.AudienceChildren:
		return min(max(children, 1), polku.MaxPartySize), 0
	case polku.AudienceParents:
		return 0, 1
	}
	return min(max(children, 1), polku.MaxPartySize-1), 1
}

// party asks how many children and adults come, or first for the
// family's agreement to store the sign-up.
func (s *step) party(a polku.Activity, sessID int64, c, n int, back string) {
	ses, ok := shown(a, sessID, s.in.Now)
	if !ok || ses.ID != sessID {
		s.send(s.edit(Reply{Text: []Text{T("act.closed")}, Inline: [][]Button{s.actFooter(act("c", itoa(a.ID), back))}}))
		return
	}
	if !s.agreedNow() {
		s.send(s.edit(Reply{Text: []Text{T("act.consent")}, Inline: [][]Button{
			{{Label: T("privacy.yes"), Payload: act("ok", itoa(a.ID), itoa(ses.ID), "x", "x", back)}},
			{{Label: T("privacy.more"), Payload: act("privacy")}},
			s.actFooter(cardPayload(a.ID, back, ses.ID)),
		}}))
		return
	}
	c, n = min(max(c, 0), polku.MaxPartySize), min(max(n, 0), polku.MaxPartySize)
	n = min(n, polku.MaxPartySize-c)
	pay := func(c, n int) string { return act("p", itoa(a.ID), itoa(ses.ID), itoa(c), itoa(n), back) }
	counter := func(id string, count int, minus, plus string) []Button {
		return []Button{
			{Label: T("act.minus"), Payload: minus},
			{Label: Text{ID: id, Data: map[string]any{"Count": count}}, Payload: pay(c, n)},
			{Label: T("act.plus"), Payload: plus},
		}
	}
	rows := [][]Button{
		counter("act.party.children", c, pay(max(c-1, 0), n), pay(min(c+1, polku.MaxPartySize-n), n)),
		counter("act.party.adults", n, pay(c, max(n-1, 0)), pay(c, min(n+1, polku.MaxPartySize-c))),
	}
	if c+n > 0 {
		rows = append(rows, []Button{{Label: Text{ID: "act.party.confirm", Data: map[string]any{"Count": c + n}, Count: ptr(c + n)},
			Payload: signUpPayload("y", a.ID, ses.ID, c, n, back)}})
	}
	rows = append(rows, s.actFooter(cardPayload(a.ID, back, ses.ID)))
	data := s.about(a, ses)
	data["Seats"] = s.seats(ses)
	s.send(s.edit(Reply{Text: []Text{{ID: "act.party", Data: data}}, Inline: rows}))
}

func ptr[T any](v T) *T { return &v }

// signUpPayload signs the party up ("y"), or puts it on the waiting
// list ("yw"); back is where the party screen's Back leads.
func signUpPayload(action string, a, ses int64, c, n int, back string) string {
	p := act(action, itoa(a), itoa(ses), itoa(c), itoa(n))
	if back != "" && len(p)+1+len(back) <= maxPayload {
		// Within Telegram's 64 bytes; else the Back after it leads to the
		// card alone.
		p += ":" + back
	}
	return p
}

// signedUp shows the outcome of signing up; a confirmation carries the
// calendar file. back is where the party screen's Back led.
func (s *step) signedUp(f *Found, back string) {
	su := f.SignUp
	data := s.about(su.Activity, su.Session())
	mine := []Button{{Label: T("menu.mine"), Payload: act("m")}, {Label: T("menu.activities"), Payload: act("s", "0")}}
	switch f.Outcome {
	case polku.OutcomeConfirmed:
		texts := []Text{{ID: "act.signed", Data: data}}
		if f.Reminders {
			texts = append(texts, T("act.signed.reminders"))
		} else {
			texts = append(texts, T("act.signed.no_reminders"))
		}
		r := s.edit(Reply{Text: texts, Inline: [][]Button{mine, s.actFooter("")}})
		r.Calendar = &Calendar{SignUp: su}
		s.send(r)
	case polku.OutcomeWaiting:
		data["Position"] = su.Position
		id := "act.waiting"
		if ses := su.Session(); su.Seats() > ses.Capacity {
			id, data["Capacity"] = "act.waiting_added", ses.Capacity
		}
		s.send(s.edit(Reply{Text: []Text{{ID: id, Data: data}}, Inline: [][]Button{mine, s.actFooter("")}}))
	case polku.OutcomeAlready:
		// Most often a double tap: the confirmation on the screen stays.
		s.toast(Text{ID: "act.already", Data: data})
	case polku.OutcomeTooMany:
		// More people than the time has seats at all: the waiting list, in
		// case seats are added, or back to the party as it was.
		q := f.Query
		data["Capacity"] = su.Session().Capacity
		data["Count"] = q.Children + q.Adults
		rows := [][]Button{
			{{Label: T("act.signup_waiting"), Payload: signUpPayload("yw", q.Activity, q.Session, q.Children, q.Adults, back)}},
			s.actFooter(act("p", itoa(q.Activity), itoa(q.Session), itoa(q.Children), itoa(q.Adults), back)),
		}
		if q.Children+q.Adults > polku.MaxPartySize || su.Session().Capacity <= 0 {
			rows = rows[1:]
		}
		s.send(s.edit(Reply{Text: []Text{{ID: "act.too_many", Data: data}}, Inline: rows}))
	default:
		s.send(s.edit(Reply{Text: []Text{T("act.closed")}, Inline: [][]Button{
			{{Label: T("act.times"), Payload: act("t", itoa(f.Query.Activity), "")}}, s.actFooter(""),
		}}))
	}
}

// mine lists the family's sign-ups, each with a way to cancel.
func (s *step) mine(list []polku.SignUp) {
	if len(list) == 0 {
		s.send(s.edit(Reply{Text: []Text{T("act.mine.none")}, Inline: [][]Button{
			{{Label: T("menu.activities"), Payload: act("s", "0")}}, s.actFooter(""),
		}}))
		return
	}
	texts := []Text{T("act.mine.title")}
	var rows [][]Button
	for i, su := range list {
		ses := su.Session()
		data := s.about(su.Activity, ses)
		data["N"] = i + 1
		status := Text{ID: "act.status.confirmed", Data: map[string]any{"Count": su.Seats()}, Count: ptr(su.Seats())}
		if su.Status == polku.Waiting {
			status = Text{ID: "act.status.waiting", Data: map[string]any{"Position": su.Position}}
		}
		if !ses.Start.After(s.in.Now) {
			status = T("act.status.past")
		}
		data["Status"] = status
		texts = append(texts, Text{ID: "act.mine.item", Data: data})
		row := []Button{{Label: Text{ID: "act.open", Data: map[string]any{"N": i + 1, "Title": su.Activity.Title.In(s.c.Lang)}},
			Payload: cardPayload(su.Activity.ID, "m", 0)}}
		if ses.Start.After(s.in.Now) {
			row[0].Payload = cardPayload(su.Activity.ID, "m", ses.ID)
		}
		if ses.Start.After(s.in.Now) {
			row = append(row, Button{Label: Text{ID: "act.cancel", Data: map[string]any{"N": i + 1}}, Payload: act("x", itoa(su.ID))})
		}
		rows = append(rows, row)
	}
	rows = append(rows, []Button{{Label: T("menu.settings"), Payload: act("r")}}, s.actFooter(""))
	s.send(s.edit(Reply{Text: texts, Inline: rows}))
}

func (s *step) reminders(f *Found) {
	if s.c.Consent == "" {
		s.send(s.edit(Reply{Text: []Text{T("act.settings.none")}, Inline: [][]Button{
			{{Label: T("menu.activities"), Payload: act("s", "0")}}, s.actFooter(""),
		}}))
		return
	}
	text, label, pay := "act.settings.on", "act.settings.turn_off", act("r", "0")
	if !f.Reminders {
		text, label, pay = "act.settings.off", "act.settings.turn_on", act("r", "1")
	}
	texts := []Text{T(text)}
	rows := [][]Button{{{Label: T(label), Payload: pay}}}
	if s.c.Profile && s.c.Answers.WellbeingInstrument().Statements() > 0 && len(s.c.Answers.Wellbeing) > 0 {
		// The wellbeing follow-ups, beside the reminders, once there is
		// a baseline to follow up.
		text, label, pay := "act.settings.followups_on", "act.settings.followups_turn_off", act("r", "f0")
		if !f.FollowUps {
			text, label, pay = "act.settings.followups_off", "act.settings.followups_turn_on", act("r", "f1")
		}
		texts = append(texts, T(text))
		rows = append(rows, []Button{{Label: T(label), Payload: pay}})
	}
	news, newsLabel, newsPay := "act.settings.news_off", "act.settings.news_turn_on", act("r", "n1")
	if f.News != nil && *f.News {
		news, newsLabel, newsPay = "act.settings.news_on", "act.settings.news_turn_off", act("r", "n0")
	}
	texts = append(texts, T(news))
	rows = append(rows, []Button{{Label: T(newsLabel), Payload: newsPay}})
	rows = append(rows, []Button{{Label: T("menu.mine"), Payload: act("m")}}, s.actFooter(""))
	s.send(s.edit(Reply{Text: texts, Inline: rows}))
}

// Notice is the message of a due job about a sign-up: a reminder, the
// attendance question or a change. old is the earlier start of a moved
// session.
func (e *Engine) Notice(lang string, kind polku.JobKind, su polku.SignUp, old time.Time) Reply {
	s := &step{e: e, c: Conversation{Lang: lang}}
	data := s.about(su.Activity, su.Session())
	data["Old"] = When{Start: old}
	mine := []Button{{Label: T("menu.mine"), Payload: actNew("m")}}
	cant := []Button{{Label: T("notice.cannot_come"), Payload: actNew("x", itoa(su.ID))}}
	switch kind {
	case polku.JobRemindDay:
		return Reply{Text: []Text{{ID: "notice.remind_day", Data: data}}, Inline: [][]Button{cant, mine}}
	case polku.JobRemindSoon:
		return Reply{Text: []Text{{ID: "notice.remind_soon", Data: data}}, Inline: [][]Button{cant}}
	case polku.JobFollowUp:
		return Reply{Text: []Text{{ID: "notice.follow_up", Data: data}}, Inline: [][]Button{
			{{Label: T("attend.yes"), Payload: act("at", itoa(su.ID), "y")}},
			{{Label: T("attend.no"), Payload: act("at", itoa(su.ID), "n")}},
		}}
	case polku.JobCancelled:
		return Reply{Text: []Text{{ID: "notice.cancelled", Data: data}}, Inline: [][]Button{
			{{Label: T("menu.activities"), Payload: actNew("s", "0")}}, {{Label: T("button.person"), Payload: personPayload()}},
		}}
	case polku.JobMoved:
		return Reply{Text: []Text{{ID: "notice.moved", Data: data}}, Inline: [][]Button{cant, mine}}
	case polku.JobPromoted:
		r := Reply{Text: []Text{{ID: "notice.promoted", Data: data}}, Inline: [][]Button{cant, mine}}
		r.Calendar = &Calendar{SignUp: su}
		return r
	}
	return Reply{Text: []Text{{ID: "notice.changed", Data: data}}, Inline: [][]Button{mine}}
}
