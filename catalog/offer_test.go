package catalog

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// An activity is held against what the service offers: a municipality
// the bot does not offer is a problem naming the ones it does, one
// written in other case gets the offered spelling, and a session that is
// over is imported with a warning.
func TestOfferRead(t *testing.T) {
	offer := Offer{Municipalities: []string{"Kuusamo", "Kalajoki"}, Now: time.Date(2026, 11, 22, 11, 0, 0, 0, helsinki)}

	acts, warnings, err := offer.Read("x.csv", strings.NewReader(header+line("municipality", "kuusamo")+line("id", "a2", "municipality", " KALAJOKI")), helsinki, LEOptions{})
	if err != nil || len(warnings) > 0 {
		t.Fatalf("lower case: %v, %v", err, warnings)
	}
	if got := []string{acts[0].Municipality, acts[1].Municipality}; !reflect.DeepEqual(got, []string{"Kuusamo", "Kalajoki"}) {
		t.Errorf("municipalities %q, want the offered spelling", got)
	}

	_, _, err = offer.Read("x.csv", strings.NewReader(header+good+line("id", "a2", "municipality", "Muonio")), helsinki, LEOptions{})
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 {
		t.Fatalf("Muonio: %v", err)
	}
	want := Problem{Line: 3, Column: "municipality", Code: CodeUnknownMunicipality, Value: "Muonio", Want: "Kuusamo, Kalajoki"}
	if p := ps[0]; p.Line != want.Line || p.Column != want.Column || p.Code != want.Code || p.Value != want.Value || p.Want != want.Want {
		t.Errorf("got %+v, want %+v", p, want)
	}

	// A past one-off session, a weekly row that started in the past, and
	// a cancelled past session (nobody need hear of it).
	in := header + line("date", "12.12.2020") +
		line("id", "a2", "date", "2026-10-26", "repeat_until", "2026-12-14") +
		line("id", "a3", "date", "2026-11-02", "status", "cancelled") + good
	acts, warnings, err = offer.Read("x.csv", strings.NewReader(in), helsinki, LEOptions{})
	if err != nil || len(acts) != 3 {
		t.Fatalf("past sessions: %d activities, %v", len(acts), err)
	}
	var got []string
	for _, w := range warnings {
		got = append(got, w.String()+" "+w.Value)
	}
	wantW := []string{
		"line 2, column date: past (session over: 2020-12-12) 2020-12-12",
		"line 3, column date: past (sessions over: 2026-10-26, 2026-11-02, 2026-11-09, …) 2026-10-26, 2026-11-02, 2026-11-09, …",
	}
	if !reflect.DeepEqual(got, wantW) {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantW, "\n"))
	}

	// Without an offer nothing is checked, as ReadCSV.
	if _, warnings, err := (Offer{}).Read("x.csv", strings.NewReader(header+line("municipality", "Muonio", "date", "2020-12-12")), helsinki, LEOptions{}); err != nil || len(warnings) > 0 {
		t.Errorf("no offer: %v, %v", err, warnings)
	}
}

// A Linked Events import is held against the offer by activity ID.
func TestOfferCheck(t *testing.T) {
	acts, err := ReadCSV(strings.NewReader(header+line("municipality", "Muonio")), helsinki)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Offer{Municipalities: []string{"Kuusamo"}}.Check(acts)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Column != "a1" || ps[0].Code != CodeUnknownMunicipality {
		t.Errorf("got %v", err)
	}
}
