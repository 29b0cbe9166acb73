package bot

import (
	"context"

	"polku/flows"
	"polku/staff"
	"polku/store"
)

// Activity providers in their private chat with the bot: staff decides
// (see staff.Providers); this is the update read for it and its answer
// rendered.

// provider handles a provider's update. It reports whether the update was
// one (handled); the family flows get every other update.
func (b *Bot) provider(ctx context.Context, tx *store.Tx, chat int64, conv flows.Conversation, x incoming) (*out, bool, error) {
	in := staff.Input{User: x.from, Pressed: x.in.MessageID, Lang: conv.Lang}
	switch x.in.Kind {
	case flows.KindCommand:
		in.Command, in.Arg = x.in.Command, x.in.Text
	case flows.KindButton:
		in.Data = x.in.Payload
	default:
		return nil, false, nil
	}
	if x.user != nil {
		in.Name = x.user.FirstName
	}
	ms, toast, handled, err := b.providers.Handle(ctx, tx, in)
	if !handled || err != nil {
		return nil, handled, err
	}
	lang := conv.Lang
	var outs []store.Out
	for _, m := range ms {
		o := out{Method: "send", ChatID: chat, Text: b.lines(lang, m.Lines), Inline: b.keys(lang, m.Buttons)}
		if m.Edit != 0 {
			o.Method, o.MessageID = "edit", m.Edit
		}
		outs = append(outs, store.Out{ChatID: chat, Priority: store.PriorityReply, Payload: encode(o)})
	}
	var answer *out
	if x.callback != "" {
		answer = &out{Method: "answer", ChatID: chat, Callback: x.callback, Text: b.line(lang, toast)}
	}
	return answer, true, tx.Finish(ctx, outs)
}
