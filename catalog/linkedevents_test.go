package catalog

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"polku"
)

var leOpt = LEOptions{
	Municipality: "Kuusamo",
	Keywords:     map[string]polku.Category{"kuv:k-999": polku.CategoryFamily},
	Location:     helsinki,
}

func readLE(t *testing.T, name string) ([]polku.Activity, error) {
	t.Helper()
	f, err := os.Open("testdata/linkedevents/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return ReadLinkedEvents(f, leOpt)
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The activities the sample files hold, as Polku sees them.
var (
	leArtWorkshop = polku.Activity{
		Organiser: "kuv:org-1", ExternalID: "kuv:e1001",
		Title: polku.Localized{"fi": "Perheiden taidepaja", "sv": "Konstverkstad för familjer", "en": "Family art workshop & more"},
		Description: polku.Localized{
			"fi": "Tehdään yhdessä isoja maalauksia. Mukaan vaatteet, jotka saavat sotkeentua – tervetuloa!",
			"en": "Make big paintings together. Bring clothes that may get messy All welcome",
		},
		Categories:   []polku.Category{polku.CategoryArt, polku.CategoryFamily},
		Municipality: "Kuusamo",
		Place:        polku.Place{Name: "Esimerkkitalo", Address: "Esimerkkitie 3", Coords: &polku.Coords{Lat: 65.9655, Lon: 29.188}},
		AgeMin:       4, AgeMax: 12, Audience: polku.AudienceFamily,
		Price:     polku.Price{Kind: polku.PricePaid, Cents: 500}, // the child's ticket
		Languages: []string{"fi", "sv"}, Status: polku.StatusScheduled,
		Contact: "perhe@example.org", InfoURL: "https://example.org/taidepaja",
		Sessions: []polku.Session{{ExternalID: "kuv:e1001", Start: utc("2026-12-05T11:00:00Z"), End: utc("2026-12-05T13:00:00Z"),
			Capacity: 15, EnrolFrom: utc("2026-11-20T08:00:00Z"), EnrolUntil: utc("2026-12-03T22:00:00Z"), Status: polku.StatusScheduled}},
	}
	leMusicPlay = polku.Activity{
		Organiser: "kuv:org-2", ExternalID: "kuv:agg-100",
		Title:        polku.Localized{"fi": "Perhemuskari", "en": "Family music play"},
		Description:  polku.Localized{"fi": "Laulua ja soittoa koko perheelle.", "en": "Songs and instruments for the whole family."},
		Categories:   []polku.Category{polku.CategoryMusic, polku.CategoryFamily},
		Municipality: "Kalajoki",
		Place:        polku.Place{Name: "Esimerkkiperhekeskus", Address: "Esimerkkikatu 10"},
		AgeMin:       1, AgeMax: 17, Audience: polku.AudienceFamily,
		Price:     polku.Price{Kind: polku.PriceFree},
		Languages: []string{"fi"}, Status: polku.StatusScheduled,
		Sessions: []polku.Session{
			{ExternalID: "kuv:e101", Start: utc("2026-12-07T07:30:00Z"), End: utc("2026-12-07T08:15:00Z"), Capacity: 12, Status: polku.StatusScheduled},
			{ExternalID: "kuv:e102", Start: utc("2026-12-14T08:30:00Z"), End: utc("2026-12-14T09:15:00Z"), Capacity: 8, Status: polku.StatusScheduled},
			{ExternalID: "kuv:e103", Start: utc("2026-12-21T07:30:00Z"), End: utc("2026-12-21T08:15:00Z"), Capacity: 12, Status: polku.StatusCancelled},
		},
	}
)

func TestLinkedEventsFiles(t *testing.T) {
	skating := polku.Activity{
		Organiser: "kuv:org-3", ExternalID: "kuv:agg-300",
		Title:        polku.Localized{"fi": "Lasten luistelukoulu", "sv": "Skridskoskola för barn", "en": "Skating school for children"},
		Description:  polku.Localized{"fi": "Opetellaan luistelemaan leikkien.", "sv": "Vi lär oss åka skridskor genom lek."},
		Categories:   []polku.Category{polku.CategorySport},
		Municipality: "Kuusamo",
		Place:        polku.Place{Name: "Esimerkkihalli", Address: "Esimerkkikuja 7", Coords: &polku.Coords{Lat: 65.96, Lon: 29.19}},
		AgeMin:       5, AgeMax: 9, Audience: polku.AudienceChildren,
		Price:     polku.Price{Kind: polku.PricePaid, Cents: 350},
		Languages: []string{"fi"}, Status: polku.StatusScheduled,
		Sessions: []polku.Session{
			{ExternalID: "kuv:e301", Start: utc("2027-03-20T14:00:00Z"), End: utc("2027-03-20T15:00:00Z"), Capacity: 10,
				EnrolUntil: utc("2027-03-18T20:00:00Z"), Status: polku.StatusScheduled},
			{ExternalID: "kuv:e302", Start: utc("2027-03-27T14:00:00Z"), End: utc("2027-03-27T15:00:00Z"), Capacity: 10,
				EnrolUntil: utc("2027-03-18T20:00:00Z"), Status: polku.StatusScheduled},
			{ExternalID: "kuv:e303", Start: utc("2027-04-03T13:00:00Z"), End: utc("2027-04-03T14:00:00Z"), Capacity: 6,
				EnrolUntil: utc("2027-03-18T20:00:00Z"), Status: polku.StatusPostponed},
		},
	}
	snowshoe := polku.Activity{
		Organiser: "kuv:org-4", ExternalID: "kuv:e400",
		Title:        polku.Localized{"fi": "Lumikenkäretki perheille", "en": "Snowshoe hike for families"},
		Description:  polku.Localized{"fi": "Peruttu vähäisen lumen vuoksi."},
		Categories:   []polku.Category{polku.CategoryNature, polku.CategoryFamily},
		Municipality: "Kuusamo",
		Place:        polku.Place{Name: "Esimerkkilammen laavu"},
		AgeMin:       0, AgeMax: 17, Audience: polku.AudienceFamily, // max 99 clamped
		Price:  polku.Price{Kind: polku.PricePaid}, // no offers: amount not told
		Status: polku.StatusCancelled,
		Sessions: []polku.Session{{ExternalID: "kuv:e400", Start: utc("2027-01-16T10:00:00Z"), End: utc("2027-01-16T11:00:00Z"),
			Capacity: 20, Status: polku.StatusCancelled}},
	}
	peers := polku.Activity{
		Organiser: "kuv:org-5", ExternalID: "kuv:e500",
		Title:        polku.Localized{"fi": "Vanhempien vertaisilta", "uk": "Вечір підтримки для батьків"},
		Description:  polku.Localized{"fi": "Jutellaan arjesta muiden vanhempien kanssa."},
		Categories:   []polku.Category{polku.CategoryFamily}, // from LEOptions.Keywords
		Municipality: "Kuusamo",                              // from LEOptions
		Place:        polku.Place{Name: "Esimerkkitalon kerhohuone, 2. krs"},
		AgeMin:       0, AgeMax: 17, Audience: polku.AudienceParents,
		Price:     polku.Price{Kind: polku.PriceFree},
		Languages: []string{"fi", "uk"}, Status: polku.StatusScheduled,
		Sessions: []polku.Session{{ExternalID: "kuv:e500", Start: utc("2026-12-10T16:00:00Z"), End: utc("2026-12-10T17:30:00Z"),
			Capacity: 20, Status: polku.StatusScheduled}},
	}
	tests := []struct {
		file     string
		want     []polku.Activity
		problems []Problem // Detail compared as a prefix
	}{
		{"recurring.json", []polku.Activity{skating},
			[]Problem{{Column: "kuv:agg-300", Code: CodeRequired, Detail: `sub-event "kuv:e304" not included`}}},
		{"cancelled.json", []polku.Activity{snowshoe}, nil},
		{"location-ref.json", []polku.Activity{peers}, nil},
		{"page1.json", []polku.Activity{leArtWorkshop},
			[]Problem{{Column: "kuv:agg-100", Code: CodeRequired, Detail: "none of 3 sub_events included"}}},
		{"problems.json", nil, []Problem{
			{Column: "kuv:e604", Code: CodeColumns, Detail: "audience_min_age: unexpected JSON string"},
			{Column: "kuv:e601", Code: CodeBadAges, Detail: "for adults"},
			{Column: "kuv:e602", Code: CodeRequired, Detail: "categories: "},
			{Column: "kuv:e602", Code: CodeEndBeforeStart, Detail: "end: "},
			{Column: "kuv:agg-603", Code: CodeRequired, Detail: "none of 1 sub_events included"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := readLE(t, tt.file)
			var ps Problems
			if err != nil && !errors.As(err, &ps) {
				t.Fatal(err)
			}
			if len(ps) != len(tt.problems) {
				t.Fatalf("got problems %v, want %v", ps, tt.problems)
			}
			for i, p := range tt.problems {
				if g := ps[i]; g.Line != 0 || g.Column != p.Column || g.Code != p.Code || !strings.HasPrefix(g.Detail, p.Detail) {
					t.Errorf("problem %d: got %v, want %v", i, g, p)
				}
			}
			if tt.file == "problems.json" {
				// The one good event of the file still comes through.
				if len(got) != 1 || got[0].ExternalID != "kuv:e605" {
					t.Errorf("got %v, want kuv:e605 alone", ids(got))
				}
				return
			}
			checkActivities(t, got, tt.want)
			for _, a := range got {
				if ps := Validate(a); ps != nil {
					t.Errorf("%s: %v", a.ExternalID, ps)
				}
			}
		})
	}
}

// lePages serves the two sample pages, with the next link pointing at
// *base, as a Linked Events API would.
func lePages(t *testing.T, base *string) http.HandlerFunc {
	t.Helper()
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/linkedevents/v1/event/" || r.Header.Get("Accept") != "application/json" {
			http.NotFound(w, r)
			return
		}
		page := "page1.json"
		if r.URL.Query().Get("page") == "2" {
			page = "page2.json"
		}
		data, err := os.ReadFile("testdata/linkedevents/" + page)
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(bytes.ReplaceAll(data, []byte("https://api.example.org"), []byte(*base)))
	}
}

// leServer serves the two sample pages with the next link pointing at
// itself.
func leServer(t *testing.T) *httptest.Server {
	t.Helper()
	var base string
	srv := httptest.NewServer(lePages(t, &base))
	base = srv.URL
	t.Cleanup(srv.Close)
	return srv
}

// Fetching both pages resolves the recurring event's sub-events, which
// the first page gives only as references.
func TestFetchLinkedEventsPages(t *testing.T) {
	srv := leServer(t)
	got, err := FetchLinkedEvents(context.Background(), srv.Client(), srv.URL+"/linkedevents/v1/event/?include=keywords,location", leOpt)
	if err != nil {
		t.Fatal(err)
	}
	checkActivities(t, got, []polku.Activity{leArtWorkshop, leMusicPlay})
}

func TestFetchLinkedEventsErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		code    string
		text    string
	}{
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "down", http.StatusServiceUnavailable)
		}, polku.EUNAVAILABLE, "503"},
		{"not found", http.NotFound, polku.EINVALID, "404"},
		{"oversized", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"meta":{},"data":[`))
			w.Write(bytes.Repeat([]byte(" "), MaxFileSize))
			w.Write([]byte(`]}`))
		}, polku.EINVALID, "over 10 MiB"},
		{"says it is oversized", func(w http.ResponseWriter, r *http.Request) {
			// Refused on the header, before reading any of it.
			w.Header().Set("Content-Length", strconv.Itoa(MaxFileSize+1))
		}, polku.EINVALID, "over 10 MiB"},
		{"pages too big in all", func(w http.ResponseWriter, r *http.Request) {
			// Each page is under the limit of a page, but not all of them
			// under the limit of a fetch.
			n := len(r.URL.Query().Get("p"))
			w.Write([]byte(`{"meta":{"next":"/event/?p=` + strings.Repeat("x", n+1) + `"},"data":[`))
			w.Write(bytes.Repeat([]byte(" "), MaxFileSize-100))
			w.Write([]byte(`]}`))
		}, polku.EINVALID, "over 32 MiB in all"},
		{"not JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html>maintenance</html>"))
		}, polku.EINVALID, "not Linked Events JSON"},
		{"next loops", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"meta":{"next":"/event/?page=1"},"data":[]}`))
		}, polku.EINVALID, "again"},
		{"endless pages", func(w http.ResponseWriter, r *http.Request) {
			n := len(r.URL.Query().Get("p"))
			w.Write([]byte(`{"meta":{"next":"/event/?p=` + strings.Repeat("x", n+1) + `"},"data":[]}`))
		}, polku.EINVALID, "over 50 pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			acts, err := FetchLinkedEvents(context.Background(), srv.Client(), srv.URL+"/event/?page=1&api_key=secret", leOpt)
			if acts != nil || polku.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("got %d activities, %v; want %s with %q", len(acts), err, tt.code, tt.text)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows the query: %v", err)
			}
		})
	}
}

