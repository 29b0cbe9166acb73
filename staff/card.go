package staff

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"polku"
	"polku/flows"
)

// CardTerms are the terms of a wellbeing card: the days it is valid from
// today and its free visits (0 for unlimited).
type CardTerms struct {
	Days, Visits int
}

// visits words a card's number of free visits for the coordinators.
func visits(n int) any {
	if n == 0 {
		return flows.T("coord.visits_unlimited")
	}
	return strconv.Itoa(n)
}

// cardButton handles the card's buttons of case c: the card menu, issuing
// on the service's terms, revoking.
func (s *Coordinators) cardButton(ctx context.Context, tx Tx, in Input, action string, c polku.Case, keys func([][]Button) Message) ([]Message, Line, error) {
	switch action {
	case "card":
		rows := [][]Button{{{Label: L("case.button.issue", map[string]any{"Days": s.cfg.card(c.Municipality).Days, "Visits": visits(s.cfg.card(c.Municipality).Visits)}), Data: CasePayload("issue", c.ID)}}}
		if card, err := tx.ChatCard(ctx, c.ChatID); err == nil && !card.Revoked {
			rows = append(rows, []Button{{Label: L("case.button.revoke", nil), Data: CasePayload("revoke", c.ID)}})
		}
		rows = append(rows, []Button{{Label: L("case.button.cancel", nil), Data: CasePayload("keys", c.ID)}})
		return []Message{keys(rows)}, L("coord.card_hint", nil), nil
	case "issue":
		ms, err := s.issueCard(ctx, tx, in, c, s.cfg.card(c.Municipality))
		if err != nil {
			return nil, Line{}, err
		}
		return append(ms, keys(CaseKeys(c))), L("coord.card_issued_you", nil), nil
	case "revoke":
		ms, err := s.revokeCard(ctx, tx, in, c)
		if err != nil {
			return nil, Line{}, err
		}
		return append(ms, keys(CaseKeys(c))), Line{}, nil
	}
	return nil, L("input.unknown_button", nil), nil
}

// issueCard gives the case's family a wellbeing card and sends it to them.
func (s *Coordinators) issueCard(ctx context.Context, tx Tx, in Input, c polku.Case, terms CardTerms) ([]Message, error) {
	card, err := tx.IssueCard(ctx, c, in.User, terms)
	if err != nil {
		return nil, err
	}
	if err := tx.Count(ctx, "card_issued", c.Municipality); err != nil {
		return nil, err
	}
	ms := []Message{{To: Topic, Case: c.ID, Lines: []Line{L("coord.card_issued", map[string]any{
		"Name": in.Name, "Code": polku.FormatCardCode(card.Code),
		"Until": flows.When{Start: card.ValidUntil, Day: true}, "Visits": visits(card.Visits),
	})}}}
	fam, err := tx.FamilyChat(ctx, c.ChatID)
	if err != nil {
		return nil, err
	}
	if !fam.Blocked {
		ms = append(ms, Message{To: Family, Chat: c.ChatID, Lang: fam.Lang, Card: &card, Lines: []Line{L("card.issued", nil)}})
	}
	return ms, tx.Audit(ctx, in.User, "card_issue", c.ID, fmt.Sprintf("%d days, %d visits", terms.Days, terms.Visits))
}

// revokeCard revokes the case family's card and tells the family.
func (s *Coordinators) revokeCard(ctx context.Context, tx Tx, in Input, c polku.Case) ([]Message, error) {
	_, err := tx.RevokeCard(ctx, c.ChatID, in.User)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return []Message{{To: Topic, Case: c.ID, Lines: []Line{L("coord.no_card", nil)}}}, nil
	}
	if err != nil {
		return nil, err
	}
	ms := []Message{{To: Topic, Case: c.ID, Lines: []Line{L("coord.card_revoked", map[string]any{"Name": in.Name})}}}
	fam, err := tx.FamilyChat(ctx, c.ChatID)
	if err != nil {
		return nil, err
	}
	if !fam.Blocked {
		ms = append(ms, Message{To: Family, Chat: c.ChatID, Lang: fam.Lang, Lines: []Line{L("card.revoked_notice", nil)}})
	}
	return ms, tx.Audit(ctx, in.User, "card_revoke", c.ID, "")
}

// cardCommand is /card in a case's topic: the card's state, "/card DAYS
// [VISITS]" to issue one on other terms, "/card revoke".
func (s *Coordinators) cardCommand(ctx context.Context, tx Tx, in Input, c polku.Case) ([]Message, error) {
	fields := strings.Fields(in.Arg)
	switch {
	case len(fields) == 0:
		card, err := tx.ChatCard(ctx, c.ChatID)
		if polku.ErrorCode(err) == polku.ENOTFOUND {
			return []Message{say(L("coord.no_card", nil))}, nil
		}
		if err != nil {
			return nil, err
		}
		left, limited := card.Left()
		v := visits(0)
		if limited {
			v = fmt.Sprintf("%d/%d", left, card.Visits)
		}
		return []Message{say(L("coord.card_state", map[string]any{
			"Code": polku.FormatCardCode(card.Code), "State": flows.T("coord.card_state." + string(card.State(s.cfg.Now()))),
			"Until": flows.When{Start: card.ValidUntil, Day: true}, "Visits": v,
		}))}, nil
	case fields[0] == "revoke":
		return s.revokeCard(ctx, tx, in, c)
	}
	days, err1 := strconv.Atoi(fields[0])
	n, err2 := 0, error(nil)
	if len(fields) > 1 {
		n, err2 = strconv.Atoi(fields[1])
	}
	if err1 != nil || err2 != nil || len(fields) > 2 || days < 1 || days > 3660 || n < 0 || n > 1000 {
		return []Message{say(L("coord.card_usage", nil))}, nil
	}
	return s.issueCard(ctx, tx, in, c, CardTerms{Days: days, Visits: n})
}
