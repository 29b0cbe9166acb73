package catalog

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"polku"
)

// LEOptions say how Linked Events data becomes activities.
type LEOptions struct {
	// Organiser, when set, is every activity's organiser instead of the
	// event's publisher (an organisation ID such as "ahjo:u123").
	Organiser string
	// Municipality is used for events whose location has no
	// address_locality, or is only a reference.
	Municipality string
	// Neighbours are the neighbouring municipalities welcome to every
	// event that names none of its own in custom_data (see neighbours).
	Neighbours []string
	// Keywords maps keyword IDs to categories, for keywords the built-in
	// mapping by name misses or when keywords are not embedded. A key is
	// the keyword's id ("yso:p1234") or its full @id URL.
	Keywords map[string]polku.Category
	// DefaultCapacity is a session's capacity when the event has no
	// maximum_attendee_capacity; 0 means 20.
	DefaultCapacity int
	// Location is where a date without a time of day is local; nil means
	// UTC. Times with an offset (the normal case) need none.
	Location *time.Location
}

// Limits of fetching.
const (
	// MaxPages bounds how many pages FetchLinkedEvents follows: a query
	// with more is too wide for one catalogue, and a loop of next links
	// must end.
	MaxPages = 50
	// MaxFetchSize bounds what FetchLinkedEvents reads over all pages
	// (each at most MaxFileSize), since it holds them all until the
	// events convert.
	MaxFetchSize = 32 << 20
	// defaultCapacity is the capacity of an event that tells none.
	defaultCapacity = 20
	// defaultDuration is a session's length when an event has no end.
	defaultDuration = time.Hour
	// maxRedirects is net/http's own limit, which a client with a
	// redirect policy of its own no longer has.
	maxRedirects = 10
)

// ReadLinkedEvents reads Linked Events JSON: a page of the event list
// ({"meta": ..., "data": [...]}), a single event, or an array of events.
//
// Unlike ReadCSV, the result may be partial: Linked Events is a feed the
// coordinator cannot fix, so the events that convert are returned along
// with Problems (Line 0, Column the event's id) for the events and
// sub-events left out. A document that is not Linked Events JSON at all
// returns a *polku.Error with code EINVALID.
func ReadLinkedEvents(r io.Reader, opt LEOptions) ([]polku.Activity, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, polku.Errorf(polku.EINVALID, "linked events: over %d MiB", MaxFileSize>>20)
	}
	events, _, err := decodePage(data)
	if err != nil {
		return nil, err
	}
	return convertEvents(events, opt)
}

// FetchLinkedEvents gets events from a Linked Events API URL (an event
// list filtered by publisher, place or keyword, with
// include=keywords,location,sub_events so that the names the mapping
// needs are embedded) and follows meta.next for at most MaxPages pages of
// at most MaxFileSize each, MaxFetchSize in all. What it returns is as
// for ReadLinkedEvents.
//
// It stays on the scheme, host and port of rawURL: a next link or a
// redirect elsewhere (also from https to http) is refused, since the
// query may hold an API key and the server should not make Polku fetch
// from anywhere else, such as the operator's own network. A failed
// request is a *polku.Error (EUNAVAILABLE when trying again later may
// help, EINVALID otherwise) whose message never shows a URL's query or
// credentials. A nil client means one with a minute's timeout; a given
// client keeps its timeout and transport, and is not changed.
func FetchLinkedEvents(ctx context.Context, client *http.Client, rawURL string, opt LEOptions) ([]polku.Activity, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, polku.Errorf(polku.EINVALID, "linked events: %s is not an http or https URL", redact(rawURL))
	}
	o := originOf(u)
	client = o.client(client)
	var events []json.RawMessage
	seen := map[string]bool{}
	left := MaxFetchSize
	for next := rawURL; next != ""; {
		if len(seen) == MaxPages {
			return nil, polku.Errorf(polku.EINVALID, "linked events: over %d pages; narrow the query", MaxPages)
		}
		if seen[next] {
			return nil, polku.Errorf(polku.EINVALID, "linked events: next page %s again", redact(next))
		}
		seen[next] = true
		body, err := fetch(ctx, client, next, left)
		if err != nil {
			return nil, err
		}
		left -= len(body)
		page, link, err := decodePage(body)
		if err != nil {
			return nil, err
		}
		events = append(events, page...)
		if next, err = o.resolve(next, link); err != nil {
			return nil, err
		}
	}
	return convertEvents(events, opt)
}

