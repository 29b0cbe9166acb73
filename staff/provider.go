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

// Activity providers in their private chat with the bot: linking their
// Telegram account from the link a coordinator gave, and checking
// wellbeing cards (the card's QR code opens the bot with "card_CODE", or
// /verify CODE). A card tells a provider whether it is valid and how many
// visits are left, nothing about the family. Every check is audited with
// its outcome (never the code), and a provider may make only so many
// within an hour (Config.VerifyPerHour): card codes are short enough to
// read aloud, so guessing them must stay slow.

// ProviderTx is what the providers' side needs of the store.
type ProviderTx interface {
	// ProviderByUser is the provider a Telegram account checks cards
	// for; ENOTFOUND for none.
	ProviderByUser(ctx context.Context, user int64) (polku.Provider, error)
	// LinkProvider links an account with a provider's link code:
	// ENOTFOUND or ECONFLICT for a code unknown, used or expired.
	LinkProvider(ctx context.Context, code string, user int64, firstName string) (polku.Provider, error)
	// CheckLimit says whether user made limit checks within the hour,
	// and when one is free again.
	CheckLimit(ctx context.Context, user int64, limit int) (free time.Time, limited bool, err error)
	// Checked audits a check's outcome.
	Checked(ctx context.Context, user int64, o polku.CheckOutcome) error
	CardByCode(ctx context.Context, code string) (polku.Card, error)
	// ProviderActivities are an organiser's activities, those with a
	// session today first.
	ProviderActivities(ctx context.Context, organiser string, now time.Time) ([]polku.Activity, error)
	// VerifyCard records a visit with a card and says what it was.
	VerifyCard(ctx context.Context, code string, provider, activity int64) (card polku.Card, state polku.CardState, again bool, err error)
	Count(ctx context.Context, kind, municipality string) error
	// CountVisit counts a card visit to an organiser's activity for the
	// report (0 when the provider did not say which).
	CountVisit(ctx context.Context, organiser string, activity int64) error
	// RosterSessions are an organiser's scheduled sessions starting from
	// from until to, soonest first, without their parties.
	RosterSessions(ctx context.Context, organiser string, from, to time.Time) ([]polku.Roster, error)
	// Roster is a session with its parties; ENOTFOUND for none.
	Roster(ctx context.Context, session int64) (polku.Roster, error)
	// MarkAttendance marks a sign-up of p's organiser and returns its
	// session: ENOTFOUND for no such sign-up of p's organiser, ECONFLICT
	// (with the session) when it cannot be marked now.
	MarkAttendance(ctx context.Context, signup int64, p polku.Provider, m polku.Mark) (int64, error)
	// Visits is an organiser's month of the month's first day.
	Visits(ctx context.Context, organiser string, month time.Time) (polku.Visits, error)
	// Audit records what a provider did: never a family's words.
	Audit(ctx context.Context, user int64, action string, caseID int64, detail string) error
}

// Providers is what providers do in their private chat.
type Providers struct {
	cfg Config
}

// NewProviders returns the providers' side with cfg.
func NewProviders(cfg Config) *Providers { return &Providers{cfg: cfg} }

