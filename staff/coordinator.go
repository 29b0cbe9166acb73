package staff

import (
	"context"
	"strconv"

	"polku"
	"polku/flows"
)

// Command handles a command of a coordinator in the group: in a case's
// topic or in the General topic.
func (s *Coordinators) Command(ctx context.Context, tx Tx, in Input) ([]Message, error) {
	inCase := func(fn func(c polku.Case) ([]Message, error)) ([]Message, error) {
		c, ok, err := caseOf(ctx, tx, in)
		if err != nil {
			return nil, err
		}
		if !ok {
			return []Message{say(L("coord.not_in_case", nil))}, nil
		}
		ms, err := fn(c)
		return ofCase(ms, c), err
	}
	switch in.Command {
	case "help", "start":
		return []Message{say(L("coord.help", nil))}, nil
	case "cases":
		return s.cases(ctx, tx, in)
	case "duty":
		on := in.Arg != "off"
		if err := tx.SetDuty(ctx, in.User, on); err != nil {
			return nil, err
		}
		id := "coord.duty_on"
		if !on {
			id = "coord.duty_off"
		}
		return []Message{say(L(id, map[string]any{"Name": in.Name}))}, tx.Audit(ctx, in.User, "duty", 0, strconv.FormatBool(on))
	case "note":
		return inCase(func(c polku.Case) ([]Message, error) {
			if in.Arg == "" {
				return []Message{say(L("coord.note_empty", nil))}, nil
			}
			if err := tx.AddNote(ctx, c.ID, in.User, in.Arg); err != nil {
				return nil, err
			}
			return []Message{say(L("coord.noted", nil))}, tx.Audit(ctx, in.User, "note", c.ID, "")
		})
	case "answers":
		return inCase(func(c polku.Case) ([]Message, error) {
			a, ok, err := tx.FamilyOf(ctx, c)
			if err != nil {
				return nil, err
			}
			m := say(L("case.not_shared", nil))
			if ok {
				m = say(L("case.shared", nil), blank, Line{Text: flows.AnswersText(a)})
			}
			return []Message{m}, tx.Audit(ctx, in.User, "view_answers", c.ID, "")
		})
	case "card":
		return inCase(func(c polku.Case) ([]Message, error) { return s.cardCommand(ctx, tx, in, c) })
	case "t":
		return s.template(ctx, tx, in)
	case "provider":
		return s.providerCommand(ctx, tx, in)
	case "ref":
		return s.refCommand(ctx, tx, in)
	}
	return []Message{say(L("coord.unknown", nil))}, nil
}

// caseOf is the case of the topic a coordinator wrote in.
func caseOf(ctx context.Context, tx Tx, in Input) (polku.Case, bool, error) {
	if in.Thread == 0 {
		return polku.Case{}, false, nil
	}
	c, err := tx.CaseByThread(ctx, in.Thread)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return c, false, nil
	}
	return c, err == nil, err
}

// ofCase marks the messages among ms that are not yet a case's as case
// c's: the bot's answers in the case's topic (an answer to /answers shows
// the family's answers).
func ofCase(ms []Message, c polku.Case) []Message {
	for i := range ms {
		if ms[i].Case == 0 && ms[i].To != Family {
			ms[i].Case = c.ID
		}
	}
	return ms
}