// fetch gets one page, at most MaxFileSize of it and at most left.
func fetch(ctx context.Context, client *http.Client, u string, left int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, polku.Errorf(polku.EINVALID, "linked events: GET %s: bad URL", redact(u))
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		var refused *polku.Error
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.As(err, &refused):
			return nil, refused // by the redirect policy
		}
		// net/http's *url.Error names the URL, query and all: only what
		// went wrong is kept.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &polku.Error{Code: polku.EUNAVAILABLE, Message: "linked events: GET " + redact(u), Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		code := polku.EINVALID
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			code = polku.EUNAVAILABLE
		}
		return nil, polku.Errorf(code, "linked events: GET %s: %s", redact(u), resp.Status)
	}
	limit := min(MaxFileSize, left)
	tooBig := func() error {
		if limit < MaxFileSize {
			return polku.Errorf(polku.EINVALID, "linked events: GET %s: the pages are over %d MiB in all; narrow the query", redact(u), MaxFetchSize>>20)
		}
		return polku.Errorf(polku.EINVALID, "linked events: GET %s: response over %d MiB", redact(u), MaxFileSize>>20)
	}
	if resp.ContentLength > int64(limit) {
		return nil, tooBig()
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	if err != nil {
		return nil, &polku.Error{Code: polku.EUNAVAILABLE, Message: "linked events: reading " + redact(u), Err: err}
	}
	if len(body) > limit {
		return nil, tooBig()
	}
	return body, nil
}

// redact keeps a URL's query out of errors and logs: it may carry an API
// key.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(bad URL)"
	}
	p.RawQuery, p.ForceQuery, p.User, p.Fragment = "", false, nil, ""
	return p.String()
}

// origin is where a fetch may go: the scheme, host and port of the URL
// given.
type origin struct{ scheme, host, port string }

var defaultPorts = map[string]string{"http": "80", "https": "443"}

func originOf(u *url.URL) origin {
	return origin{u.Scheme, strings.ToLower(u.Hostname()), cmp.Or(u.Port(), defaultPorts[u.Scheme])}
}

func (o origin) String() string {
	hostPort := net.JoinHostPort(o.host, o.port)
	if o.port == defaultPorts[o.scheme] {
		hostPort = strings.TrimSuffix(hostPort, ":"+o.port)
	}
	return o.scheme + "://" + hostPort
}

// off says why u is not on o: "" when it is.
func (o origin) off(u *url.URL) string {
	switch got := originOf(u); {
	case got == o:
		return ""
	case o.scheme == "https" && got.scheme == "http":
		return "plain http, from https"
	}
	return "not on " + o.String() + ", the URL given"
}

// client returns c (nil: one with a minute's timeout) with a redirect
// policy that stays on o. It is a copy: the caller's client keeps its
// own policy, and its timeout, transport and cookies serve the copy too.
func (o origin) client(c *http.Client) *http.Client {
	own := http.Client{Timeout: time.Minute}
	if c != nil {
		own = *c
	}
	theirs := own.CheckRedirect
	own.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if why := o.off(req.URL); why != "" {
			return polku.Errorf(polku.EINVALID, "linked events: GET %s redirects to %s, which is %s; refused",
				redact(via[len(via)-1].URL.String()), redact(req.URL.String()), why)
		}
		if theirs != nil {
			return theirs(req, via)
		}
		if len(via) >= maxRedirects {
			return polku.Errorf(polku.EINVALID, "linked events: GET %s: over %d redirects", redact(via[0].URL.String()), maxRedirects)
		}
		return nil
	}
	return &own
}