// Handle handles a private chat's update that is a provider's: a link
// ("/start prov_CODE"), a card's QR code ("/start card_CODE"), /verify, a
// press of a check's button ("V:…"), or the roster's /roster, /visits and
// buttons ("R:…", roster.go). It reports whether the update was
// one (handled); the family flows get every other. The messages go Here,
// in in.Lang; the notice is for a pressed button.
func (p *Providers) Handle(ctx context.Context, tx ProviderTx, in Input) (ms []Message, toast Line, handled bool, err error) {
	if isRoster(in) {
		pr, err := tx.ProviderByUser(ctx, in.User)
		switch {
		case polku.ErrorCode(err) == polku.ENOTFOUND:
			// Not a provider: /roster, /visits and a roster's button are
			// the family flows', as any unknown command or button.
			return nil, Line{}, false, nil
		case err != nil:
			return nil, Line{}, true, err
		}
		ms, toast, err := p.roster(ctx, tx, in, pr)
		return ms, toast, true, err
	}
	var code, link string
	switch {
	case in.Command == "start" && strings.HasPrefix(in.Arg, "prov_"):
		link = strings.TrimPrefix(in.Arg, "prov_")
	case in.Command == "start" && strings.HasPrefix(in.Arg, "card_"):
		code = strings.TrimPrefix(in.Arg, "card_")
	case in.Command == "verify":
		code = in.Arg
	case in.Command == "" && strings.HasPrefix(in.Data, "V:"):
		code = in.Data
	default:
		return nil, Line{}, false, nil
	}
	say := func(edit int, rows [][]Button, lines ...Line) []Message {
		return []Message{{To: Here, Edit: edit, Lines: lines, Buttons: rows}}
	}
	if link != "" {
		// One Telegram account checks cards for one organiser: a second
		// link is refused before it could fail inside the transaction.
		if _, err := tx.ProviderByUser(ctx, in.User); err == nil {
			return say(0, nil, L("provider.link_invalid", nil)), Line{}, true, nil
		} else if polku.ErrorCode(err) != polku.ENOTFOUND {
			return nil, Line{}, true, err
		}
		pr, err := tx.LinkProvider(ctx, link, in.User, in.Name)
		switch polku.ErrorCode(err) {
		case "":
			return say(0, nil, L("provider.linked", map[string]any{"Organiser": pr.Organiser})), Line{}, true, nil
		case polku.ENOTFOUND, polku.ECONFLICT:
			return say(0, nil, L("provider.link_invalid", nil)), Line{}, true, nil
		}
		return nil, Line{}, true, err
	}
	pr, err := tx.ProviderByUser(ctx, in.User)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		switch {
		case in.Command == "verify":
			// Not a provider: /verify is a command like any unknown one.
			return nil, Line{}, false, nil
		case in.Data != "":
			return nil, L("input.unknown_button", nil), true, nil
		}
		// Someone scanned a card who is not a provider (maybe the family
		// itself): nothing about the card is told.
		return say(0, nil, L("verify.not_provider", nil)), Line{}, true, nil
	}
	if err != nil {
		return nil, Line{}, true, err
	}
	// checked audits the check's outcome and answers it.
	checked := func(o polku.CheckOutcome, edit int, rows [][]Button, lines ...Line) ([]Message, Line, bool, error) {
		if err := tx.Checked(ctx, pr.UserID, o); err != nil {
			return nil, Line{}, true, err
		}
		return say(edit, rows, lines...), Line{}, true, nil
	}
	// Past the limit nothing about any code is told, not even whether it
	// looks like one.
	free, limited, err := tx.CheckLimit(ctx, pr.UserID, p.cfg.VerifyPerHour)
	if err != nil {
		return nil, Line{}, true, err
	}
	if limited {
		// The minute shown is one when a check is allowed again.
		free = free.Add(time.Minute - time.Nanosecond).Truncate(time.Minute)
		return checked(polku.CheckLimited, 0, nil, L("verify.limited", map[string]any{"Time": flows.When{Start: free, Clock: true}}))
	}
	var activity int64
	if strings.HasPrefix(code, "V:") {
		parts := strings.Split(code, ":")
		code = arg(parts, 1)
		activity, _ = strconv.ParseInt(arg(parts, 2), 10, 64)
	}
	norm, ok := polku.NormalizeCode(code)
	if !ok || len(norm) != polku.CardCodeLen {
		return checked(polku.CheckBad, 0, nil, L("verify.bad_code", nil))
	}
	codeLine := L("verify.code", map[string]any{"Code": polku.FormatCardCode(norm)})
	unknown := func() ([]Message, Line, bool, error) {
		return checked(polku.CheckUnknown, in.Pressed, nil, L("verify.unknown", map[string]any{"Code": polku.FormatCardCode(norm)}))
	}
	// A card that is unknown or not valid is told at once; only a valid
	// one asks where the visit is.
	current, err := tx.CardByCode(ctx, norm)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return unknown()
	}
	if err != nil {
		return nil, Line{}, true, err
	}
	if state := current.State(p.cfg.Now()); state != polku.CardValid {
		return checked(polku.CheckOutcome(state), in.Pressed, nil, codeLine, L("verify."+string(state), nil))
	}
	acts, err := tx.ProviderActivities(ctx, pr.Organiser, p.cfg.Now())
	if err != nil {
		return nil, Line{}, true, err
	}
	title := func(a polku.Activity) string { return a.Title.In(in.Lang) }
	var chosen *polku.Activity
	for i := range acts {
		if acts[i].ID == activity || len(acts) == 1 {
			chosen = &acts[i]
		}
	}
	if chosen == nil && len(acts) > 1 {
		// Where was the visit? The organiser's activities with a session
		// today come first.
		var rows [][]Button
		for _, a := range acts {
			rows = append(rows, []Button{{Label: Raw(title(a)), Max: 60, Data: fmt.Sprintf("V:%s:%d", norm, a.ID)}})
		}
		return checked(polku.CheckWhich, 0, rows, L("verify.which", nil))
	}
	var actID int64
	actTitle := pr.Organiser
	if chosen != nil {
		actID, actTitle = chosen.ID, title(*chosen)
	}
	card, state, again, err := tx.VerifyCard(ctx, norm, pr.ID, actID)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return unknown()
	}
	if err != nil {
		return nil, Line{}, true, err
	}
	lines := []Line{codeLine}
	outcome := polku.CheckOutcome(state)
	switch {
	case again:
		outcome = polku.CheckAgain
		lines = append(lines, L("verify.again", map[string]any{"Activity": actTitle}))
	case state == polku.CardValid:
		if err := tx.Count(ctx, "card_visit", ""); err != nil {
			return nil, Line{}, true, err
		}
		if err := tx.CountVisit(ctx, pr.Organiser, actID); err != nil {
			return nil, Line{}, true, err
		}
		lines = append(lines, L("verify.ok", map[string]any{"Activity": actTitle}))
		if left, limited := card.Left(); limited {
			lines = append(lines, Line{Text: flows.Text{ID: "verify.left", Data: map[string]any{"Count": left}, Count: &left}})
		}
	default:
		lines = append(lines, L("verify."+string(state), nil))
	}
	return checked(outcome, in.Pressed, nil, lines...)
}

