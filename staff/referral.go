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
// poster to print), "/ref add MUNICIPALITY: NAME" (the same for the
// professionals of one municipality: a family starting from it is not
// asked where it lives) and "/ref list" (counts only).
func (s *Coordinators) refCommand(ctx context.Context, tx Tx, in Input) ([]Message, error) {
	sub, rest, _ := strings.Cut(in.Arg, " ")
	rest = strings.TrimSpace(rest)
	switch {
	case sub == "add" && rest != "":
		name, municipality := rest, ""
		if before, after, ok := strings.Cut(rest, ":"); ok {
			m, found := s.municipality(strings.TrimSpace(before))
			if !found {
				return []Message{say(L("coord.ref_unknown_municipality", map[string]any{
					"Name": strings.TrimSpace(before), "Municipalities": strings.Join(s.cfg.Service.IDs(), ", ")}))}, nil
			}
			name, municipality = strings.TrimSpace(after), m
		}
		if name == "" || len([]rune(name)) > 100 {
			return []Message{say(L("coord.ref_usage", nil))}, nil
		}
		code, err := tx.AddReferral(ctx, name, municipality, in.User)
		if err != nil {
			return nil, err
		}
		link, err := s.cfg.Link(ctx, code)
		if err != nil {
			return nil, err
		}
		m := say(L("coord.ref_added", map[string]any{"Name": name, "Link": link}))
		if municipality != "" {
			m.Lines = append(m.Lines, L("coord.ref_added_in", map[string]any{"Municipality": municipality}))
		}
		m.Poster = &Poster{Title: name, Link: link, FileName: "polku-" + code + ".png"}
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
			data := map[string]any{"Name": r.Organisation, "Code": r.Code, "Started": r.Started, "Finished": r.Finished}
			id := "coord.ref_line"
			if r.Municipality != "" {
				id, data["Municipality"] = "coord.ref_line_in", r.Municipality
			}
			m.Lines = append(m.Lines, L(id, data))
		}
		return []Message{m}, tx.Audit(ctx, in.User, "ref_list", 0, "")
	}
	return []Message{say(L("coord.ref_usage", nil))}, nil
}

// municipality finds the service's municipality a coordinator wrote: by
// its ID or its name in any language, in any case.
func (s *Coordinators) municipality(written string) (string, bool) {
	if written == "" {
		return "", false
	}
	if m, ok := s.cfg.Service.Municipality(written); ok {
		return m.ID, true
	}
	for _, m := range s.cfg.Service.Municipalities {
		for _, n := range m.Name {
			if strings.EqualFold(n, written) {
				return m.ID, true
			}
		}
	}
	return "", false
}
