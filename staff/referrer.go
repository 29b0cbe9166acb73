package staff

import (
	"context"
	"strconv"

	"polku"
)

// A referrer is a professional's organisation (a school, a clinic, a
// parish): it gives families its referral codes' links and may see how
// many families started from them and how many finished the questions,
// nothing else. /codes in its private chat with the bot shows them, each
// small count hidden as the report hides it; every other staff command
// of a referrer is refused, and audited.

// CodeCount is a referral code with its counts as they may be shown:
// families who started from it and who finished the questions.
type CodeCount struct {
	Code              string
	Started, Finished Figure
}

// Figure is a count protected as the report protects its figures: N when
// Shown; else Small (1 to polku.MinSegment-1, "< 5"), or hidden so that
// another hidden count cannot be worked out from it ("•").
type Figure struct {
	N            int
	Shown, Small bool
}

// figureText is a protected count as a line.
func figureText(f Figure) Line {
	switch {
	case f.Shown:
		return Raw(strconv.Itoa(f.N))
	case f.Small:
		return L("campaign.hidden", map[string]any{"Min": polku.MinSegment})
	}
	return Raw("•")
}

// CodesTx is what /codes needs of the store.
type CodesTx interface {
	// Codes are an organisation's referral codes with their counts,
	// protected as the report protects its figures.
	Codes(ctx context.Context, organisation string) ([]CodeCount, error)
	AuditIn(ctx context.Context, who int64, action string, sc polku.Scope, detail string) error
}

// Codes answers /codes of in.User, who holds r: the codes of each
// organisation it is a referrer of, with their links and counts.
func (gr *Grants) Codes(ctx context.Context, tx CodesTx, in Input, r Roles) ([]Message, error) {
	orgs := r.Scopes(polku.RoleReferrer)
	if len(orgs) == 0 {
		return []Message{say(L("referrer.not_referrer", nil))}, tx.AuditIn(ctx, in.User, "codes_refused", polku.Scope{}, "")
	}
	var ms []Message
	for _, org := range orgs {
		codes, err := tx.Codes(ctx, org.ID)
		if err != nil {
			return nil, err
		}
		m := say(L("referrer.codes", map[string]any{"Organisation": org.ID}))
		if len(codes) == 0 {
			m.Lines = append(m.Lines, L("referrer.codes_none", nil))
		}
		for _, c := range codes {
			link, err := gr.cfg.Link(ctx, c.Code)
			if err != nil {
				return nil, err
			}
			m.Lines = append(m.Lines, blank, L("referrer.code_line", map[string]any{
				"Code": c.Code, "Link": link, "Started": figureText(c.Started), "Finished": figureText(c.Finished)}))
		}
		m.Lines = append(m.Lines, blank, L("referrer.codes_note", map[string]any{"Min": polku.MinSegment, "Below": polku.MinSegment - 1}))
		ms = append(ms, m)
		if err := tx.AuditIn(ctx, in.User, "codes", org, strconv.Itoa(len(codes))); err != nil {
			return nil, err
		}
	}
	return ms, nil
}

// RefuseReferrer answers a staff command (in.Command) of someone who is
// a referrer only: it may see its codes' counts, nothing else.
func (gr *Grants) RefuseReferrer(ctx context.Context, tx CodesTx, in Input) ([]Message, error) {
	return []Message{say(L("referrer.only_codes", nil))}, tx.AuditIn(ctx, in.User, in.Command+"_refused", polku.Scope{}, "referrer")
}
