package catalog

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// withNeighbours is header and good with a neighbours column, quoted as
// a spreadsheet quotes a cell with commas.
func withNeighbours(cell string) string {
	return "organiser,id,title_fi,categories,municipality,neighbours,place,price,date,start,end,capacity\n" +
		"Esimerkki ry,a1,Kerho,music,Kuusamo," + cell + ",Talo,free,2026-12-03,17:00,18:00,10\n"
}

// The neighbouring municipalities are read as a list, given the offered
// spelling, left out when they repeat the activity's own, and refused when
// the service has no such municipality.
func TestNeighboursCSV(t *testing.T) {
	offer := Offer{Municipalities: []string{"Kuusamo", "Kalajoki", "Posio", "Pyhäjärvi"}}
	tests := []struct {
		cell string
		want []string
		bad  string // the problem's value, "" for none
	}{
		{`""`, nil, ""},
		{`"kalajoki, Posio"`, []string{"Kalajoki", "Posio"}, ""},
		{`Pyhäjärvi;KALAJOKI;Kalajoki`, []string{"Pyhäjärvi", "Kalajoki"}, ""},
		{`"Kuusamo, Posio"`, []string{"Posio"}, ""},
		{`"Posio, Muonio"`, nil, "Muonio"},
	}
	for _, tt := range tests {
		acts, _, err := offer.Read("x.csv", strings.NewReader(withNeighbours(tt.cell)), helsinki, LEOptions{})
		if tt.bad != "" {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Column != "neighbours" || ps[0].Code != CodeUnknownMunicipality ||
				ps[0].Value != tt.bad || ps[0].Line != 2 {
				t.Errorf("%s: got %v, want one unknown_municipality of %s on line 2", tt.cell, err, tt.bad)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.cell, err)
		}
		if got := acts[0].Neighbours; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: neighbours %q, want %q", tt.cell, got, tt.want)
		}
	}

	// Written and read back, the list stays.
	acts, _, err := offer.Read("x.csv", strings.NewReader(withNeighbours(`"Kalajoki, Posio"`)), helsinki, LEOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteCSV(&b, acts, helsinki); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCSV(strings.NewReader(b.String()), helsinki)
	if err != nil || !reflect.DeepEqual(back[0].Neighbours, []string{"Kalajoki", "Posio"}) {
		t.Errorf("read back: %v, %v", back, err)
	}
}

// Rows of one activity must agree on its neighbours.
func TestNeighboursRowsDisagree(t *testing.T) {
	in := withNeighbours("Posio") + "Esimerkki ry,a1,Kerho,music,Kuusamo,Kalajoki,Talo,free,2026-12-10,17:00,18:00,10\n"
	_, err := ReadCSV(strings.NewReader(in), helsinki)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Column != "neighbours" {
		t.Errorf("got %v, want one problem in neighbours", err)
	}
}

// Linked Events has no field for them: custom_data's "neighbours" says
// them, and the options give them to events without it; a Linked Events
// import is held against the offer as a file is.
func TestNeighboursLinkedEvents(t *testing.T) {
	event := func(custom string) string {
		return `{"id":"kuv:e1","publisher":"kuv:org","name":{"fi":"Retki"},"keywords":[{"id":"k","name":{"fi":"luonto"}}],
			"location":{"id":"p","name":{"fi":"Laavu"},"address_locality":{"fi":"Kuusamo"}},` + custom + `
			"start_time":"2027-01-16T10:00:00Z","end_time":"2027-01-16T12:00:00Z"}`
	}
	tests := []struct {
		name, custom string
		opt          []string
		want         []string
	}{
		{"none", ``, nil, nil},
		{"options", ``, []string{"Posio"}, []string{"Posio"}},
		{"custom data", `"custom_data":{"neighbours":"Kalajoki, Posio"},`, []string{"Pyhäjärvi"}, []string{"Kalajoki", "Posio"}},
		{"custom data not an object", `"custom_data":"x",`, nil, nil},
	}
	for _, tt := range tests {
		acts, err := ReadLinkedEvents(strings.NewReader(event(tt.custom)), LEOptions{Neighbours: tt.opt})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !reflect.DeepEqual(acts[0].Neighbours, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, acts[0].Neighbours, tt.want)
		}
	}
	acts, err := ReadLinkedEvents(strings.NewReader(event(`"custom_data":{"neighbours":"Muonio"},`)), LEOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Offer{Municipalities: []string{"Kuusamo", "Posio"}}.Check(acts)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Column != "kuv:e1" || ps[0].Code != CodeUnknownMunicipality {
		t.Errorf("got %v", err)
	}
}
