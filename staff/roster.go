package staff

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"polku"
	"polku/flows"
)

// A provider's roster in their private chat: /roster shows who signed up
// for the organiser's sessions, one screen a session with buttons to move
// between them, and from a session's start until polku.MarkDays after its
// end a came / did-not-come button pair for each party. A party is its
// number, how many come and the age bands of the family's children:
// nothing else about the family. /visits gives the organiser's month for
// reimbursement (Message.Visits). Every mark is audited (the session and
// the mark, never a family's words), and so is a refused press: a
// provider acts only on their own organiser's sessions, whatever the
// button's data says.

// RosterDays is how far ahead the roster looks.
const RosterDays = 14

// RosterPage is how many parties one screen of a session shows.
const RosterPage = 10

// RosterPayload is the data of a roster's button, "R:<action>:<id>:<page>":
// "s" shows session id at page, "y" and "n" mark sign-up id as come or
// not and show its session again at page. Every roster button is built
// here and read by rosterButton.
func RosterPayload(action string, id int64, page int) string {
	return "R:" + action + ":" + strconv.FormatInt(id, 10) + ":" + strconv.Itoa(page)
}

// marks are the marks by a roster button's action.
var marks = map[string]polku.Mark{"y": polku.MarkCame, "n": polku.MarkAbsent}

// isRoster says whether in is the roster's: /roster, /visits or a press
// of a roster button.
func isRoster(in Input) bool {
	return in.Command == "roster" || in.Command == "visits" || (in.Command == "" && strings.HasPrefix(in.Data, "R:"))
}

// roster handles the roster's input of provider pr.
func (p *Providers) roster(ctx context.Context, tx ProviderTx, in Input, pr polku.Provider) ([]Message, Line, error) {
	if in.Command == "visits" {
		ms, err := p.visits(ctx, tx, in, pr)
		return ms, Line{}, err
	}
	if in.Command == "roster" {
		m, _, err := p.screen(ctx, tx, pr, in.Lang, 0, 0)
		return []Message{m}, Line{}, err
	}
	return p.rosterButton(ctx, tx, in, pr)
}

// rosterButton handles a press of a roster button.
func (p *Providers) rosterButton(ctx context.Context, tx ProviderTx, in Input, pr polku.Provider) ([]Message, Line, error) {
	parts := strings.Split(in.Data, ":")
	id, err1 := strconv.ParseInt(arg(parts, 2), 10, 64)
	page, err2 := strconv.Atoi(arg(parts, 3))
	if len(parts) != 4 || err1 != nil || err2 != nil || id <= 0 || page < 0 {
		return nil, L("input.unknown_button", nil), nil
	}
	refused := func(action string) ([]Message, Line, error) {
		return nil, L("roster.not_yours", nil), tx.Audit(ctx, pr.UserID, action, 0, "")
	}
	edit := func(m Message) []Message {
		m.Edit = in.Pressed
		return []Message{m}
	}
	action := parts[1]
	switch {
	case action == "s":
		ro, err := tx.Roster(ctx, id)
		if polku.ErrorCode(err) == polku.ENOTFOUND || (err == nil && ro.Organiser != pr.Organiser) {
			return refused("roster_refused")
		}
		if err != nil {
			return nil, Line{}, err
		}
		m, found, err := p.screen(ctx, tx, pr, in.Lang, id, page)
		if err != nil {
			return nil, Line{}, err
		}
		if !found {
			// Gone from the roster's days since the button was made: the
			// roster as it is now.
			return edit(m), L("roster.gone", nil), nil
		}
		return edit(m), Line{}, nil
	case marks[action] != "":
		session, err := tx.MarkAttendance(ctx, id, pr, marks[action])
		switch polku.ErrorCode(err) {
		case "":
		case polku.ENOTFOUND:
			return refused("attendance_refused")
		case polku.ECONFLICT:
			m, _, err := p.screen(ctx, tx, pr, in.Lang, session, page)
			return edit(m), L("roster.marks_closed", nil), err
		default:
			return nil, Line{}, err
		}
		if err := tx.Audit(ctx, pr.UserID, "attendance", 0, fmt.Sprintf("%d %s", session, marks[action])); err != nil {
			return nil, Line{}, err
		}
		m, _, err := p.screen(ctx, tx, pr, in.Lang, session, page)
		return edit(m), L("roster.marked", nil), err
	}
	return nil, L("input.unknown_button", nil), nil
}

