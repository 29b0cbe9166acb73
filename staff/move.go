package staff

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"polku"
	"polku/flows"
)

// Moving a case to another municipality's coordinators: a family that
// said Kuusamo but is Kalajoki's, or one that moved. One button in the
// case's menu, then the municipality (its region first when the service
// has many); the case leaves its group whole: the old topic is deleted
// (its coordinators no longer see the family), the new group gets a topic
// with the summary (the family's shared answers) and the history (when it
// opened, where from, the notes), the family is told who helps now, and
// the move is audited.

// moveRegionsOver is how many municipalities a move offers at once
// before it asks for the region first.
const moveRegionsOver = 8

// targets are the municipalities case c can be moved to: those whose
// cases open in another group, by their index in the service.
func (s *Coordinators) targets(c polku.Case) []int {
	var is []int
	for i, m := range s.cfg.Service.Municipalities {
		if g := s.cfg.Service.GroupOf(m.ID); g != 0 && g != c.Group {
			is = append(is, i)
		}
	}
	return is
}

// moveButton handles the move buttons of case c ("move", "mover",
// "moveto"), args what follows the case's number. A "moveto" with the
// time of the family's answer is the button of the line Resettled wrote.
func (s *Coordinators) moveButton(ctx context.Context, tx Tx, in Input, action string, args []string, c polku.Case, keys func([][]Button) Message) ([]Message, Line, error) {
	if action == "moveto" && len(args) == 2 {
		return s.resettledButton(ctx, tx, in, args, c)
	}
	unknown := L("input.unknown_button", nil)
	arg := ""
	if len(args) > 0 {
		arg = args[0]
	}
	if c.Status == polku.CaseClosed {
		return []Message{keys(CaseKeys(c))}, L("coord.already_closed", nil), nil
	}
	targets := s.targets(c)
	cancel := []Button{{Label: L("case.button.cancel", nil), Data: CasePayload("keys", c.ID)}}
	svc := s.cfg.Service
	muniRows := func(ids []int) [][]Button {
		var rows [][]Button
		for _, i := range ids {
			rows = append(rows, []Button{{Label: Raw(svc.Municipalities[i].Name.In(s.lang())), Data: CasePayload("moveto", c.ID, strconv.Itoa(i))}})
		}
		return append(rows, cancel)
	}
	switch action {
	case "move":
		if len(targets) == 0 {
			return []Message{keys(CaseKeys(c))}, unknown, nil
		}
		if len(targets) <= moveRegionsOver || len(svc.Regions) == 0 {
			return []Message{keys(muniRows(targets))}, L("coord.move_where", nil), nil
		}
		var rows [][]Button
		for ri, r := range svc.Regions {
			for _, i := range targets {
				if svc.Municipalities[i].Region == r.ID {
					rows = append(rows, []Button{{Label: Raw(r.Name.In(s.lang())), Data: CasePayload("mover", c.ID, strconv.Itoa(ri))}})
					break
				}
			}
		}
		return []Message{keys(append(rows, cancel))}, L("coord.move_where", nil), nil
	case "mover":
		ri, err := strconv.Atoi(arg)
		if err != nil || ri < 0 || ri >= len(svc.Regions) {
			return nil, unknown, nil
		}
		var in []int
		for _, i := range targets {
			if svc.Municipalities[i].Region == svc.Regions[ri].ID {
				in = append(in, i)
			}
		}
		return []Message{keys(muniRows(in))}, L("coord.move_where", nil), nil
	}
	i, err := strconv.Atoi(arg)
	if err != nil || i < 0 || i >= len(svc.Municipalities) || !slices.Contains(targets, i) {
		return nil, unknown, nil
	}
	to := svc.Municipalities[i]
	return s.move(ctx, tx, in, c, to)
}

// lang is the language the bot speaks in the groups.
func (s *Coordinators) lang() string { return s.cfg.lang() }

// lang is the language the bot speaks in the groups.
func (c Config) lang() string {
	if len(c.Languages) > 0 {
		return c.Languages[0]
	}
	return "fi"
}

