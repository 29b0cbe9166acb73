package flows

import "strconv"

// The places a family picks, in the intake and when browsing: the
// service's municipalities at once, or when it has regions and more
// municipalities than fit a phone screen, its regions first and then the
// chosen region's municipalities. Which region is shown travels in the
// buttons (the intake's "r:<region>[:<page>]", browsing's
// "wr:<region>[:<page>]"), so it is no state of the conversation. Every
// index a button carries is into the service's lists, and checked.

// perScreen is the most municipalities, or regions, one screen offers:
// with "somewhere else" and the last row, what a phone shows without
// scrolling.
const perScreen = 8

// regionFirst tells whether the family picks its region first.
func (e *Engine) regionFirst() bool {
	return len(e.cfg.Service.Regions) > 0 && len(e.cfg.Service.Municipalities) > perScreen
}

// inRegion are the indexes (into Service.Municipalities) of region ri's
// municipalities, in order.
func (e *Engine) inRegion(ri int) []int {
	var in []int
	id := e.cfg.Service.Regions[ri].ID
	for i, m := range e.cfg.Service.Municipalities {
		if m.Region == id {
			in = append(in, i)
		}
	}
	return in
}

// loose are the municipalities in no region the service lists: offered
// beside the regions, so that none is out of reach.
func (e *Engine) loose() []int {
	var out []int
	for i, m := range e.cfg.Service.Municipalities {
		if _, ok := e.cfg.Service.Region(m.Region); !ok {
			out = append(out, i)
		}
	}
	return out
}

// regionOf is the index of municipality mi's region, -1 for none.
func (e *Engine) regionOf(mi int) int {
	for ri, r := range e.cfg.Service.Regions {
		if r.ID == e.cfg.Service.Municipalities[mi].Region {
			return ri
		}
	}
	return -1
}

// placeArgs reads a region screen's arguments: the region's index and,
// past the first page, the page. ok is false for anything a button of
// the engine does not carry.
func (e *Engine) placeArgs(args []string) (ri, page int, ok bool) {
	if len(args) < 1 || len(args) > 2 || !e.regionFirst() {
		return 0, 0, false
	}
	ri, ok = index(args[0], len(e.cfg.Service.Regions))
	if !ok {
		return 0, 0, false
	}
	if len(args) == 2 {
		pages := (len(e.inRegion(ri)) + perScreen - 1) / perScreen
		if page, ok = index(args[1], pages); !ok || page == 0 {
			return 0, 0, false
		}
	}
	return ri, page, true
}

// index reads a non-negative index below n, written as the engine writes
// it (no sign, no leading zero).
func index(s string, n int) (int, bool) {
	if s == "" || len(s) > 4 || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	return i, err == nil && i >= 0 && i < n
}

// regionName is region ri's name in the family's language.
func (s *step) regionName(ri int) string {
	r := s.e.cfg.Service.Regions[ri]
	if n := r.Name.In(s.c.Lang); n != "" {
		return n
	}
	return r.ID
}

// placeButton is municipality mi's button, which sends pay.
func (s *step) placeButton(mi int, pay string) Button {
	id := s.e.cfg.Service.Municipalities[mi].ID
	return Button{Label: Text{ID: "municipality.name", Data: map[string]any{"Name": s.e.cfg.Service.NameOf(id, s.c.Lang)}}, Payload: pay}
}

// regionRows are the regions to pick, one a row (region ri's button
// sends region(ri)), then the municipalities in none (mi's sends
// municipality(mi)).
func (s *step) regionRows(region, municipality func(int) string) [][]Button {
	var rows [][]Button
	for ri := range s.e.cfg.Service.Regions {
		rows = append(rows, []Button{{Label: Text{ID: "municipality.region", Data: map[string]any{"Name": s.regionName(ri)}}, Payload: region(ri)}})
	}
	for _, mi := range s.e.loose() {
		rows = append(rows, []Button{s.placeButton(mi, municipality(mi))})
	}
	return rows
}

// municipalityRows are one page of region ri's municipalities, two a
// row (mi's button sends municipality(mi)), and the way to the other
// pages (page(p) shows page p).
func (s *step) municipalityRows(ri, pg int, municipality func(int) string, page func(int) string) [][]Button {
	in := s.e.inRegion(ri)
	from := pg * perScreen
	var rows [][]Button
	var row []Button
	for _, mi := range in[from:min(from+perScreen, len(in))] {
		row = append(row, s.placeButton(mi, municipality(mi)))
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	var nav []Button
	if pg > 0 {
		nav = append(nav, Button{Label: T("act.prev"), Payload: page(pg - 1)})
	}
	if from+perScreen < len(in) {
		nav = append(nav, Button{Label: T("act.more"), Payload: page(pg + 1)})
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	return rows
}

// regionData names region ri for a screen's text.
func (s *step) regionData(ri int) map[string]any {
	return map[string]any{"Region": s.regionName(ri)}
}