func TestFetchLinkedEventsContext(t *testing.T) {
	srv := leServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := FetchLinkedEvents(ctx, srv.Client(), srv.URL+"/linkedevents/v1/event/", leOpt)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestLEPrice(t *testing.T) {
	text := func(s string) leOffer { return leOffer{Price: leText{"fi": s}} }
	tests := []struct {
		offers []leOffer
		want   polku.Price
	}{
		{nil, polku.Price{Kind: polku.PricePaid}},
		{[]leOffer{{IsFree: true}}, polku.Price{Kind: polku.PriceFree}},
		{[]leOffer{text("5 €")}, polku.Price{Kind: polku.PricePaid, Cents: 500}},
		{[]leOffer{text("12,50")}, polku.Price{Kind: polku.PricePaid, Cents: 1250}},
		{[]leOffer{text("Aikuiset 10 €, lapset 4,50 €")}, polku.Price{Kind: polku.PricePaid, Cents: 450}},
		{[]leOffer{text("€7 per person")}, polku.Price{Kind: polku.PricePaid, Cents: 700}},
		{[]leOffer{text("Katso verkkosivut")}, polku.Price{Kind: polku.PricePaid}},
		{[]leOffer{text("0 €")}, polku.Price{Kind: polku.PriceFree}},
		{[]leOffer{text("8 €"), {IsFree: true}}, polku.Price{Kind: polku.PriceFree}},
	}
	for _, tt := range tests {
		if got := lePrice(tt.offers); got != tt.want {
			t.Errorf("lePrice(%v) = %v, want %v", tt.offers, got, tt.want)
		}
	}
}

func TestLETime(t *testing.T) {
	tests := map[string]time.Time{
		"2026-12-03T15:00:00Z":         utc("2026-12-03T15:00:00Z"),
		"2026-12-03T17:00:00+02:00":    utc("2026-12-03T15:00:00Z"),
		"2026-12-03T15:00:00.123456Z":  utc("2026-12-03T15:00:00.123456Z"),
		"2026-12-03":                   at(2026, 12, 3, 0, 0),
		"2026-12-03T17:00":             at(2026, 12, 3, 17, 0),
		"3.12.2026":                    {},
		"2026-12-03T15:00:00 Helsinki": {},
		"":                             {},
	}
	for in, want := range tests {
		got, ok := leTime(in, helsinki)
		if ok != !want.IsZero() || !got.Equal(want) {
			t.Errorf("leTime(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
}

func TestLEOptions(t *testing.T) {
	f, _ := os.ReadFile("testdata/linkedevents/cancelled.json")
	got, err := ReadLinkedEvents(bytes.NewReader(f), LEOptions{Organiser: "Esimerkkiseura", DefaultCapacity: 7})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Organiser != "Esimerkkiseura" || got[0].Sessions[0].Capacity != 7 || got[0].Municipality != "Kuusamo" {
		t.Errorf("got organiser %q, capacity %d, municipality %q", got[0].Organiser, got[0].Sessions[0].Capacity, got[0].Municipality)
	}
}

func TestLEEmpty(t *testing.T) {
	_, err := ReadLinkedEvents(strings.NewReader(`{"meta":{"count":0,"next":null},"data":[]}`), leOpt)
	var ps Problems
	if !errors.As(err, &ps) || ps[0].Code != CodeEmpty {
		t.Errorf("got %v, want empty", err)
	}
}

func TestRead(t *testing.T) {
	template, err := os.ReadFile("../docs/catalogue-template.csv")
	if err != nil {
		t.Fatal(err)
	}
	event, err := os.ReadFile("testdata/linkedevents/cancelled.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string // the first activity's id
	}{
		{"catalogue.csv", template, "kivimaalaus"},
		{"luettelo", template, "kivimaalaus"},
		{"events.json", event, "kuv:e400"},
		{"export", append([]byte("\n  "), event...), "kuv:e400"},
		{"lista.txt", template, "kivimaalaus"},
	}
	for _, tt := range tests {
		acts, err := Read(tt.name, bytes.NewReader(tt.data), helsinki, LEOptions{})
		if err != nil || len(acts) == 0 || acts[0].ExternalID != tt.want {
			t.Errorf("Read(%q) = %v, %v; want %s", tt.name, ids(acts), err, tt.want)
		}
	}
	// A JSON file with a .csv name is read as CSV and says why it fails.
	if _, err := Read("x.csv", bytes.NewReader(event), helsinki, LEOptions{}); err == nil {
		t.Error("JSON read as CSV without problems")
	}
	_, err = Read("big.csv", io.LimitReader(zeros{}, MaxFileSize+1), helsinki, LEOptions{})
	var ps Problems
	if !errors.As(err, &ps) || ps[0].Code != CodeTooLong {
		t.Errorf("got %v for a file over the limit", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

func TestLEEventTwice(t *testing.T) {
	f, _ := os.ReadFile("testdata/linkedevents/cancelled.json")
	got, err := ReadLinkedEvents(bytes.NewReader([]byte("["+string(f)+","+string(f)+"]")), leOpt)
	if err != nil || len(got) != 1 {
		t.Errorf("got %v, %v; want the event once", ids(got), err)
	}
}

// elsewhere is a server a fetch must never reach; it fails the test when
// it is asked anything.
func elsewhere(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("another host was asked for %s", r.URL.Path)
		w.Write([]byte(`{"meta":{},"data":[]}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A fetch stays on the scheme, host and port of the URL the operator
// gave: a next link or redirect elsewhere could take the API key in the
// query to another server, or turn Polku on the operator's own network.
// The error names the page but never a query or credentials.
func TestFetchLinkedEventsStaysOnHost(t *testing.T) {
	other := elsewhere(t)
	tls := func(h http.HandlerFunc) *httptest.Server {
		srv := httptest.NewTLSServer(h)
		t.Cleanup(srv.Close)
		return srv
	}
	plain := func(h http.HandlerFunc) *httptest.Server {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv
	}
	// self is the URL of the server handling r, with the other scheme
	// when flip.
	self := func(r *http.Request, flip bool) string {
		scheme := "http"
		if (r.TLS != nil) != flip {
			scheme = "https"
		}
		return scheme + "://" + r.Host
	}
	tests := []struct {
		name string
		srv  *httptest.Server
		text string
	}{
		{"next link to another host", plain(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"meta":{"next":"` + other.URL + `/event/?page=2&api_key=secret"},"data":[]}`))
		}), "next page " + other.URL + "/event/ is not on http://127.0.0.1:"},
		{"redirect to another host", plain(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/event/?token=secret", http.StatusFound)
		}), "redirects to " + other.URL + "/event/, which is not on http://127.0.0.1:"},
		{"redirect from https to http", tls(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, self(r, true)+"/event/?page=1&api_key=secret", http.StatusMovedPermanently)
		}), "which is plain http"},
		{"next link from https to http", tls(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"meta":{"next":"` + self(r, true) + `/event/?page=2&api_key=secret"},"data":[]}`))
		}), "is plain http"},
		{"next link to another port", plain(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"meta":{"next":"http://127.0.0.1:1/event/?page=2"},"data":[]}`))
		}), "next page http://127.0.0.1:1/event/ is not on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := tt.srv.Client()
			u := strings.Replace(tt.srv.URL, "://", "://operator:hunter2@", 1) + "/event/?page=1&api_key=secret"
			acts, err := FetchLinkedEvents(context.Background(), client, u, leOpt)
			if acts != nil || polku.ErrorCode(err) != polku.EINVALID || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("got %d activities, %v; want EINVALID with %q", len(acts), err, tt.text)
			}
			for _, secret := range []string{"secret", "hunter2", "operator", "page="} {
				if err != nil && strings.Contains(err.Error(), secret) {
					t.Errorf("error shows %q: %v", secret, err)
				}
			}
			if client.CheckRedirect != nil {
				t.Error("the caller's client was changed")
			}
		})
	}
}