// move gives case c to municipality to's group.
func (s *Coordinators) move(ctx context.Context, tx Tx, in Input, c polku.Case, to polku.Municipality) ([]Message, Line, error) {
	group := s.cfg.Service.GroupOf(to.ID)
	notes, err := tx.Notes(ctx, c.ID)
	if err != nil {
		return nil, Line{}, err
	}
	// Audited before the move, so that the row is the municipality's the
	// case leaves: its manager sees the case go.
	if err := tx.Audit(ctx, in.User, "move", c.ID, c.Municipality+" → "+to.ID); err != nil {
		return nil, Line{}, err
	}
	before, _, err := tx.MoveCase(ctx, c.ID, to.ID, group)
	if err != nil {
		return nil, Line{}, err
	}
	from := s.cfg.Service.NameOf(before.Municipality, s.lang())
	if before.Municipality == "" || before.Municipality == polku.Other {
		from = "–"
	}
	name := to.Name.In(s.lang())
	history := []Line{
		L("case.moved_here", map[string]any{"From": from, "Name": in.Name, "Opened": flows.When{Start: before.Opened, Day: true}}),
	}
	if len(notes) > 0 {
		history = append(history, blank, L("case.moved_notes", nil))
		for _, n := range notes {
			history = append(history, Line{Parts: []Line{L("case.moved_note_at", map[string]any{"When": flows.When{Start: n.At, Day: true}}), Raw(" " + n.Text)}})
		}
	}
	ms := []Message{{To: Topic, Kind: Moved, Case: c.ID, Group: group, Lines: history}}
	if before.Thread != 0 {
		// The family's words leave the group it no longer belongs to.
		ms = append(ms, Message{To: Thread, Kind: DeleteTopic, Thread: before.Thread, Group: before.Group})
	}
	ms = append(ms, Message{To: Thread, Group: before.Group,
		Lines: []Line{L("coord.moved", map[string]any{"ID": c.ID, "Name": in.Name, "Municipality": name})}})
	fam, err := tx.FamilyChat(ctx, c.ChatID)
	if err != nil {
		return nil, Line{}, err
	}
	if !fam.Blocked {
		ms = append(ms, Message{To: Family, Chat: c.ChatID, Lang: fam.Lang,
			Lines: []Line{L("case.moved_family", map[string]any{"Municipality": to.Name.In(fam.Lang)})}})
	}
	return ms, L("coord.moved_you", map[string]any{"Municipality": name}), nil
}

// The family's own answer may say first that a case belongs elsewhere:
// a family that changes its municipality (in /settings, or the intake's
// question again) while its case is open. The case stays where it is, as
// only a coordinator moves a case, but its topic gets one line, with one
// button that moves it as the case's menu would (the same checks, the
// same audit), when the new municipality's cases open in another group.
// Within the same group nothing is said: the summary, written again, shows
// the answer when the family shares its answers.

// Resettled writes that line for the family's open case, in the
// transaction that saves the family's answers: was is the municipality
// its profile said before, now the one it says now. A family that has not
// shared its answers is not named by its new municipality (the button says
// "their coordinators"), as its summary does not name the old one.
func (s *Cases) Resettled(ctx context.Context, tx CaseTx, was, now string) ([]Message, error) {
	if !s.cfg.HasGroup || strings.EqualFold(was, now) {
		return nil, nil
	}
	svc := s.cfg.Service
	i := slices.IndexFunc(svc.Municipalities, func(m polku.Municipality) bool { return strings.EqualFold(m.ID, now) })
	if i < 0 {
		return nil, nil
	}
	c, ok, err := familyCase(ctx, tx)
	if !ok || err != nil {
		return nil, err
	}
	if g := svc.GroupOf(svc.Municipalities[i].ID); c.Status == polku.CaseClosed || g == 0 || g == c.Group {
		// A closed case opens again in the family's municipality's
		// group by itself (regroup).
		return nil, nil
	}
	name := svc.Municipalities[i].Name.In(s.cfg.lang())
	line, label := L("coord.resettled", map[string]any{"Municipality": name}), L("case.button.move_to", map[string]any{"Municipality": name})
	if !c.Shared {
		line, label = L("coord.resettled_unshared", nil), L("case.button.move_theirs", nil)
	}
	at := strconv.FormatInt(s.cfg.Now().Unix(), 36)
	return []Message{{To: Topic, Case: c.ID, Lines: []Line{line},
		Buttons: [][]Button{{{Label: label, Data: CasePayload("moveto", c.ID, strconv.Itoa(i), at)}}}}}, nil
}

// resettledButton moves case c as the button of Resettled's line says
// (args: the municipality's index and the answer's time, base 36), unless
// the case was closed or moved by hand since, or the family has changed
// its municipality again: then the line's button goes, and the presser is
// told why.
func (s *Coordinators) resettledButton(ctx context.Context, tx Tx, in Input, args []string, c polku.Case) ([]Message, Line, error) {
	svc := s.cfg.Service
	i, err := strconv.Atoi(args[0])
	at, err2 := strconv.ParseInt(args[1], 36, 64)
	if err != nil || err2 != nil || i < 0 || i >= len(svc.Municipalities) {
		return nil, L("input.unknown_button", nil), nil
	}
	to := svc.Municipalities[i]
	done := []Message{{To: Pressed, Case: c.ID}}
	switch {
	case c.Status == polku.CaseClosed:
		return done, L("coord.already_closed", nil), nil
	case c.Moved.Truncate(time.Second).After(time.Unix(at, 0)), !slices.Contains(s.targets(c), i):
		return done, L("coord.moved_since", nil), nil
	}
	m, err := tx.ProfileMunicipality(ctx, c.ChatID)
	if err != nil {
		return nil, Line{}, err
	}
	if !strings.EqualFold(m, to.ID) {
		return done, L("coord.answer_changed", nil), nil
	}
	return s.move(ctx, tx, in, c, to)
}