// now is the service's clock in its time zone.
func (p *Providers) now() time.Time {
	loc := p.cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	return p.cfg.Now().In(loc)
}

// screen is the roster's screen, in lang, of session (0 for the first one due: the
// first of today or later, else the last) at page, with the sessions of
// the roster's days around it: from polku.MarkDays before today, while
// they can still be marked, to RosterDays on. found says whether session
// is among them; when not, the first one due is shown.
func (p *Providers) screen(ctx context.Context, tx ProviderTx, pr polku.Provider, lang string, session int64, page int) (Message, bool, error) {
	now := p.now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	list, err := tx.RosterSessions(ctx, pr.Organiser, today.AddDate(0, 0, -polku.MarkDays), today.AddDate(0, 0, RosterDays+1))
	if err != nil {
		return Message{}, false, err
	}
	if len(list) == 0 {
		return say(L("roster.empty", map[string]any{"Organiser": pr.Organiser, "Days": RosterDays})), session == 0, nil
	}
	at, found := -1, false
	for i, ro := range list {
		if ro.Session.ID == session {
			at, found = i, true
		}
	}
	if at < 0 {
		page = 0
		at = len(list) - 1
		for i, ro := range list {
			if !ro.Session.Start.Before(today) {
				at = i
				break
			}
		}
	}
	ro, err := tx.Roster(ctx, list[at].Session.ID)
	if err != nil {
		return Message{}, false, err
	}
	return rosterScreen(ro, list, at, page, now, lang), found || session == 0, nil
}