// On the same host, next links and redirects are followed.
func TestFetchLinkedEventsSameHost(t *testing.T) {
	var base string
	pages := lePages(t, &base)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old/" {
			http.Redirect(w, r, "/linkedevents/v1/event/?"+r.URL.RawQuery, http.StatusMovedPermanently)
			return
		}
		pages(w, r)
	}))
	defer srv.Close()
	base = srv.URL
	got, err := FetchLinkedEvents(context.Background(), nil, srv.URL+"/old/?include=location", leOpt)
	if err != nil {
		t.Fatal(err)
	}
	checkActivities(t, got, []polku.Activity{leArtWorkshop, leMusicPlay})
}

func TestOrigin(t *testing.T) {
	given := "https://api.example.org/linkedevents/v1/event/?api_key=x"
	tests := map[string]bool{
		"https://api.example.org/linkedevents/v1/event/?page=2": true,
		"https://API.example.org:443/v1/event/":                 true,
		"https://user:pw@api.example.org/v1/event/":             true,
		"http://api.example.org/v1/event/":                      false,
		"https://api.example.org:8443/v1/event/":                false,
		"https://api.example.org.evil.example/v1/event/":        false,
		"https://evil.example/?https://api.example.org/":        false,
	}
	g, _ := url.Parse(given)
	o := originOf(g)
	for in, want := range map[string]string{given: "https://api.example.org", "http://[::1]:8080/x": "http://[::1]:8080", "https://[::1]/": "https://[::1]"} {
		u, _ := url.Parse(in)
		if got := originOf(u).String(); got != want {
			t.Errorf("origin of %s: got %s, want %s", in, got, want)
		}
	}
	for in, want := range tests {
		u, _ := url.Parse(in)
		if got := o.off(u) == ""; got != want {
			t.Errorf("%s on %s: got %v, want %v", in, o, got, want)
		}
	}
}

