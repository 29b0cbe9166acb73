package staff

import (
	"context"
	"strconv"
	"strings"

	"polku/flows"

	"polku"
)

// showHeld is how many of a family's held messages one press of the
// notice's button brings in.
const showHeld = 20

// CasePayload is the data of a case's button, "C:<action>:<case>[:<arg>]":
// every case button is built here and read by Button, the one grammar of
// the coordinators' buttons (the families' is flows' payload.go).
func CasePayload(action string, caseID int64, arg ...string) string {
	return strings.Join(append([]string{"C", action, strconv.FormatInt(caseID, 10)}, arg...), ":")
}

// CaseKeys are the buttons of a case's summary.
func CaseKeys(c polku.Case) [][]Button {
	card := Button{Label: L("case.button.card", nil), Data: CasePayload("card", c.ID)}
	if c.Status == polku.CaseClosed {
		return [][]Button{{card}}
	}
	claim := Button{Label: L("case.button.claim", nil), Data: CasePayload("claim", c.ID)}
	if c.ClaimedBy != 0 {
		claim = Button{Label: L("case.button.release", map[string]any{"Name": c.ClaimedName}), Data: CasePayload("release", c.ID)}
	}
	return [][]Button{{claim}, {card, {Label: L("case.button.close", nil), Data: CasePayload("close", c.ID)}}}
}

// Button handles a press on a case's buttons ("C:action:case[:arg]") and
// returns the messages it makes and the notice for the presser.
func (s *Coordinators) Button(ctx context.Context, tx Tx, in Input) ([]Message, Line, error) {
	unknown := L("input.unknown_button", nil)
	parts := strings.Split(in.Data, ":")
	if len(parts) < 3 || parts[0] != "C" {
		return nil, unknown, nil
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id <= 0 {
		return nil, unknown, nil
	}
	c, err := tx.Case(ctx, id)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return nil, L("coord.case_gone", nil), nil
	}
	if err != nil {
		return nil, Line{}, err
	}
	if err := tx.SeeCoordinator(ctx, in.User, in.Name); err != nil {
		return nil, Line{}, err
	}
	// keys are the buttons of the case's summary: the case's own, in its
	// lane.
	keys := func(rows [][]Button) Message { return Message{To: Pressed, Case: c.ID, Buttons: rows} }
	topic := func(l Line) Message { return Message{To: Topic, Case: c.ID, Lines: []Line{l}} }
	none := Line{}
	switch action := parts[1]; action {
	case "claim":
		if c.Status == polku.CaseClosed {
			return []Message{keys(CaseKeys(c))}, L("coord.already_closed", nil), nil
		}
		got, err := tx.Claim(ctx, c.ID, in.User, in.Name)
		if polku.ErrorCode(err) == polku.ECONFLICT {
			return nil, L("coord.claimed_by", map[string]any{"Name": got.ClaimedName}), nil
		}
		if err != nil {
			return nil, none, err
		}
		if c.ClaimedBy == in.User {
			return nil, L("coord.yours", nil), nil
		}
		return []Message{keys(CaseKeys(got)), topic(L("coord.claimed", map[string]any{"Name": in.Name}))},
			L("coord.claimed_you", nil), tx.Audit(ctx, in.User, "claim", c.ID, "")
	case "release":
		if c.ClaimedBy == 0 {
			return []Message{keys(CaseKeys(c))}, L("coord.not_claimed", nil), nil
		}
		got, err := tx.Release(ctx, c.ID)
		if err != nil {
			return nil, none, err
		}
		return []Message{keys(CaseKeys(got)), topic(L("coord.released", map[string]any{"Name": in.Name}))},
			none, tx.Audit(ctx, in.User, "release", c.ID, "")
	case "keys":
		return []Message{keys(CaseKeys(c))}, none, nil
	case "held":
		// The family's held messages, into the topic in order; a notice
		// again if more are left.
		msgs, left, err := tx.Unhold(ctx, c.ID, showHeld)
		if err != nil {
			return nil, none, err
		}
		if len(msgs) == 0 {
			return []Message{keys(nil)}, L("coord.held_none", nil), nil
		}
		ms := []Message{keys(nil)}
		for _, m := range msgs {
			ms = append(ms, Message{To: Topic, Kind: Copy, Case: c.ID, From: c.ChatID, Copied: m})
		}
		if left > 0 {
			ms = append(ms, Message{To: Topic, Kind: Held, Case: c.ID})
		}
		return ms, L("coord.held_shown", nil), tx.Audit(ctx, in.User, "show_held", c.ID, strconv.Itoa(len(msgs)))
	case "close":
		if c.Status == polku.CaseClosed {
			return []Message{keys(CaseKeys(c))}, L("coord.already_closed", nil), nil
		}
		var rows [][]Button
		for _, o := range polku.Outcomes {
			rows = append(rows, []Button{{Label: L("outcome."+string(o), nil), Data: CasePayload("out", c.ID, string(o))}})
		}
		if len(s.targets(c)) > 0 {
			rows = append(rows, []Button{{Label: L("case.button.move", nil), Data: CasePayload("move", c.ID)}})
		}
		rows = append(rows, []Button{{Label: L("case.button.cancel", nil), Data: CasePayload("keys", c.ID)}})
		return []Message{keys(rows)}, L("coord.choose_outcome", nil), nil
	case "move", "mover", "moveto":
		return s.moveButton(ctx, tx, in, action, parts[3:], c, keys)
	case "out":
		outcome := polku.Outcome(arg(parts, 3))
		got, err := tx.CloseCase(ctx, c.ID, outcome)
		switch polku.ErrorCode(err) {
		case "":
		case polku.ECONFLICT:
			return []Message{keys(CaseKeys(c))}, L("coord.already_closed", nil), nil
		case polku.EINVALID:
			return nil, unknown, nil
		default:
			return nil, none, err
		}
		if err := tx.Count(ctx, "case_closed_"+string(outcome), ""); err != nil {
			return nil, none, err
		}
		if err := tx.CountCase(ctx, "closed_"+string(outcome), got.Municipality); err != nil {
			return nil, none, err
		}
		ms := []Message{
			keys(CaseKeys(got)),
			topic(L("coord.closed", map[string]any{"Name": in.Name, "Outcome": L("outcome."+string(outcome), nil).Text})),
			{To: Topic, Kind: CloseTopic, Case: c.ID},
		}
		if c.Urgent {
			// Closing ends the urgency: the 🆘 leaves the title.
			ms = append(ms, Message{To: Topic, Kind: Retitle, Case: c.ID, Lines: []Line{Raw(TopicTitle(got))}})
		}
		fam, err := tx.FamilyChat(ctx, c.ChatID)
		if err != nil {
			return nil, none, err
		}
		if !fam.Blocked {
			ms = append(ms, feedbackQuestion(fam.Lang, c))
		}
		return ms, L("coord.closed_you", nil), tx.Audit(ctx, in.User, "close", c.ID, string(outcome))
	}
	return s.cardButton(ctx, tx, in, parts[1], c, keys)
}

func arg(parts []string, i int) string {
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

// feedbackQuestion asks the family, after its case was closed, how it
// went: after anything more pressing.
func feedbackQuestion(lang string, c polku.Case) Message {
	row := make([]Button, 5)
	for i := range row {
		row[i] = Button{Label: L("feedback.value", map[string]any{"Value": i + 1}), Data: flows.FeedbackPayload(c.ID, i+1)}
	}
	return Message{To: Family, Chat: c.ChatID, Lang: lang, Later: true, Lines: []Line{L("feedback.question", nil)}, Buttons: [][]Button{row}}
}
