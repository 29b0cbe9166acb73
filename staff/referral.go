package staff

import (
	"context"
	"strings"
)

// Poster is a referral code's poster to print: its organisation's name,
// the link its QR code opens, and the file's name.
type Poster struct {
	Title, Link, FileName string
}

// refCommand is "/ref add NAME" (a referral code with its link and a QR
// poster to print) and "/ref list" (counts only).
func (s *Coordinators) refCommand(ctx context.Context, tx Tx, in Input) ([]Message, error) {
	sub, rest, _ := strings.Cut(in.Arg, " ")
	rest = strings.TrimSpace(rest)
	switch {
	case sub == "add" && rest != "":
		if len([]rune(rest)) > 100 {
			return []Message{say(L("coord.ref_usage", nil))}, nil
		}
		code, err := tx.AddReferral(ctx, rest, in.User)
		if err != nil {
			return nil, err
		}
		link, err := s.cfg.Link(ctx, code)
		if err != nil {
			return nil, err
		}
		m := say(L("coord.ref_added", map[string]any{"Name": rest, "Link": link}))
		m.Poster = &Poster{Title: rest, Link: link, FileName: "polku-" + code + ".png"}
		return []Message{m}, tx.Audit(ctx, in.User, "ref_add", 0, code)
	case sub == "list":
		refs, err := tx.Referrals(ctx)
		if err != nil {
			return nil, err
		}
		if len(refs) == 0 {
			return []Message{say(L("coord.refs_none", nil))}, nil
		}
		m := say(L("coord.refs", nil))
		for _, r := range refs {
			m.Lines = append(m.Lines, L("coord.ref_line", map[string]any{"Name": r.Organisation, "Code": r.Code, "Started": r.Started, "Finished": r.Finished}))
		}
		return []Message{m}, tx.Audit(ctx, in.User, "ref_list", 0, "")
	}
	return []Message{say(L("coord.ref_usage", nil))}, nil
}
