package catalog

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"polku"
)

// Offer is what the service offers families, which an import is held
// against: a catalogue can be right as a file and still be no use to the
// service.
type Offer struct {
	// Municipalities are the municipalities the bot offers. An activity
	// in another one is a problem, since no family would ever see it; a
	// name that differs only in case ("kuusamo") is given the offered
	// spelling. Empty means any municipality.
	Municipalities []string
	// Now is the service's clock: a session that started before it is a
	// warning (imported, but nobody can sign up for it). Zero means no
	// check.
	Now time.Time
}

// Read reads a catalogue file as catalog.Read does and holds it against
// the offer. Problems are returned as Read returns them (nothing is to be
// imported); warnings come with activities that may be imported.
func (o Offer) Read(name string, r io.Reader, loc *time.Location, opt LEOptions) (acts []polku.Activity, warnings Problems, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, nil, err
	}
	if opt.Location == nil {
		opt.Location = loc
	}
	if isLinkedEvents(name, data) {
		acts, err = Read(name, bytes.NewReader(data), loc, opt)
		if err != nil {
			return nil, nil, err
		}
		return o.Check(acts)
	}
	return readCSV(bytes.NewReader(data), loc, o)
}

// Check holds activities read by other means (Linked Events) against the
// offer: problems and warnings name the activity by its ID in Column, as
// Linked Events problems do. Municipalities are given the offered
// spelling in place.
func (o Offer) Check(acts []polku.Activity) ([]polku.Activity, Problems, error) {
	var ps, warnings Problems
	for i := range acts {
		a := &acts[i]
		if p, ok := o.municipality(a); !ok {
			p.Column = a.ExternalID
			ps = append(ps, p)
		}
		for _, p := range o.neighbours(a) {
			p.Column = a.ExternalID
			ps = append(ps, p)
		}
		for _, s := range a.Sessions {
			if w, ok := o.past(s); !ok {
				w.Column = a.ExternalID
				warnings = append(warnings, w)
			}
		}
	}
	if len(ps) > 0 {
		return nil, nil, ps.sorted()
	}
	return acts, warnings.sorted(), nil
}

// municipality gives a the offered spelling of its municipality, or says
// it is not offered.
func (o Offer) municipality(a *polku.Activity) (Problem, bool) {
	if len(o.Municipalities) == 0 || a.Municipality == "" {
		return Problem{}, true
	}
	for _, m := range o.Municipalities {
		if strings.EqualFold(strings.TrimSpace(a.Municipality), m) {
			a.Municipality = m
			return Problem{}, true
		}
	}
	return Problem{Column: "municipality", Code: CodeUnknownMunicipality,
		Detail: fmt.Sprintf("%s is not one of %s", clip(a.Municipality), strings.Join(o.Municipalities, ", ")),
		Value:  short(a.Municipality), Want: strings.Join(o.Municipalities, ", ")}, false
}

// neighbours gives a's neighbouring municipalities the offered spelling,
// leaving out its own municipality and repeats, or says which are not
// offered: a family there would never be asked to pick them, so a name
// that is not one is a typo the coordinator wants to hear about.
func (o Offer) neighbours(a *polku.Activity) Problems {
	var ps Problems
	var kept []string
	for _, n := range a.Neighbours {
		n = strings.TrimSpace(n)
		i := slices.IndexFunc(o.Municipalities, func(m string) bool { return strings.EqualFold(n, m) })
		switch {
		case i >= 0:
			n = o.Municipalities[i]
		case len(o.Municipalities) > 0:
			ps = append(ps, Problem{Column: "neighbours", Code: CodeUnknownMunicipality,
				Detail: fmt.Sprintf("neighbour %s is not one of %s", clip(n), strings.Join(o.Municipalities, ", ")),
				Value:  short(n), Want: strings.Join(o.Municipalities, ", ")})
			continue
		}
		if n == "" || strings.EqualFold(n, strings.TrimSpace(a.Municipality)) || slices.Contains(kept, n) {
			continue
		}
		kept = append(kept, n)
	}
	a.Neighbours = kept
	return ps
}

// past warns of a session that has started already. A cancelled one is
// left alone: telling families of a past cancellation helps nobody, and
// nobody is asked to sign up.
func (o Offer) past(s polku.Session) (Problem, bool) {
	if o.Now.IsZero() || s.Start.IsZero() || s.Start.After(o.Now) || s.Status == polku.StatusCancelled {
		return Problem{}, true
	}
	day := s.Start.Format(time.DateOnly)
	return Problem{Column: "date", Code: CodePast, Detail: "session over: " + day, Value: day}, false
}

// isLinkedEvents tells Linked Events JSON from CSV as Read does.
func isLinkedEvents(name string, data []byte) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".json":
		return true
	case ".csv", ".txt", ".tsv":
		return false
	}
	first := bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
	return len(first) > 0 && (first[0] == '{' || first[0] == '[')
}