// A server that does not answer, or stops half-way, gives up at the
// client's timeout or the context's deadline; the error says so without
// the query.
func TestFetchLinkedEventsSlow(t *testing.T) {
	stall := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	halfway := func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"meta":{},"data":[`))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}
	// A tiny timeout: the test waits for it, never checks how long.
	short := &http.Client{Timeout: 50 * time.Millisecond}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		client  *http.Client
		code    string
		text    string
	}{
		{"no answer", stall, short, polku.EUNAVAILABLE, "Client.Timeout exceeded"},
		{"stops half-way", halfway, short, polku.EUNAVAILABLE, "reading"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			_, err := FetchLinkedEvents(context.Background(), tt.client, srv.URL+"/event/?api_key=secret", leOpt)
			if polku.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("got %v; want %s with %q", err, tt.code, tt.text)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows the query: %v", err)
			}
		})
	}
	t.Run("deadline", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(stall))
		defer srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := FetchLinkedEvents(ctx, nil, srv.URL+"/event/", leOpt)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want context.DeadlineExceeded", err)
		}
	})
}

// A server that cannot be reached is EUNAVAILABLE, and the error keeps
// the query and credentials out (net/http's own error names the URL).
func TestFetchLinkedEventsUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	u := strings.Replace(srv.URL, "://", "://operator:hunter2@", 1) + "/event/?api_key=secret"
	_, err := FetchLinkedEvents(context.Background(), nil, u, leOpt)
	if polku.ErrorCode(err) != polku.EUNAVAILABLE {
		t.Errorf("got %v, want EUNAVAILABLE", err)
	}
	for _, secret := range []string{"secret", "hunter2", "operator"} {
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("error shows %q: %v", secret, err)
		}
	}
}

func TestFetchLinkedEventsBadURL(t *testing.T) {
	for _, u := range []string{"ftp://example.org/event/", "file:///etc/passwd", "/event/?api_key=secret", "https:///event/", "::"} {
		_, err := FetchLinkedEvents(context.Background(), nil, u, leOpt)
		if polku.ErrorCode(err) != polku.EINVALID || strings.Contains(err.Error(), "secret") {
			t.Errorf("FetchLinkedEvents(%q): got %v, want EINVALID without the query", u, err)
		}
	}
}
