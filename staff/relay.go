package staff

import (
	"context"
	"slices"
	"sort"
	"strings"

	"polku/flows"
)

// Relay sends what a coordinator wrote in a case's topic to the family,
// from the bot, with the coordinator's first name when configured.
// Commands and notes never go; what is written outside a case's topic
// goes nowhere.
func (s *Coordinators) Relay(ctx context.Context, tx Tx, in Input) ([]Message, error) {
	c, ok, err := caseOf(ctx, tx, in)
	if !ok || err != nil {
		return nil, err
	}
	fam, err := tx.FamilyChat(ctx, c.ChatID)
	if err != nil {
		return nil, err
	}
	if fam.Blocked {
		return []Message{say(L("coord.blocked", nil))}, nil
	}
	from := L("relay.from", nil)
	if s.cfg.ShowNames && in.Name != "" {
		from = L("relay.from_named", map[string]any{"Name": in.Name})
	}
	var keys [][]Button
	if !fam.Talk {
		keys = [][]Button{{{Label: L("relay.reply", nil), Data: flows.AnswerPayload()}}}
	}
	to := func(m Message) Message {
		m.To, m.Chat, m.Lang = Family, c.ChatID, fam.Lang
		return m
	}
	var ms []Message
	kind := "text"
	switch {
	case in.Text != "":
		ms = append(ms, to(Message{Lines: []Line{from, Raw(in.Text)}, Buttons: keys}))
	case slices.Contains([]string{"photo", "video", "document", "voice", "audio"}, in.Media):
		kind = in.Media
		caption := []Line{from}
		if in.Caption != "" {
			caption = append(caption, Raw(in.Caption))
		}
		ms = append(ms, to(Message{Kind: Copy, From: in.Chat, Copied: in.Message, Caption: true, Lines: caption, Buttons: keys}))
	case in.Media != "" && in.Media != "other":
		// Stickers, round videos, places and contacts carry no caption:
		// who sent them comes first.
		kind = in.Media
		ms = append(ms, to(Message{Lines: []Line{from}}), to(Message{Kind: Copy, From: in.Chat, Copied: in.Message, Buttons: keys}))
	default:
		return []Message{say(L("coord.cannot_relay", nil))}, nil
	}
	if err := tx.Answered(ctx, c, s.cfg.hours(c.Municipality)); err != nil {
		return nil, err
	}
	return ms, tx.Audit(ctx, in.User, "message", c.ID, kind)
}

// template is /t NAME: a reply template sent to the case's family in its
// language (else the group's, else the first the template has of the
// bot's languages); /t alone lists the templates.
func (s *Coordinators) template(ctx context.Context, tx Tx, in Input) ([]Message, error) {
	var all map[string]map[string]string
	if s.cfg.Templates != nil {
		all = s.cfg.Templates()
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	name := strings.ToLower(in.Arg)
	t, ok := all[name]
	if !ok {
		var list any = L("coord.templates_none", nil).Text
		if len(names) > 0 {
			list = "/t " + strings.Join(names, "\n/t ")
		}
		return []Message{say(L("coord.templates", map[string]any{"List": list}))}, nil
	}
	c, ok, err := caseOf(ctx, tx, in)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []Message{say(L("coord.not_in_case", nil))}, nil
	}
	fam, err := tx.FamilyChat(ctx, c.ChatID)
	if err != nil {
		return nil, err
	}
	lang := fam.Lang
	text, ok := t[lang]
	for _, l := range s.cfg.Languages {
		if ok {
			break
		}
		lang = l
		text, ok = t[l]
	}
	if !ok {
		return []Message{say(L("coord.templates_none", nil))}, nil
	}
	typed := in
	typed.Text, typed.Media, typed.Caption = text, "", ""
	ms, err := s.Relay(ctx, tx, typed)
	if err != nil {
		return nil, err
	}
	ms = append(ms, say(L("coord.template_sent", map[string]any{"Name": name, "Lang": lang})))
	return ms, tx.Audit(ctx, in.User, "template", c.ID, name)
}