// rosterScreen is session list[at] (ro, with its parties) at page, in
// lang.
func rosterScreen(ro polku.Roster, list []polku.Roster, at, page int, now time.Time, lang string) Message {
	s := ro.Session
	lines := []Line{
		L("roster.title", map[string]any{"Title": ro.Title.In(lang)}),
		L("roster.when", map[string]any{"When": flows.When{Start: s.Start, End: s.End}, "Number": at + 1, "Count": len(list)}),
	}
	n := len(ro.Parties)
	if n == 0 {
		lines = append(lines, L("roster.nobody", nil))
	} else {
		lines = append(lines, L("roster.signed_up", map[string]any{"Count": n, "People": s.Taken}))
	}
	if s.Waiting > 0 {
		lines = append(lines, L("roster.waiting", map[string]any{"People": s.Waiting}))
	}
	pages := max(1, (n+RosterPage-1)/RosterPage)
	page = min(page, pages-1)
	from, to := page*RosterPage, min(n, (page+1)*RosterPage)
	markable := s.Markable(now)
	var rows [][]Button
	if n > 0 {
		lines = append(lines, blank)
	}
	for i := from; i < to; i++ {
		party := ro.Parties[i]
		lines = append(lines, partyLine(i+1, party))
		if markable {
			rows = append(rows, []Button{
				{Label: L("roster.button.came", map[string]any{"Number": i + 1}), Data: RosterPayload("y", party.SignUp, page)},
				{Label: L("roster.button.absent", map[string]any{"Number": i + 1}), Data: RosterPayload("n", party.SignUp, page)},
			})
		}
	}
	if n > 0 {
		end := s.End
		if end.IsZero() {
			end = s.Start
		}
		until := flows.When{Start: end.AddDate(0, 0, polku.MarkDays)}
		switch {
		case markable:
			lines = append(lines, blank, L("roster.mark", map[string]any{"Until": until}))
		case now.Before(s.Start):
			lines = append(lines, blank, L("roster.mark_later", nil))
		default:
			lines = append(lines, blank, L("roster.marks_closed", nil))
		}
	}
	if pages > 1 {
		var row []Button
		if page > 0 {
			row = append(row, Button{Label: L("roster.button.parties_before", map[string]any{"From": from - RosterPage + 1, "To": from}), Data: RosterPayload("s", s.ID, page-1)})
		}
		if page < pages-1 {
			row = append(row, Button{Label: L("roster.button.parties_after", map[string]any{"From": to + 1, "To": min(n, to+RosterPage)}), Data: RosterPayload("s", s.ID, page+1)})
		}
		rows = append(rows, row)
	}
	var nav []Button
	if at > 0 {
		nav = append(nav, Button{Label: L("roster.button.earlier", nil), Data: RosterPayload("s", list[at-1].Session.ID, 0)})
	}
	if at < len(list)-1 {
		nav = append(nav, Button{Label: L("roster.button.later", nil), Data: RosterPayload("s", list[at+1].Session.ID, 0)})
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	return Message{To: Here, Lines: lines, Buttons: rows}
}

// partyLine is "1. party of 3 (3–6, 7–12)", with the provider's mark.
func partyLine(number int, party polku.Party) Line {
	people := party.People()
	data := map[string]any{"Number": number, "People": people}
	id := "roster.party"
	if len(party.Bands) > 0 {
		bands := make([]string, len(party.Bands))
		for i, b := range party.Bands {
			bands[i] = strings.ReplaceAll(string(b), "-", "–")
		}
		data["Bands"] = strings.Join(bands, ", ")
		id = "roster.party_bands"
	}
	line := Line{Text: flows.Text{ID: id, Data: data, Count: &people}}
	if party.Mark != "" {
		return Line{Parts: []Line{line, L("roster.marked_"+string(party.Mark), nil)}}
	}
	return line
}

// visits answers /visits of provider pr: last month, or the month asked
// ("/visits 2026-11"; "csv" after it adds the tables as CSV files), as a
// few lines and the month's Visits for the adapter to write as a
// workbook. Every ask is audited with its month.
func (p *Providers) visits(ctx context.Context, tx ProviderTx, in Input, pr polku.Provider) ([]Message, error) {
	a, csv := csvArg(in.Arg)
	now := p.now()
	per := LastMonth(now)
	if strings.TrimSpace(a) != "" {
		got, err := ParsePeriod(a, now)
		if err != nil || got.First != got.Last {
			id := "visits.period_format"
			if err == ErrPeriodFuture {
				id = "visits.period_future"
			}
			return []Message{say(L(id, nil))}, tx.Audit(ctx, pr.UserID, "visits", 0, "?")
		}
		per = got
	}
	month, err := time.ParseInLocation("2006-01", per.First, now.Location())
	if err != nil {
		return nil, fmt.Errorf("visits: month %q: %w", per.First, err)
	}
	v, err := tx.Visits(ctx, pr.Organiser, month)
	if err != nil {
		return nil, err
	}
	var parties, people, came, camePeople, unmarked, cards int
	for _, s := range v.Sessions {
		parties, people, came, camePeople, unmarked = parties+s.Parties, people+s.People, came+s.Came, camePeople+s.CamePeople, unmarked+s.Unmarked
	}
	for _, c := range v.Cards {
		cards += c.Visits
	}
	lines := []Line{
		L("visits.title", map[string]any{"Organiser": pr.Organiser, "Month": per.First}),
		L("visits.signups", map[string]any{"Parties": parties, "People": people}),
		L("visits.came", map[string]any{"Came": came, "CamePeople": camePeople}),
	}
	if unmarked > 0 {
		lines = append(lines, L("visits.unmarked", map[string]any{"Count": unmarked}))
	}
	lines = append(lines, L("visits.cards", map[string]any{"Count": cards}), blank, L("visits.workbook", nil))
	detail := per.String()
	if csv {
		detail += " csv"
	}
	return []Message{{To: Here, Lines: lines, Visits: &v, CSV: csv}}, tx.Audit(ctx, pr.UserID, "visits", 0, detail)
}