// providerCommand is "/provider add ORGANISER", "/provider list" and
// "/provider remove NUMBER-or-NAME" in the coordinators' group.
func (s *Coordinators) providerCommand(ctx context.Context, tx Tx, in Input) ([]Message, error) {
	sub, rest, _ := strings.Cut(in.Arg, " ")
	rest = strings.TrimSpace(rest)
	switch {
	case sub == "add" && rest != "":
		p, candidates, err := tx.AddProvider(ctx, rest, rest, in.User, s.cfg.ProviderLinkDays)
		switch polku.ErrorCode(err) {
		case "":
		case polku.ENOTFOUND:
			return []Message{say(L("coord.provider_none", map[string]any{"Name": rest}))}, nil
		case polku.EINVALID:
			return []Message{say(L("coord.provider_many", map[string]any{"List": "• " + strings.Join(candidates, "\n• ")}))}, nil
		default:
			return nil, err
		}
		link, err := s.cfg.Link(ctx, "prov_"+p.LinkCode)
		if err != nil {
			return nil, err
		}
		return []Message{say(L("coord.provider_added", map[string]any{"Organiser": p.Organiser, "Link": link}))},
			tx.Audit(ctx, in.User, "provider_add", 0, p.Organiser)
	case sub == "list":
		ps, err := tx.Providers(ctx)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return []Message{say(L("coord.providers_none", nil))}, nil
		}
		m := say(L("coord.providers", nil))
		now := s.cfg.Now()
		for _, p := range ps {
			line := Line{Parts: []Line{Raw("• "), providerLine(p, now)}}
			if p.State(now) == polku.ProviderWaiting {
				link, err := s.cfg.Link(ctx, "prov_"+p.LinkCode)
				if err != nil {
					return nil, err
				}
				line.Parts = append(line.Parts, Raw("\n"+link))
			}
			m.Lines = append(m.Lines, line)
		}
		return []Message{m}, tx.Audit(ctx, in.User, "list_providers", 0, "")
	case sub == "remove" && rest != "":
		ps, err := tx.FindProviders(ctx, rest)
		if err != nil {
			return nil, err
		}
		switch len(ps) {
		case 0:
			return []Message{say(L("coord.provider_remove_none", map[string]any{"Name": rest}))}, nil
		case 1:
		default:
			var list []Line
			for i, p := range ps {
				if i > 0 {
					list = append(list, Raw("\n"))
				}
				list = append(list, Raw("• "), providerLine(p, s.cfg.Now()))
			}
			return []Message{say(L("coord.provider_remove_many", map[string]any{"List": Line{Parts: list}}))}, nil
		}
		p, err := tx.RemoveProvider(ctx, ps[0].ID, in.User)
		if err != nil {
			return nil, err
		}
		var name any = p.FirstName
		switch {
		case p.UserID == 0:
			name = flows.T("coord.provider_not_linked")
		case p.FirstName == "":
			name = "–" // linked before first names were kept
		}
		return []Message{say(L("coord.provider_removed", map[string]any{"Number": p.ID, "Organiser": p.Organiser, "Name": name}))},
			tx.Audit(ctx, in.User, "provider_remove", 0, p.Organiser)
	}
	return []Message{say(L("coord.provider_usage", nil))}, nil
}

// providerLine is a provider as the coordinators' list shows them: the
// number to remove them by, the organiser, and who checks cards since
// when, or until when their link waits.
func providerLine(p polku.Provider, now time.Time) Line {
	day := func(t time.Time) flows.When { return flows.When{Start: t, Day: true} }
	state := p.State(now)
	data := map[string]any{"Number": p.ID, "Organiser": p.Organiser, "Since": day(p.Added), "Until": flows.When{Start: p.LinkUntil}}
	if state == polku.ProviderLinked {
		// A provider linked before first names were kept has none.
		name := p.FirstName
		if name == "" {
			name = "–"
		}
		data = map[string]any{"Number": p.ID, "Organiser": p.Organiser, "Name": name, "Since": day(p.Linked)}
	}
	return L("coord.provider_line."+string(state), data)
}