// resolve returns the next page's absolute URL ("" for none), which must
// be on o.
func (o origin) resolve(base, next string) (string, error) {
	if next == "" {
		return "", nil
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", polku.Errorf(polku.EINVALID, "linked events: bad page URL")
	}
	n, err := b.Parse(next)
	if err != nil {
		return "", polku.Errorf(polku.EINVALID, "linked events: bad next link")
	}
	if why := o.off(n); why != "" {
		return "", polku.Errorf(polku.EINVALID, "linked events: next page %s is %s; refused", redact(n.String()), why)
	}
	return n.String(), nil
}

// decodePage splits a document into its events and the next page's link.
func decodePage(data []byte) ([]json.RawMessage, string, error) {
	data = bytes.TrimPrefix(data, bom)
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var events []json.RawMessage
		if err := json.Unmarshal(data, &events); err != nil {
			return nil, "", notLinkedEvents(err)
		}
		return events, "", nil
	}
	var page struct {
		Meta *struct {
			Next *string `json:"next"`
		} `json:"meta"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(data, &page); err != nil {
		return nil, "", notLinkedEvents(err)
	}
	if page.Data == nil {
		return []json.RawMessage{json.RawMessage(data)}, "", nil // a single event
	}
	var events []json.RawMessage
	if err := json.Unmarshal(page.Data, &events); err != nil {
		return nil, "", notLinkedEvents(err)
	}
	next := ""
	if page.Meta != nil && page.Meta.Next != nil {
		next = *page.Meta.Next
	}
	return events, next, nil
}

func notLinkedEvents(err error) error {
	return &polku.Error{Code: polku.EINVALID, Message: "not Linked Events JSON", Err: err}
}

// leText is a localized Linked Events text. Some fields are sometimes a
// plain string, which is taken as Finnish.
type leText map[string]string

func (t *leText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if s != "" {
			*t = leText{"fi": s}
		}
		return nil
	}
	var m map[string]*string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*t = leText{}
	for k, v := range m {
		if v != nil && *v != "" {
			(*t)[k] = *v
		}
	}
	return nil
}

// pick returns the text in Finnish, Swedish or English, or in any
// language present.
func (t leText) pick() string {
	for _, lang := range []string{"fi", "sv", "en"} {
		if s := strings.TrimSpace(t[lang]); s != "" {
			return s
		}
	}
	return polku.Localized(t).In("fi")
}

// leRef is a reference ({"@id": url}), or an embedded object's id.
type leRef struct {
	AtID string `json:"@id"`
	ID   string `json:"id"`
}

// key is the object's short id: its id, or the last part of its @id
// (".../keyword/yso:p1235/" is "yso:p1235").
func (r leRef) key() string {
	if r.ID != "" {
		return r.ID
	}
	return lastSegment(r.AtID)
}

func lastSegment(u string) string {
	u = strings.TrimRight(u, "/")
	return u[strings.LastIndex(u, "/")+1:]
}

type leKeyword struct {
	leRef
	Name leText `json:"name"`
}

type lePlace struct {
	leRef
	Name            leText `json:"name"`
	StreetAddress   leText `json:"street_address"`
	AddressLocality leText `json:"address_locality"`
	Position        *struct {
		Coordinates []float64 `json:"coordinates"`
	} `json:"position"`
}

type leOffer struct {
	IsFree bool   `json:"is_free"`
	Price  leText `json:"price"`
}

// leEvent holds the fields of a Linked Events event that Polku uses.
type leEvent struct {
	leRef
	Name                leText            `json:"name"`
	ShortDescription    leText            `json:"short_description"`
	Description         leText            `json:"description"`
	Provider            leText            `json:"provider"`
	Publisher           string            `json:"publisher"`
	ProviderContactInfo string            `json:"provider_contact_info"`
	InfoURL             leText            `json:"info_url"`
	Keywords            []leKeyword       `json:"keywords"`
	Audience            []leKeyword       `json:"audience"`
	Location            *lePlace          `json:"location"`
	LocationExtraInfo   leText            `json:"location_extra_info"`
	Offers              []leOffer         `json:"offers"`
	InLanguage          []leRef           `json:"in_language"`
	EventStatus         string            `json:"event_status"`
	Deleted             bool              `json:"deleted"`
	SuperEventType      string            `json:"super_event_type"`
	SuperEvent          *leRef            `json:"super_event"`
	SubEvents           []json.RawMessage `json:"sub_events"`
	StartTime           string            `json:"start_time"`
	EndTime             string            `json:"end_time"`
	AudienceMinAge      *float64          `json:"audience_min_age"`
	AudienceMaxAge      *float64          `json:"audience_max_age"`
	// CustomData is Linked Events' free key-value field; Polku reads
	// "neighbours" from it.
	// Kept raw: a feed whose custom_data is not an object loses only it.
	CustomData json.RawMessage `json:"custom_data"`
	enrolment
	// Older data keeps enrolment in the course extension.
	ExtensionCourse *enrolment `json:"extension_course"`
}

type enrolment struct {
	EnrolmentStartTime      string   `json:"enrolment_start_time"`
	EnrolmentEndTime        string   `json:"enrolment_end_time"`
	MaximumAttendeeCapacity *float64 `json:"maximum_attendee_capacity"`
}

func (e *leEvent) enrol() enrolment {
	en := e.enrolment
	if c := e.ExtensionCourse; c != nil {
		en.EnrolmentStartTime = cmp.Or(en.EnrolmentStartTime, c.EnrolmentStartTime)
		en.EnrolmentEndTime = cmp.Or(en.EnrolmentEndTime, c.EnrolmentEndTime)
		if en.MaximumAttendeeCapacity == nil {
			en.MaximumAttendeeCapacity = c.MaximumAttendeeCapacity
		}
	}
	return en
}

// leImport is one conversion of a set of events.
type leImport struct {
	opt    LEOptions
	byKey  map[string]*leEvent
	ps     Problems
	events []*leEvent
}

func (in *leImport) problem(eventID, code, detail string) {
	in.ps = append(in.ps, Problem{Column: eventID, Code: code, Detail: detail})
}

// convertEvents turns decoded events into activities. Sub-events given
// as references are looked up among the events of the same import, so
// that a listing (where the sub-events are events of their own) and an
// include=sub_events fetch give the same activities.
func convertEvents(raw []json.RawMessage, opt LEOptions) ([]polku.Activity, error) {
	if opt.DefaultCapacity <= 0 {
		opt.DefaultCapacity = defaultCapacity
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	in := &leImport{opt: opt, byKey: map[string]*leEvent{}}
	for i, r := range raw {
		e, err := decodeEvent(r)
		if err != nil {
			in.problem(eventName(r, i), CodeColumns, err.Error())
			continue
		}
		if _, dup := in.byKey[e.key()]; dup {
			continue // pages overlap when the feed changes during a fetch
		}
		in.events = append(in.events, e)
		in.byKey[e.key()] = e
	}
	// Sub-events of a recurring event present in this import are its
	// sessions, not activities of their own.
	sessionOf := map[string]bool{}
	for _, e := range in.events {
		if e.SuperEventType != "recurring" {
			continue
		}
		for _, r := range e.SubEvents {
			if sub, ok := in.subEvent(r); ok {
				sessionOf[sub.key()] = true
			}
		}
	}
	var acts []polku.Activity
	for _, e := range in.events {
		switch {
		case sessionOf[e.key()]:
			continue
		case e.SuperEventType == "umbrella":
			continue // a festival's frame: its sub-events are the activities
		}
		a, ok := in.activity(e)
		if !ok {
			continue
		}
		vs := Validate(a)
		for _, p := range vs {
			in.problem(e.key(), p.Code, p.Column+": "+p.Detail)
		}
		if len(vs) == 0 {
			acts = append(acts, a)
		}
	}
	if len(in.ps) > 0 {
		return acts, in.ps.sorted()
	}
	if len(acts) == 0 {
		return nil, Problems{{Code: CodeEmpty, Detail: "no events"}}
	}
	return acts, nil
}

func decodeEvent(r json.RawMessage) (*leEvent, error) {
	var e leEvent
	if err := json.Unmarshal(r, &e); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("%s: unexpected JSON %s", te.Field, te.Value)
		}
		return nil, errors.New("not an event object")
	}
	if e.key() == "" {
		return nil, errors.New("event without id")
	}
	return &e, nil
}

// eventName names an event that did not decode, for its problem.
func eventName(r json.RawMessage, i int) string {
	var ref leRef
	if json.Unmarshal(r, &ref) == nil && ref.key() != "" {
		return clipColumn(ref.key())
	}
	return fmt.Sprintf("event #%d", i+1)
}

// subEvent returns a sub-event: embedded, or a reference to an event of
// the import.
func (in *leImport) subEvent(r json.RawMessage) (*leEvent, bool) {
	e, err := decodeEvent(r)
	if err != nil {
		return nil, false
	}
	if e.StartTime != "" {
		return e, true
	}
	full, ok := in.byKey[e.key()]
	return full, ok
}

// activity converts one event; false when a problem leaves it out.
func (in *leImport) activity(e *leEvent) (polku.Activity, bool) {
	id := e.key()
	ok := true
	fail := func(code, detail string) {
		in.problem(id, code, detail)
		ok = false
	}
	a := polku.Activity{
		Organiser:   cmp.Or(in.opt.Organiser, e.Publisher, e.Provider.pick()),
		ExternalID:  id,
		Title:       plainTexts(e.Name, MaxTitle),
		Description: plainTexts(e.ShortDescription, MaxDescription),
		Contact:     plainText(e.ProviderContactInfo),
		InfoURL:     e.InfoURL.pick(),
		Status:      polku.StatusScheduled,
	}
	if len(a.Description) == 0 {
		a.Description = plainTexts(e.Description, MaxDescription)
	}
	st, good := leStatus(e)
	if !good {
		fail(CodeUnknownStatus, "event_status "+clip(e.EventStatus))
	}
	a.Status = st

	in.place(e, &a)
	a.Neighbours = in.neighbours(e)
	a.Categories, a.Audience = in.categories(e)

	a.AgeMin, a.AgeMax = 0, polku.MaxAge
	if v := e.AudienceMinAge; v != nil {
		if *v > polku.MaxAge {
			fail(CodeBadAges, fmt.Sprintf("for adults: audience_min_age %v", *v))
		}
		a.AgeMin = clampAge(*v)
	}
	if v := e.AudienceMaxAge; v != nil {
		a.AgeMax = clampAge(*v)
	}
	a.Price = lePrice(e.Offers)
	for _, l := range e.InLanguage {
		code := language(l.key())
		if !validLanguage(code) {
			fail(CodeBadLanguage, "in_language "+clip(l.key()))
			continue
		}
		if !slices.Contains(a.Languages, code) {
			a.Languages = append(a.Languages, code)
		}
	}

	if e.SuperEventType == "recurring" {
		var missing []string
		for _, r := range e.SubEvents {
			sub, found := in.subEvent(r)
			if !found {
				missing = append(missing, eventName(r, 0))
				continue
			}
			if s, good := in.session(sub, e); good {
				a.Sessions = append(a.Sessions, s)
			}
		}
		switch {
		case len(a.Sessions) == 0 && len(missing) > 0:
			fail(CodeRequired, fmt.Sprintf("none of %d sub_events included (fetch with include=sub_events)", len(e.SubEvents)))
		case len(a.Sessions) == 0:
			fail(CodeRequired, "no usable sub_events")
		default:
			// The activity goes on with the sessions it has; the
			// operator hears of the ones left out.
			for _, m := range missing {
				in.problem(id, CodeRequired, "sub-event "+clip(m)+" not included; left out")
			}
		}
	} else if s, good := in.session(e, nil); good {
		a.Sessions = append(a.Sessions, s)
	} else {
		ok = false
	}
	return a, ok
}

// session makes a session of an event (of a sub-event, when super is the
// recurring event it belongs to). Problems are reported under the
// activity's id.
func (in *leImport) session(e, super *leEvent) (polku.Session, bool) {
	id := e.key()
	owner, prefix := id, ""
	if super != nil {
		owner, prefix = super.key(), "sub-event "+clip(id)+": "
	}
	bad := func(code, detail string) (polku.Session, bool) {
		in.problem(owner, code, prefix+detail)
		return polku.Session{}, false
	}
	if e.StartTime == "" {
		return bad(CodeRequired, "no start_time")
	}
	start, ok := leTime(e.StartTime, in.opt.Location)
	if !ok {
		return bad(CodeBadDate, "start_time "+clip(e.StartTime))
	}
	end := start.Add(defaultDuration)
	if e.EndTime != "" {
		if end, ok = leTime(e.EndTime, in.opt.Location); !ok {
			return bad(CodeBadDate, "end_time "+clip(e.EndTime))
		}
	}
	st, ok := leStatus(e)
	if !ok {
		return bad(CodeUnknownStatus, "event_status "+clip(e.EventStatus))
	}
	en := e.enrol()
	if super != nil {
		// A sub-event tells only what differs from its recurring event.
		se := super.enrol()
		en.EnrolmentStartTime = cmp.Or(en.EnrolmentStartTime, se.EnrolmentStartTime)
		en.EnrolmentEndTime = cmp.Or(en.EnrolmentEndTime, se.EnrolmentEndTime)
		if en.MaximumAttendeeCapacity == nil {
			en.MaximumAttendeeCapacity = se.MaximumAttendeeCapacity
		}
	}
	s := polku.Session{ExternalID: id, Start: start, End: end, Status: st, Capacity: in.opt.DefaultCapacity}
	if c := en.MaximumAttendeeCapacity; c != nil && *c >= 1 && *c <= math.MaxInt32 {
		s.Capacity = int(*c)
	}
	if v := en.EnrolmentStartTime; v != "" {
		if s.EnrolFrom, ok = leTime(v, in.opt.Location); !ok {
			return bad(CodeBadDate, "enrolment_start_time "+clip(v))
		}
	}
	if v := en.EnrolmentEndTime; v != "" {
		if s.EnrolUntil, ok = leTime(v, in.opt.Location); !ok {
			return bad(CodeBadDate, "enrolment_end_time "+clip(v))
		}
	}
	return s, true
}

// leTime reads an ISO 8601 time, or a bare date as midnight in loc.
func leTime(s string, loc *time.Location) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, loc); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// leStatus maps event_status; a rescheduled event is a scheduled one at
// its new time, and a deleted one is cancelled for the families signed up.
func leStatus(e *leEvent) (polku.Status, bool) {
	if e.Deleted {
		return polku.StatusCancelled, true
	}
	switch e.EventStatus {
	case "", "EventScheduled", "EventRescheduled", "EventMovedOnline":
		return polku.StatusScheduled, true
	case "EventCancelled":
		return polku.StatusCancelled, true
	case "EventPostponed":
		return polku.StatusPostponed, true
	}
	return "", false
}

func clampAge(v float64) int {
	return int(math.Round(max(0, min(polku.MaxAge, v))))
}

// place fills the municipality and place: from the embedded location, or
// for a bare reference from location_extra_info and the options.
func (in *leImport) place(e *leEvent, a *polku.Activity) {
	a.Municipality = in.opt.Municipality
	l := e.Location
	if l == nil {
		a.Place.Name = plainText(e.LocationExtraInfo.pick())
		return
	}
	if m := l.AddressLocality.pick(); m != "" {
		a.Municipality = m
	}
	a.Place.Name = plainText(l.Name.pick())
	if a.Place.Name == "" {
		a.Place.Name = plainText(e.LocationExtraInfo.pick())
	}
	if a.Place.Name == "" {
		a.Place.Name = l.key()
	}
	a.Place.Address = plainText(l.StreetAddress.pick())
	if p := l.Position; p != nil && len(p.Coordinates) >= 2 {
		// GeoJSON order: longitude first.
		a.Place.Coords = &polku.Coords{Lat: p.Coordinates[1], Lon: p.Coordinates[0]}
	}
}

// neighbours are the neighbouring municipalities welcome to an event:
// Linked Events has no field for them, so a publisher writes them in the
// event's custom_data as "neighbours" ("Kalajoki, Pyhäjärvi"); an event
// without it takes the options'.
func (in *leImport) neighbours(e *leEvent) []string {
	var custom map[string]any
	_ = json.Unmarshal(e.CustomData, &custom) // anything else is no custom data
	v, ok := custom["neighbours"].(string)
	if !ok {
		return slices.Clone(in.opt.Neighbours)
	}
	var out []string
	for _, n := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
		if n = plainText(n); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// The words of keyword names that say a category, in Finnish, Swedish and
// English. A keyword matches when a word of its name starts with one
// (Finnish compounds put the telling part first: luontoretki, taidepaja);
// a few compounds that end in it are listed as such.
var keywordStems = []struct {
	stem string
	cat  polku.Category
}{
	{"luonto", polku.CategoryNature}, {"luonnon", polku.CategoryNature}, {"retkeily", polku.CategoryNature},
	{"ulkoilu", polku.CategoryNature}, {"natur", polku.CategoryNature}, {"friluft", polku.CategoryNature},
	{"nature", polku.CategoryNature}, {"outdoor", polku.CategoryNature}, {"hiking", polku.CategoryNature},
	{"taide", polku.CategoryArt}, {"kuvataide", polku.CategoryArt}, {"sanataide", polku.CategoryArt},
	{"maalaus", polku.CategoryArt}, {"piirt", polku.CategoryArt}, {"konst", polku.CategoryArt},
	{"bildkonst", polku.CategoryArt}, {"art", polku.CategoryArt}, {"visual", polku.CategoryArt},
	{"painting", polku.CategoryArt}, {"drawing", polku.CategoryArt},
	{"musiikk", polku.CategoryMusic}, {"konsert", polku.CategoryMusic}, {"laulu", polku.CategoryMusic},
	{"kuoro", polku.CategoryMusic}, {"muskari", polku.CategoryMusic}, {"musik", polku.CategoryMusic},
	{"music", polku.CategoryMusic}, {"concert", polku.CategoryMusic}, {"sing", polku.CategoryMusic},
	{"käsityö", polku.CategoryCrafts}, {"askartel", polku.CategoryCrafts}, {"hantverk", polku.CategoryCrafts},
	{"pyssel", polku.CategoryCrafts}, {"craft", polku.CategoryCrafts}, {"handicraft", polku.CategoryCrafts},
	{"kulttuur", polku.CategoryCulture}, {"historia", polku.CategoryCulture}, {"museo", polku.CategoryCulture},
	{"teatteri", polku.CategoryCulture}, {"kirjallisuu", polku.CategoryCulture}, {"kultur", polku.CategoryCulture},
	{"histori", polku.CategoryCulture}, {"museum", polku.CategoryCulture}, {"teater", polku.CategoryCulture},
	{"culture", polku.CategoryCulture}, {"cultural", polku.CategoryCulture}, {"history", polku.CategoryCulture},
	{"theatre", polku.CategoryCulture}, {"theater", polku.CategoryCulture},
	{"liikunta", polku.CategorySport}, {"urheilu", polku.CategorySport}, {"uinti", polku.CategorySport},
	{"luistel", polku.CategorySport}, {"hiihto", polku.CategorySport}, {"tanssi", polku.CategorySport},
	{"jumppa", polku.CategorySport}, {"voimistelu", polku.CategorySport}, {"idrott", polku.CategorySport},
	{"motion", polku.CategorySport}, {"dans", polku.CategorySport}, {"simning", polku.CategorySport},
	{"sport", polku.CategorySport}, {"exercise", polku.CategorySport}, {"danc", polku.CategorySport},
	{"swimming", polku.CategorySport}, {"skating", polku.CategorySport},
	{"eläin", polku.CategoryAnimals}, {"kotieläin", polku.CategoryAnimals}, {"hevo", polku.CategoryAnimals},
	{"ratsastus", polku.CategoryAnimals}, {"koira", polku.CategoryAnimals}, {"djur", polku.CategoryAnimals},
	{"animal", polku.CategoryAnimals}, {"horse", polku.CategoryAnimals}, {"pets", polku.CategoryAnimals},
	{"perhe", polku.CategoryFamily}, {"lapsiperhe", polku.CategoryFamily}, {"familj", polku.CategoryFamily},
	{"famil", polku.CategoryFamily},
}

// Words of keyword and audience names that say for whom an event is.
var (
	familyWords   = []string{"perhe", "lapsiperhe", "familj", "barnfamilj", "famil"}
	parentWords   = []string{"vanhem", "föräldr", "parent", "vårdnadshav", "huoltaj"}
	childrenWords = []string{"lapset", "lapsille", "nuoret", "nuorille", "barn", "unga", "ungdom", "children", "kids", "youth", "teen"}
)

// categories maps the event's keywords (and audience keywords) to
// categories, by the options' IDs and by name, and tells the audience.
// Family words win over parents', and parents' over children's: a
// children's event is not a break for the parents unless it says nothing
// of families.
func (in *leImport) categories(e *leEvent) ([]polku.Category, polku.Audience) {
	found := map[polku.Category]bool{}
	var fam, par, chi bool
	for _, k := range slices.Concat(e.Keywords, e.Audience) {
		for _, key := range []string{k.AtID, k.key()} {
			if c, ok := in.opt.Keywords[key]; ok && key != "" {
				found[c] = true
			}
		}
		for _, name := range k.Name {
			for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !unicode.IsLetter(r) }) {
				for _, s := range keywordStems {
					if strings.HasPrefix(w, s.stem) {
						found[s.cat] = true
					}
				}
				fam = fam || hasPrefix(w, familyWords)
				par = par || hasPrefix(w, parentWords)
				chi = chi || hasPrefix(w, childrenWords)
			}
		}
	}
	var cats []polku.Category
	for _, c := range polku.Categories {
		if found[c] {
			cats = append(cats, c)
		}
	}
	switch {
	case fam:
		return cats, polku.AudienceFamily
	case par:
		return cats, polku.AudienceParents
	case chi:
		return cats, polku.AudienceChildren
	}
	return cats, polku.AudienceFamily
}

func hasPrefix(w string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// amountRE finds euro amounts in a price text: "5 €", "€5", "5,50 e",
// "10 euroa".
var amountRE = regexp.MustCompile(`(?i)(?:€\s*(\d{1,6}(?:[.,]\d{1,2})?))|(?:(\d{1,6}(?:[.,]\d{1,2})?)\s*(?:€|e\b|eur|euro))`)

// lePrice maps offers: free if any offer is free; otherwise the lowest
// euro amount the price texts name, since for a family "from 5 €" (a
// child's ticket) is the telling one; paid with 0 cents (amount not told)
// when no text names one, and also when there are no offers at all:
// claiming "free" for an event that says nothing would mislead a family
// that can't pay.
func lePrice(offers []leOffer) polku.Price {
	lowest := -1
	for _, o := range offers {
		if o.IsFree {
			return polku.Price{Kind: polku.PriceFree}
		}
		for _, text := range o.Price {
			text = strings.TrimSpace(text)
			if c, ok := parseCents(text); ok && text != "" {
				lowest = minAmount(lowest, c)
				continue
			}
			for _, m := range amountRE.FindAllStringSubmatch(text, -1) {
				if c, ok := parseCents(m[1] + m[2]); ok {
					lowest = minAmount(lowest, c)
				}
			}
		}
	}
	switch {
	case lowest == 0:
		return polku.Price{Kind: polku.PriceFree}
	case lowest > 0:
		return polku.Price{Kind: polku.PricePaid, Cents: lowest}
	}
	return polku.Price{Kind: polku.PricePaid}
}

func minAmount(lowest, c int) int {
	if lowest < 0 || c < lowest {
		return c
	}
	return lowest
}

// plainTexts makes plain text of every language of t, cut to limit
// characters.
func plainTexts(t leText, limit int) polku.Localized {
	var l polku.Localized
	for lang, s := range t {
		lang = language(lang)
		s = cut(plainText(s), limit)
		if s == "" || !validLanguage(lang) {
			continue
		}
		if l == nil {
			l = polku.Localized{}
		}
		l[lang] = s
	}
	return l
}

// cut shortens s to at most limit characters at a word boundary.
func cut(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)[:limit-1]
	if i := strings.LastIndexFunc(string(r), unicode.IsSpace); i > limit/2 {
		return strings.TrimSpace(string(r)[:i]) + "…"
	}
	return string(r) + "…"
}
