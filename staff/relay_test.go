package staff_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"polku/staff"
	"polku/store"
)

func TestRelay(t *testing.T) {
	clock := func() time.Time { return start }
	db := newDB(t, clock)
	templates := map[string]map[string]string{"hello": {"en": "Hello", "sv": "Hej"}, "bye": {"uk": "Бувай"}}
	s := staff.NewCoordinators(staff.Config{Now: clock, ShowNames: true, Languages: []string{"sv", "fi", "en"},
		Templates: func() map[string]map[string]string { return templates }})
	const thread = 99
	openCase(t, db, store.CaseRequest{}, thread)
	from := staff.L("relay.from_named", map[string]any{"Name": "Aino"})
	// The family is not talking to a person now: its answer button.
	reply := [][]staff.Button{{{Label: staff.L("relay.reply", nil), Data: "T:on"}}}
	fam := staff.Message{To: staff.Family, Chat: family}
	with := func(m staff.Message, f func(*staff.Message)) staff.Message { f(&m); return m }
	here := func(l staff.Line) staff.Message { return staff.Message{To: staff.Here, Lines: []staff.Line{l}} }

	relay := func(in staff.Input) []staff.Message {
		var ms []staff.Message
		in.User, in.Name, in.Chat, in.Message = aino, "Aino", group, 5
		apply(t, db, group, func(ctx context.Context, stx *store.Tx) error {
			var err error
			ms, err = s.Relay(ctx, tx{stx}, in)
			return err
		})
		return ms
	}
	for _, tc := range []struct {
		name string
		in   staff.Input
		want []staff.Message
	}{
		{"general", staff.Input{Text: "hello"}, nil},
		{"text", staff.Input{Thread: thread, Text: "Hi!"}, []staff.Message{with(fam, func(m *staff.Message) {
			m.Lines, m.Buttons = []staff.Line{from, staff.Raw("Hi!")}, reply
		})}},
		{"photo", staff.Input{Thread: thread, Media: "photo", Caption: "look"}, []staff.Message{with(fam, func(m *staff.Message) {
			m.Kind, m.From, m.Copied, m.Caption, m.Lines, m.Buttons = staff.Copy, group, 5, true, []staff.Line{from, staff.Raw("look")}, reply
		})}},
		{"sticker", staff.Input{Thread: thread, Media: "sticker"}, []staff.Message{
			with(fam, func(m *staff.Message) { m.Lines = []staff.Line{from} }),
			with(fam, func(m *staff.Message) { m.Kind, m.From, m.Copied, m.Buttons = staff.Copy, group, 5, reply }),
		}},
		{"other", staff.Input{Thread: thread, Media: "other"}, []staff.Message{here(staff.L("coord.cannot_relay", nil))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := relay(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}

	// /t: the family has no language yet: the group's (sv) comes first.
	got := command(t, db, s, thread, "t", "HELLO")
	want := []staff.Message{
		with(fam, func(m *staff.Message) { m.Lines, m.Buttons = []staff.Line{from, staff.Raw("Hej")}, reply }),
		here(staff.L("coord.template_sent", map[string]any{"Name": "hello", "Lang": "sv"})),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("/t hello: got  %+v\nwant %+v", got, want)
	}
	if got, want := command(t, db, s, thread, "t", "bye"), []staff.Message{here(staff.L("coord.templates_none", nil))}; !reflect.DeepEqual(got, want) {
		t.Errorf("/t bye: got %+v, want %+v", got, want)
	}
	if got, want := command(t, db, s, 0, "t", "hello"), []staff.Message{here(staff.L("coord.not_in_case", nil))}; !reflect.DeepEqual(got, want) {
		t.Errorf("/t outside a case: got %+v, want %+v", got, want)
	}
	got = command(t, db, s, 0, "t", "")
	if want := []staff.Message{here(staff.L("coord.templates", map[string]any{"List": "/t bye\n/t hello"}))}; !reflect.DeepEqual(got, want) {
		t.Errorf("/t: got %+v, want %+v", got, want)
	}
}
