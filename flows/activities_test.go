package flows

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"polku"
)

// The activities screens keep no state: a press asks a Query, and the
// adapter's answer (an input of KindFound) draws the screen. These tests
// play the adapter with hand-built catalogue data, and look at every
// screen as the family would meet it (see flaws).

// pressed is the message whose button the tests press.
const pressed = 7

// family is the conversation of a family that finished the intake in
// Kuusamo: one child of 0–2, two of 7–12, fond of nature.
func family() Conversation {
	c := engine().NewConversation("en", t0)
	c.State, c.Seq = Done, 20
	c.Consent, c.Profile = engine().NoticeVersion("Kuusamo"), true
	c.Answers = polku.Answers{
		Municipality: "Kuusamo",
		Children:     map[polku.AgeBand]int{polku.Age0to2: 1, polku.Age7to12: 2},
		Interests:    []polku.Interest{polku.InterestNature},
		Contact:      polku.ContactNone,
	}
	return c
}

// stranger has not agreed to the privacy notice: a new chat.
func stranger() Conversation { return engine().NewConversation("en", t0) }

func session(id int64, start time.Time, capacity, taken int) polku.Session {
	return polku.Session{ID: id, ExternalID: strconv.FormatInt(id, 10), Start: start, End: start.Add(2 * time.Hour),
		Capacity: capacity, Taken: taken, Status: polku.StatusScheduled}
}

// activity is a free activity in Kuusamo for the whole family, all ages.
func activity(id int64, cat polku.Category, ss ...polku.Session) polku.Activity {
	return polku.Activity{
		ID: id, Organiser: "Kuusamon kaupunki", ExternalID: "k" + strconv.FormatInt(id, 10),
		Title:      polku.Localized{"fi": fmt.Sprintf("Retki %d", id), "en": fmt.Sprintf("Outing %d", id)},
		Categories: []polku.Category{cat}, Municipality: "Kuusamo",
		Place:  polku.Place{Name: "Toivola", Address: "Kitkantie 1"},
		AgeMax: polku.MaxAge, Audience: polku.AudienceFamily, Price: polku.Price{Kind: polku.PriceFree},
		Status: polku.StatusScheduled, Sessions: ss,
	}
}

func days(n float64) time.Time { return t0.Add(time.Duration(n * float64(24*time.Hour))) }

// outing is activity 5 with one session, 51, in two days: 6 of 10 seats left.
func outing() polku.Activity {
	return activity(5, polku.CategoryNature, session(51, days(2), 10, 4))
}

func press(e *Engine, c Conversation, payload string) Result {
	return e.Step(c, Input{Kind: KindButton, Payload: payload, MessageID: pressed, Now: t0})
}

// answer plays the adapter: it answers res's query with f, for a press
// on message msg (0 for a command).
func answer(e *Engine, res Result, f Found, msg int) Result {
	f.Query = *res.Query
	return e.Step(res.Conv, Input{Kind: KindFound, Found: &f, MessageID: msg, Now: t0})
}

// open presses payload on message 7 and, when the press asks a query,
// answers it with f. It returns the press and the drawn screen (the
// press itself when there was no query).
func open(t *testing.T, e *Engine, c Conversation, payload string, f Found) (Result, Result) {
	t.Helper()
	res := press(e, c, payload)
	if res.Toast != nil {
		t.Fatalf("%s: toast %s", payload, res.Toast.ID)
	}
	if res.Query == nil {
		return res, res
	}
	return res, answer(e, res, f, pressed)
}

func only(t *testing.T, res Result) Reply {
	t.Helper()
	if len(res.Replies) != 1 {
		t.Fatalf("%d replies, want 1: %+v", len(res.Replies), res.Replies)
	}
	return res.Replies[0]
}

// grid writes a keyboard as "label=payload" (or "label@url"), row by row.
func grid(r Reply) [][]string {
	var out [][]string
	for _, row := range r.Inline {
		var g []string
		for _, b := range row {
			if b.URL != "" {
				g = append(g, b.Label.ID+"@"+b.URL)
			} else {
				g = append(g, b.Label.ID+"="+b.Payload)
			}
		}
		out = append(out, g)
	}
	return out
}

func ids(r Reply) []string {
	var out []string
	for _, t := range r.Text {
		out = append(out, t.ID)
	}
	return out
}

// button finds the button labelled id in row i of r.
func button(t *testing.T, r Reply, row int, id string) Button {
	t.Helper()
	if row < len(r.Inline) {
		for _, b := range r.Inline[row] {
			if b.Label.ID == id {
				return b
			}
		}
	}
	t.Fatalf("no %s in row %d: %v", id, row, grid(r))
	return Button{}
}

// check collects problems; done reports them, or skips a case that shows
// a known bug (and fails once the bug is gone, so the note is dropped).
type check struct{ problems []string }

func (c *check) errorf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *check) eq(what string, got, want any) {
	if !reflect.DeepEqual(got, want) {
		c.errorf("%s\n got %#v\nwant %#v", what, got, want)
	}
}

func (c *check) done(t *testing.T, bug string) {
	t.Helper()
	switch {
	case len(c.problems) > 0 && bug != "":
		t.Skipf("KNOWN BUG (%s):\n%s", bug, strings.Join(c.problems, "\n"))
	case len(c.problems) > 0:
		t.Error(strings.Join(c.problems, "\n"))
	case bug != "":
		t.Errorf("the known bug %q is fixed: drop the note", bug)
	}
}

// english maps each message ID of the English locale to its template.
var english = sync.OnceValues(func() (map[string]string, error) {
	var raw map[string]any
	if _, err := toml.DecodeFile("../locales/en.toml", &raw); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			out[id] = v
		case map[string]any: // plural forms
			for _, form := range v {
				s, _ := form.(string)
				out[id] += s
			}
		}
	}
	return out, nil
})

var field = regexp.MustCompile(`\{\{-?\s*(?:if\s+|with\s+)?\.(\w+)`)

// flaws lists what is wrong with replies as the family would meet them
// (c is the conversation they were drawn for): callback data over
// Telegram's 64 bytes, a message ID or template field the locale lacks,
// and activities buttons the engine refuses when pressed.
func flaws(e *Engine, c Conversation, replies []Reply) []string {
	var out []string
	msgs, err := english()
	if err != nil {
		return []string{err.Error()}
	}
	var text func(t Text)
	text = func(t Text) {
		tmpl, ok := msgs[t.ID]
		if !ok {
			out = append(out, fmt.Sprintf("message %q missing from en.toml", t.ID))
		}
		for _, m := range field.FindAllStringSubmatch(tmpl, -1) {
			if _, ok := t.Data[m[1]]; !ok {
				out = append(out, fmt.Sprintf("%s: no data for {{.%s}}", t.ID, m[1]))
			}
		}
		for _, v := range t.Data {
			switch v := v.(type) {
			case Text:
				text(v)
			case []Text:
				for _, x := range v {
					text(x)
				}
			}
		}
	}
	for _, r := range replies {
		for _, t := range r.Text {
			text(t)
		}
		for _, row := range r.Inline {
			for _, b := range row {
				text(b.Label)
				if len(b.Payload) > 64 {
					out = append(out, fmt.Sprintf("payload %q over 64 bytes", b.Payload))
				}
				if !strings.HasPrefix(b.Payload, "a:") && !strings.HasPrefix(b.Payload, "A:") {
					continue
				}
				if res := press(e, c, b.Payload); res.Toast != nil && res.Toast.ID == "input.unknown_button" {
					out = append(out, fmt.Sprintf("button %s=%s is refused", b.Label.ID, b.Payload))
				}
			}
		}
	}
	return out
}

func TestActivityPayloadQueries(t *testing.T) {
	on, off := true, false
	for _, tc := range []struct {
		payload string
		conv    func() Conversation
		want    Query
	}{
		{"a:s:0", family, Query{Kind: QuerySuggest, Municipality: "Kuusamo", Screen: "a:s:0"}},
		{"a:s:3", family, Query{Kind: QuerySuggest, Municipality: "Kuusamo", Screen: "a:s:3"}},
		{"A:s:0", family, Query{Kind: QuerySuggest, Municipality: "Kuusamo", Screen: "a:s:0", Fresh: true}},
		{"a:wc:0:nature:0", stranger, Query{Kind: QueryBrowse, Municipality: "Kuusamo", Screen: "a:wc:0:nature:0"}},
		{"a:wc:1:all:12", family, Query{Kind: QueryBrowse, Municipality: "Kalajoki", Screen: "a:wc:1:all:12"}},
		{"A:wc:1:family:3", family, Query{Kind: QueryBrowse, Municipality: "Kalajoki", Screen: "a:wc:1:family:3", Fresh: true}},
		{"a:c:5:s3", stranger, Query{Kind: QueryActivity, Activity: 5, Screen: "a:c:5:s3"}},
		{"a:c:5:w1.nature.2", family, Query{Kind: QueryActivity, Activity: 5, Screen: "a:c:5:w1.nature.2"}},
		{"a:c:5:m", family, Query{Kind: QueryActivity, Activity: 5, Screen: "a:c:5:m"}},
		{"a:c:5:", family, Query{Kind: QueryActivity, Activity: 5, Screen: "a:c:5:"}},
		{"a:c:5", family, Query{Kind: QueryActivity, Activity: 5, Screen: "a:c:5"}},
		{"A:c:5:m", family, Query{Kind: QueryActivity, Activity: 5, Screen: "a:c:5:m", Fresh: true}},
		{"a:t:5:w0.all.12", family, Query{Kind: QueryActivity, Activity: 5, Screen: "a:t:5:w0.all.12"}},
		{"a:p:5:51:x:x:s3", stranger, Query{Kind: QueryActivity, Activity: 5, Screen: "a:p:5:51:x:x:s3"}},
		{"a:p:5:51:9:0:", family, Query{Kind: QueryActivity, Activity: 5, Screen: "a:p:5:51:9:0:"}},
		{"a:ok:5:51:x:x:m", family, Query{Kind: QueryActivity, Activity: 5, Screen: "a:ok:5:51:x:x:m"}},
		{"a:y:5:51:2:1", family, Query{Kind: QuerySignUp, Activity: 5, Session: 51, Children: 2, Adults: 1, Screen: "a:y:5:51:2:1"}},
		{"a:y:5:51:0:9", family, Query{Kind: QuerySignUp, Activity: 5, Session: 51, Adults: 9, Screen: "a:y:5:51:0:9"}},
		{"A:y:5:51:1:0", family, Query{Kind: QuerySignUp, Activity: 5, Session: 51, Children: 1, Screen: "a:y:5:51:1:0", Fresh: true}},
		{"a:y:5:51:2:1:w0.all.2", family, Query{Kind: QuerySignUp, Activity: 5, Session: 51, Children: 2, Adults: 1, Screen: "a:y:5:51:2:1:w0.all.2"}},
		{"a:yw:5:51:2:1:m", family, Query{Kind: QuerySignUp, Activity: 5, Session: 51, Children: 2, Adults: 1, Wait: true, Screen: "a:yw:5:51:2:1:m"}},
		// Without consent, signing up first asks for it.
		{"a:y:5:51:2:1", stranger, Query{Kind: QueryActivity, Activity: 5, Screen: "a:p:5:51:2:1:"}},
		{"a:y:5:51:2:1:s3", stranger, Query{Kind: QueryActivity, Activity: 5, Screen: "a:p:5:51:2:1:s3"}},
		{"a:m", family, Query{Kind: QueryMine, Screen: "a:m"}},
		{"A:m", stranger, Query{Kind: QueryMine, Screen: "a:m", Fresh: true}},
		{"a:x:80", family, Query{Kind: QuerySignUpOne, SignUp: 80, Screen: "a:x:80"}},
		{"A:x:80", family, Query{Kind: QuerySignUpOne, SignUp: 80, Screen: "a:x:80", Fresh: true}},
		{"a:xx:80", family, Query{Kind: QueryCancel, SignUp: 80, Screen: "a:xx:80"}},
		{"a:r", family, Query{Kind: QueryReminders, Screen: "a:r"}},
		{"a:r:1", family, Query{Kind: QueryReminders, Set: &on, Screen: "a:r:1"}},
		{"a:r:0", family, Query{Kind: QueryReminders, Set: &off, Screen: "a:r:0"}},
		{"a:at:80:y", family, Query{Kind: QueryAttend, SignUp: 80, Attendance: polku.Attended, Screen: "a:at:80:y"}},
		{"a:at:80:n", family, Query{Kind: QueryAttend, SignUp: 80, Attendance: polku.NotAttended, Screen: "a:at:80:n"}},
		{"a:at:80:c", family, Query{Kind: QueryAttend, SignUp: 80, Attendance: polku.CouldNotCome, Screen: "a:at:80:c"}}, // an answer to a question sent before it had two answers
	} {
		t.Run(tc.payload, func(t *testing.T) {
			c := tc.conv()
			res := press(engine(), c, tc.payload)
			if res.Query == nil || !reflect.DeepEqual(*res.Query, tc.want) {
				t.Errorf("query\n got %+v\nwant %+v", res.Query, tc.want)
			}
			if res.Toast != nil || len(res.Replies) != 0 || len(res.Effects) != 0 {
				t.Errorf("toast %v, replies %+v, effects %+v: a query comes alone", res.Toast, res.Replies, res.Effects)
			}
			res.Conv.Updated = c.Updated
			if !reflect.DeepEqual(res.Conv, c) {
				t.Errorf("the press changed the conversation\n got %+v\nwant %+v", res.Conv, c)
			}
		})
	}
}

func TestForgedActivityPayloads(t *testing.T) {
	for _, tc := range []struct{ payload, bug string }{
		{payload: "a:"}, {payload: "A:"}, {payload: "a:zz"}, {payload: "A:nope:1"}, {payload: "a:S:0"},
		{payload: "a:s"}, {payload: "a:s:x"}, {payload: "a:s:-3"}, {payload: "a:s:1"}, {payload: "a:s:99999999999999999999"},
		{payload: "a:wm"}, {payload: "a:wm:x"}, {payload: "a:wm:-1"}, {payload: "a:wm:2"},
		{payload: "a:wc:0:nature"}, {payload: "a:wc:0:nature:x"}, {payload: "a:wc:0:nature:-1"}, {payload: "a:wc:0:nature:13"},
		{payload: "a:wc:0:dance:0"}, {payload: "a:wc:0::0"}, {payload: "a:wc:2:nature:0"}, {payload: "a:wc:-1:nature:0"}, {payload: "a:wc:x:nature:0"},
		{payload: "a:c"}, {payload: "a:c:x:m"}, {payload: "a:c:0:m"}, {payload: "a:c:-5:m"}, {payload: "a:c:99999999999999999999:m"},
		{payload: "a:c:5:zz"}, {payload: "a:c:5:s-3"}, {payload: "a:c:5:sx"}, {payload: "a:c:5:w0.dance.0"}, {payload: "a:c:5:w0.nature"},
		{payload: "a:t:0:"}, {payload: "a:t:5:zz"}, {payload: "A:t:x:m"},
		{payload: "a:c:5:w2.nature.0"},
		{payload: "a:c:5:w0.nature.13"},
		{payload: "a:c:5:wx.nature.y"},
		{payload: "a:c:5:s1"},
		{payload: "a:wc:0:all:1:10"}, {payload: "a:wc:0:all:1:-1"}, {payload: "a:wc:0:all:1:x"}, {payload: "a:wc:0:all:1:1:1"},
		{payload: "a:c:5:w0.all.1.10"}, {payload: "a:c:5:w0.all.1.x"}, {payload: "a:c:5:w0.all.1.01"}, {payload: "a:c:5:w0.all.1.1.1"},
		{payload: "a:w:1"}, {payload: "a:w:x"}, {payload: "a:w:-3"}, {payload: "a:w:3:3"},
		{payload: "a:c:5:s0:x"}, {payload: "a:c:5:s0:0"}, {payload: "a:c:5:s0:-51"}, {payload: "a:c:5:s0:51:1"}, {payload: "a:t:5:m:x"},
		{payload: "a:p:0:51:x:x:"}, {payload: "a:p:5:0:x:x:"}, {payload: "a:p:5:x:x:x:"}, {payload: "a:p:5"},
		{payload: "a:p:5:51:10:0:"}, {payload: "a:p:5:51:0:10:"}, {payload: "a:p:5:51:x:x:zz"},
		{payload: "a:p:5:51:5:5:"},
		{payload: "a:p:5:51:-1:2:"},
		{payload: "a:p:5:51:x:y:"},
		{payload: "a:ok:0:51:x:x:"}, {payload: "a:ok:5:-51:x:x:"}, {payload: "a:ok:5:51:x:x:zz"},
		{payload: "a:y:5:51:0:0"}, {payload: "a:y:5:51:1:1:zz"}, {payload: "a:yw:5:51:1:1:m:m"}, {payload: "a:yw:5:51:0:0"}, {payload: "a:y:5:51:10:0"}, {payload: "a:y:5:51:0:10"}, {payload: "a:y:5:51:5:5"},
		{payload: "a:y:5:51:-1:2"}, {payload: "a:y:5:51:x:1"}, {payload: "a:y:5:51:1"}, {payload: "a:y:x:51:1:1"}, {payload: "a:y:5:0:1:1"},
		{payload: "a:x"}, {payload: "a:x:0"}, {payload: "a:x:x"}, {payload: "a:xx"}, {payload: "a:xx:-1"},
		{payload: "a:r:2"}, {payload: "a:r:yes"}, {payload: "A:r:-1"},
		{payload: "a:at:80"}, {payload: "a:at:80:"}, {payload: "a:at:80:x"}, {payload: "a:at:80:Y"}, {payload: "a:at:80:yes"},
		{payload: "a:at:0:y"}, {payload: "a:at:x:y"},
	} {
		for name, conv := range map[string]func() Conversation{"family": family, "stranger": stranger} {
			t.Run(tc.payload+"/"+name, func(t *testing.T) {
				var ck check
				c := conv()
				res := press(engine(), c, tc.payload) // must not panic
				if res.Query != nil {
					ck.errorf("query %+v", *res.Query)
				}
				if len(res.Effects) != 0 {
					ck.errorf("effects %+v", res.Effects)
				}
				if res.Toast == nil || res.Toast.ID != "input.unknown_button" {
					ck.errorf("toast %+v, want input.unknown_button", res.Toast)
				}
				res.Conv.Updated = c.Updated
				ck.eq("conversation", res.Conv, c)
				ck.done(t, tc.bug)
			})
		}
	}
}

// A forged press never touches the message it was pressed on.
func TestForgedPressDrawsNoActivityScreen(t *testing.T) {
	e := engine()
	for _, p := range []string{"a:c:5:zz", "A:wm:9", "a:y:5:51:0:0"} {
		res := press(e, family(), p)
		for _, r := range res.Replies {
			if r.Edit != 0 {
				t.Errorf("%s: a forged press edited message %d", p, r.Edit)
			}
		}
	}
}

// Screens drawn without asking the adapter.
func TestActivityScreensWithoutQuery(t *testing.T) {
	cats := func(mi int, back ...string) [][]string {
		p := func(c string) string { return fmt.Sprintf("category.%s=a:wc:%d:%s:0", c, mi, c) }
		return [][]string{
			{p("nature"), p("art")}, {p("music"), p("crafts")}, {p("culture"), p("sport")}, {p("animals"), p("family")},
			{p("all")}, append(back, "button.person=P"),
		}
	}
	where := [][]string{{"municipality.name=a:wm:0"}, {"municipality.name=a:wm:1"}, {"button.person=P"}}
	for _, tc := range []struct {
		payload string
		conv    func() Conversation
		text    string
		grid    [][]string
		edit    int
	}{
		// The family's own municipality needs no choosing: Back leads to
		// its suggestions, where "Browse all" led here.
		{"a:w", family, "act.browse.what", cats(0, "button.back=a:s:0"), pressed},
		{"A:w", family, "act.browse.what", cats(0, "button.back=a:s:0"), 0},
		{"a:w:3", family, "act.browse.what", cats(0, "button.back=a:s:3"), pressed},
		{"a:wm:1", family, "act.browse.what", cats(1, "button.back=a:w"), pressed},
		{"a:w", stranger, "act.browse.where", where, pressed},
		{"a:wm:0", stranger, "act.browse.what", cats(0, "button.back=a:w"), pressed},
		{"A:wm:1", stranger, "act.browse.what", cats(1, "button.back=a:w"), 0},
		// No profile to match: suggestions become browsing.
		{"a:s:0", stranger, "act.browse.where", where, pressed},
		{"a:privacy", stranger, "privacy.full", nil, 0},
	} {
		t.Run(tc.payload, func(t *testing.T) {
			e := engine()
			c := tc.conv()
			res := press(e, c, tc.payload)
			var ck check
			if res.Query != nil || res.Toast != nil || len(res.Effects) != 0 {
				ck.errorf("query %+v toast %+v effects %+v", res.Query, res.Toast, res.Effects)
			}
			r := only(t, res)
			ck.eq("text", ids(r), []string{tc.text})
			ck.eq("buttons", grid(r), tc.grid)
			ck.eq("edit", r.Edit, tc.edit)
			ck.problems = append(ck.problems, flaws(e, c, res.Replies)...)
			ck.done(t, "")
		})
	}
}

// catalogue has five nature outings on the next five days and an art
// class in a day and a half; the family likes nature.
func catalogue() []polku.Activity {
	var acts []polku.Activity
	for i := int64(1); i <= 5; i++ {
		acts = append(acts, activity(i, polku.CategoryNature, session(i*10+1, days(float64(i)), 10, 0)))
	}
	acts = append(acts, activity(6, polku.CategoryArt, session(61, days(1.5), 10, 0)))
	other := activity(7, polku.CategoryNature, session(71, days(1), 10, 0))
	other.Municipality = "Kalajoki"
	gone := activity(8, polku.CategoryNature, session(81, days(1), 10, 0))
	gone.Status = polku.StatusCancelled
	return append(acts, other, gone)
}

func TestSuggestions(t *testing.T) {
	nature := Text{ID: "reason.interest", Data: map[string]any{"Category": T("category.nature")}}
	// Each suggestion opens its activity at the time it shows: the test
	// catalogue's activity i shows session i1.
	openAt := func(id, off int) []string { return []string{fmt.Sprintf("act.open=a:c:%d:s%d:%d1", id, off, id)} }
	// "Browse all" names the page, for its Back to return to.
	tail := func(off int) [][]string {
		return [][]string{{fmt.Sprintf("menu.activities_all=a:w:%d", off)}, {"button.person=P"}}
	}
	none := [][]string{{"menu.activities_all=a:w"}, {"button.person=P"}}
	for _, tc := range []struct {
		payload string
		acts    []polku.Activity
		texts   []string
		grid    [][]string
		numbers []int
		reasons []Text
	}{
		{"a:s:0", catalogue(),
			[]string{"act.suggest.title", "act.item", "act.item", "act.item"},
			append([][]string{openAt(1, 0), openAt(2, 0), openAt(3, 0), {"act.more=a:s:3"}}, tail(0)...),
			[]int{1, 2, 3}, []Text{nature, nature, nature}},
		{"a:s:3", catalogue(),
			[]string{"act.suggest.more_title", "act.item", "act.item", "act.item"},
			append([][]string{openAt(4, 3), openAt(5, 3), openAt(6, 3), {"act.prev=a:s:0"}}, tail(3)...),
			[]int{4, 5, 6}, []Text{nature, nature, T("reason.soon")}},
		// A page past the end (the catalogue shrank) starts over.
		{"a:s:9", catalogue(),
			[]string{"act.suggest.title", "act.item", "act.item", "act.item"},
			append([][]string{openAt(1, 0), openAt(2, 0), openAt(3, 0), {"act.more=a:s:3"}}, tail(0)...),
			[]int{1, 2, 3}, []Text{nature, nature, nature}},
		{"a:s:0", catalogue()[:2],
			[]string{"act.suggest.title", "act.item", "act.item"},
			append([][]string{openAt(1, 0), openAt(2, 0)}, tail(0)...),
			[]int{1, 2}, []Text{nature, nature}},
		{"a:s:0", nil, []string{"act.suggest.none"}, none, nil, nil},
		{"a:s:0", catalogue()[6:], []string{"act.suggest.none"}, none, nil, nil},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.payload, len(tc.acts)), func(t *testing.T) {
			e := engine()
			_, res := open(t, e, family(), tc.payload, Found{Activities: tc.acts})
			r := only(t, res)
			var ck check
			ck.eq("texts", ids(r), tc.texts)
			ck.eq("buttons", grid(r), tc.grid)
			ck.eq("edit", r.Edit, pressed)
			var numbers []int
			var reasons []Text
			for _, x := range r.Text[1:] {
				if x.ID == "act.item" {
					numbers = append(numbers, x.Data["N"].(int))
					reasons = append(reasons, x.Data["Reason"].(Text))
				}
			}
			ck.eq("numbers", numbers, tc.numbers)
			ck.eq("reasons", reasons, tc.reasons)
			ck.problems = append(ck.problems, flaws(e, family(), res.Replies)...)
			ck.done(t, "")
		})
	}
}

func TestSuggestionItem(t *testing.T) {
	e := engine()
	acts := []polku.Activity{activity(1, polku.CategoryNature, session(11, days(1), 10, 10))}
	_, res := open(t, e, family(), "a:s:0", Found{Activities: acts})
	got := only(t, res).Text[1]
	want := Text{ID: "act.item", Data: map[string]any{
		"N": 1, "Title": "Outing 1", "Place": "Toivola", "Seats": T("act.full"), "Booked": "", "Neighbour": "",
		"When":   When{Start: days(1), End: days(1).Add(2 * time.Hour)},
		"Time":   When{Start: days(1), Clock: true},
		"Reason": Text{ID: "reason.interest", Data: map[string]any{"Category": T("category.nature")}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("item\n got %#v\nwant %#v", got, want)
	}
}

// t0 is Sunday 22 November 2026, 10.00 UTC: week 0 ends tonight, week 1
// (ISO week 48) runs from Monday 23 to Sunday 29 November.
func browseCatalogue() []polku.Activity {
	mon := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	tonight := activity(1, polku.CategoryNature, session(11, t0.Add(5*time.Hour), 10, 0), session(12, mon.Add(34*time.Hour), 10, 0))
	full := activity(2, polku.CategoryNature, session(21, mon.Add(58*time.Hour), 5, 5))
	art := activity(3, polku.CategoryArt, session(31, mon.Add(36*time.Hour), 10, 0))
	other := activity(4, polku.CategoryNature, session(41, mon.Add(30*time.Hour), 10, 0))
	other.Municipality = "Kalajoki"
	gone := activity(5, polku.CategoryNature, session(51, mon.Add(30*time.Hour), 10, 0))
	gone.Status = polku.StatusCancelled
	return []polku.Activity{tonight, full, art, other, gone}
}

func TestBrowse(t *testing.T) {
	mon := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	busy := func() []polku.Activity {
		var acts []polku.Activity
		for i := int64(1); i <= 10; i++ {
			acts = append(acts, activity(i, polku.CategoryMusic, session(i*10, mon.Add(time.Duration(i)*time.Hour), 10, 0)))
		}
		return acts
	}
	// opens lists the buttons opening "activity:session", the time the
	// list shows.
	opens := func(back string, ids ...string) [][]string {
		var out [][]string
		for _, id := range ids {
			a, ses, _ := strings.Cut(id, ":")
			out = append(out, []string{fmt.Sprintf("act.open=a:c:%s:%s:%s", a, back, ses)})
		}
		return out
	}
	for _, tc := range []struct {
		payload string
		acts    []polku.Activity
		week    int
		from    time.Time
		texts   []string
		grid    [][]string
	}{
		{"a:wc:0:nature:1", browseCatalogue(), 48, mon,
			[]string{"act.browse.title", "act.item", "act.item"},
			append(opens("w0.nature.1", "1:12", "2:21"),
				[]string{"act.week_prev=a:wc:0:nature:0", "act.week_next=a:wc:0:nature:2"},
				[]string{"button.back=a:wm:0", "button.person=P"})},
		{"a:wc:0:all:1", browseCatalogue(), 48, mon,
			[]string{"act.browse.title", "act.item", "act.item", "act.item"},
			append(opens("w0.all.1", "1:12", "3:31", "2:21"),
				[]string{"act.week_prev=a:wc:0:all:0", "act.week_next=a:wc:0:all:2"},
				[]string{"button.back=a:wm:0", "button.person=P"})},
		{"a:wc:0:nature:0", browseCatalogue(), 47, mon.AddDate(0, 0, -7),
			[]string{"act.browse.title", "act.item"},
			append(opens("w0.nature.0", "1:11"),
				[]string{"act.week_next=a:wc:0:nature:1"},
				[]string{"button.back=a:wm:0", "button.person=P"})},
		{"a:wc:0:nature:12", browseCatalogue(), 6, mon.AddDate(0, 0, 77),
			[]string{"act.browse.title", "act.browse.none"},
			[][]string{{"act.week_prev=a:wc:0:nature:11"}, {"button.back=a:wm:0", "button.person=P"}}},
		{"a:wc:1:nature:1", browseCatalogue(), 48, mon,
			[]string{"act.browse.title", "act.item"},
			append(opens("w1.nature.1", "4:41"),
				[]string{"act.week_prev=a:wc:1:nature:0", "act.week_next=a:wc:1:nature:2"},
				[]string{"button.back=a:wm:1", "button.person=P"})},
		// Ten in a week: two pages; the second one's cards lead back to it.
		{"a:wc:0:music:1", busy(), 48, mon,
			[]string{"act.browse.title", "act.item", "act.item", "act.item", "act.item", "act.item", "act.item", "act.item", "act.item", "act.browse.page"},
			append(opens("w0.music.1", "1:10", "2:20", "3:30", "4:40", "5:50", "6:60", "7:70", "8:80"),
				[]string{"act.more=a:wc:0:music:1:1"},
				[]string{"act.week_prev=a:wc:0:music:0", "act.week_next=a:wc:0:music:2"},
				[]string{"button.back=a:wm:0", "button.person=P"})},
		{"a:wc:0:music:1:1", busy(), 48, mon,
			[]string{"act.browse.title", "act.item", "act.item", "act.browse.page"},
			append(opens("w0.music.1.1", "9:90", "10:100"),
				[]string{"act.prev=a:wc:0:music:1"},
				[]string{"act.week_prev=a:wc:0:music:0", "act.week_next=a:wc:0:music:2"},
				[]string{"button.back=a:wm:0", "button.person=P"})},
		// A page past the last (the week has changed since) shows the last.
		{"a:wc:0:music:1:5", busy(), 48, mon,
			[]string{"act.browse.title", "act.item", "act.item", "act.browse.page"},
			append(opens("w0.music.1.1", "9:90", "10:100"),
				[]string{"act.prev=a:wc:0:music:1"},
				[]string{"act.week_prev=a:wc:0:music:0", "act.week_next=a:wc:0:music:2"},
				[]string{"button.back=a:wm:0", "button.person=P"})},
	} {
		t.Run(tc.payload, func(t *testing.T) {
			e := engine()
			_, res := open(t, e, stranger(), tc.payload, Found{Activities: tc.acts})
			r := only(t, res)
			var ck check
			ck.eq("texts", ids(r), tc.texts)
			ck.eq("buttons", grid(r), tc.grid)
			ck.eq("edit", r.Edit, pressed)
			title := r.Text[0].Data
			ck.eq("week", title["Week"], tc.week)
			ck.eq("from", title["From"], When{Start: tc.from, Day: true})
			ck.eq("to", title["To"], When{Start: tc.from.AddDate(0, 0, 6), Day: true})
			if last := r.Text[len(r.Text)-1]; last.ID == "act.browse.page" {
				ck.eq("pages", last.Data["Pages"], 2)
				ck.eq("count", last.Data["Count"], 10)
			}
			for _, x := range r.Text[1:] {
				if x.ID == "act.item" && x.Data["Reason"] != "" {
					ck.errorf("browsing is not personal, but item %v has a reason %v", x.Data["N"], x.Data["Reason"])
				}
			}
			ck.problems = append(ck.problems, flaws(e, stranger(), res.Replies)...)
			ck.done(t, "")
		})
	}
	// On Sunday the rest of this week is over, not empty; on other days
	// an empty week is just empty.
	t.Run("sunday", func(t *testing.T) {
		for _, tc := range []struct {
			now  time.Time
			want string
		}{{t0, "act.browse.over"}, {t0.AddDate(0, 0, -2), "act.browse.none"}} {
			e := engine()
			res := e.Step(family(), Input{Kind: KindButton, Payload: "a:wc:0:nature:0", MessageID: pressed, Now: tc.now})
			f := Found{Query: *res.Query}
			got := e.Step(res.Conv, Input{Kind: KindFound, Found: &f, MessageID: pressed, Now: tc.now})
			if ids := ids(only(t, got)); ids[len(ids)-1] != tc.want {
				t.Errorf("%s: %v, want %s last", tc.now.Weekday(), ids, tc.want)
			}
		}
	})
	t.Run("title", func(t *testing.T) {
		_, res := open(t, engine(), stranger(), "a:wc:1:all:1", Found{})
		got := only(t, res).Text[0].Data
		if !reflect.DeepEqual(got["Category"], T("category.all")) || got["Municipality"] != "Kalajoki" {
			t.Errorf("title %+v", got)
		}
	})
}

func TestCard(t *testing.T) {
	full := outing()
	full.Sessions[0].Taken = 10
	rich := outing()
	rich.Description = polku.Localized{"fi": "Kuvaus", "en": "About"}
	rich.Access = []polku.Access{polku.AccessStepFree}
	rich.Place.Coords = &polku.Coords{Lat: 65.9664, Lon: 29.1887}
	two := activity(5, polku.CategoryNature, session(51, days(2), 10, 10), session(52, days(3), 10, 0), session(50, days(-1), 10, 0))
	onePast := activity(5, polku.CategoryNature, session(51, days(2), 10, 0), session(50, days(-1), 10, 0))
	cancelled := outing()
	cancelled.Status = polku.StatusCancelled
	past := activity(5, polku.CategoryNature, session(50, days(-1), 10, 0))
	closedSession := outing()
	closedSession.Sessions[0].Status = polku.StatusCancelled

	card := []string{"act.card.title", "act.card.details", "act.card.when"}
	for _, tc := range []struct {
		name, payload string
		act           polku.Activity
		texts         []string
		grid          [][]string
		seats         Text
	}{
		{"seats", "a:c:5:s3", outing(), card,
			[][]string{{"act.signup=a:p:5:51:x:x:s3"}, {"button.back=a:s:3", "button.person=P"}},
			Text{ID: "act.seats", Data: map[string]any{"Count": 6}, Count: ptr(6)}},
		{"rich", "a:c:5:w1.nature.2", rich,
			[]string{"act.card.title", "act.card.description", "act.card.details", "act.card.access", "act.card.when"},
			[][]string{{"act.signup=a:p:5:51:x:x:w1.nature.2"},
				{"act.map@https://www.openstreetmap.org/?mlat=65.96640&mlon=29.18870#map=16/65.96640/29.18870"},
				{"button.back=a:wc:1:nature:2", "button.person=P"}},
			Text{ID: "act.seats", Data: map[string]any{"Count": 6}, Count: ptr(6)}},
		{"full", "a:c:5:m", full, card,
			[][]string{{"act.signup_waiting=a:p:5:51:x:x:m"}, {"button.back=a:m", "button.person=P"}},
			T("act.full")},
		// The soonest time with seats is shown; the full one is among the others.
		{"other times", "a:c:5:", two, card,
			[][]string{{"act.signup=a:p:5:52:x:x:"}, {"act.times=a:t:5:"}, {"button.person=P"}},
			Text{ID: "act.seats", Data: map[string]any{"Count": 10}, Count: ptr(10)}},
		// The time pressed in a list is the one shown and booked, even a
		// full one with a freer time before it.
		{"pressed full time", "a:c:5:w0.all.1:51", two, []string{"act.card.title", "act.card.details", "act.card.at"},
			[][]string{{"act.signup_waiting=a:p:5:51:x:x:w0.all.1"}, {"act.times=a:t:5:w0.all.1:51"}, {"button.back=a:wc:0:all:1", "button.person=P"}},
			T("act.full")},
		{"pressed later time", "a:c:5:w0.all.1:52", two, []string{"act.card.title", "act.card.details", "act.card.at"},
			[][]string{{"act.signup=a:p:5:52:x:x:w0.all.1"}, {"act.times=a:t:5:w0.all.1:52"}, {"button.back=a:wc:0:all:1", "button.person=P"}},
			Text{ID: "act.seats", Data: map[string]any{"Count": 10}, Count: ptr(10)}},
		// A time gone since (or never this activity's) says so and shows the next.
		{"pressed past time", "a:c:5:s0:50", two, []string{"act.card.title", "act.card.details", "act.card.time_gone", "act.card.when"},
			[][]string{{"act.signup=a:p:5:52:x:x:s0"}, {"act.times=a:t:5:s0"}, {"button.back=a:s:0", "button.person=P"}},
			Text{ID: "act.seats", Data: map[string]any{"Count": 10}, Count: ptr(10)}},
		{"one open time", "a:c:5:s0", onePast, card,
			[][]string{{"act.signup=a:p:5:51:x:x:s0"}, {"button.back=a:s:0", "button.person=P"}},
			Text{ID: "act.seats", Data: map[string]any{"Count": 10}, Count: ptr(10)}},
		{"cancelled", "a:c:5:m", cancelled,
			[]string{"act.card.title", "act.card.details", "act.card.cancelled"},
			[][]string{{"button.back=a:m", "button.person=P"}}, Text{}},
		{"past", "a:c:5:s0", past,
			[]string{"act.card.title", "act.card.details", "act.card.no_times"},
			[][]string{{"button.back=a:s:0", "button.person=P"}}, Text{}},
		{"session cancelled", "a:c:5:w0.all.0", closedSession,
			[]string{"act.card.title", "act.card.details", "act.card.no_times"},
			[][]string{{"button.back=a:wc:0:all:0", "button.person=P"}}, Text{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engine()
			_, res := open(t, e, family(), tc.payload, Found{Activity: tc.act})
			r := only(t, res)
			var ck check
			ck.eq("texts", ids(r), tc.texts)
			ck.eq("buttons", grid(r), tc.grid)
			ck.eq("edit", r.Edit, pressed)
			for _, x := range r.Text {
				if x.ID == "act.card.when" || x.ID == "act.card.at" {
					ck.eq("seats", x.Data["Seats"], tc.seats)
				}
			}
			ck.problems = append(ck.problems, flaws(e, family(), res.Replies)...)
			ck.done(t, "")
		})
	}
}

func TestCardDetails(t *testing.T) {
	a := outing()
	a.Audience = polku.AudienceChildren
	a.AgeMin, a.AgeMax = 3, 6
	a.Price = polku.Price{Kind: polku.PriceCard, Cents: 500}
	a.Languages = []string{"sv", "xx", "en"}
	a.Contact = "info@example.fi"
	_, res := open(t, engine(), family(), "a:c:5:m", Found{Activity: a})
	got := only(t, res).Text[1]
	want := Text{ID: "act.card.details", Data: map[string]any{
		"Place": "Toivola", "Address": "Kitkantie 1", "Audience": T("audience.children"),
		"AgeMin": 3, "AgeMax": 6, "Price": Text{ID: "price.card", Data: map[string]any{"Amount": Money(500)}},
		"Languages": []Text{T("language.name.sv"), T("language.name.en")}, "Organiser": "Kuusamon kaupunki", "Contact": "info@example.fi",
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("details\n got %#v\nwant %#v", got, want)
	}
	// A made-up organiser is marked so in the family's language.
	a.Organiser = "Esimerkkiseura" + polku.FictionalMark
	_, res = open(t, engine(), family(), "a:c:5:m", Found{Activity: a})
	if got, want := only(t, res).Text[1].Data["Organiser"], (Text{ID: "organiser.fictional", Data: map[string]any{"Name": "Esimerkkiseura"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("fictional organiser %#v, want %#v", got, want)
	}
}

func TestTimes(t *testing.T) {
	e := engine()
	a := activity(5, polku.CategoryNature, session(52, days(3), 10, 0), session(51, days(2), 10, 10), session(50, days(-1), 10, 0))
	_, res := open(t, e, family(), "a:t:5:m", Found{Activity: a})
	r := only(t, res)
	var ck check
	ck.eq("texts", ids(r), []string{"act.times.title"})
	ck.eq("buttons", grid(r), [][]string{
		{"act.time=a:p:5:51:x:x:m"}, {"act.time=a:p:5:52:x:x:m"}, {"button.back=a:c:5:m", "button.person=P"},
	})
	// From the card of a pressed time, Back returns to that time.
	_, res = open(t, e, family(), "a:t:5:m:52", Found{Activity: a})
	ck.eq("back to the time", grid(only(t, res))[2], []string{"button.back=a:c:5:m:52", "button.person=P"})
	ck.eq("first", r.Inline[0][0].Label.Data["Seats"], T("act.full"))
	ck.eq("edit", r.Edit, pressed)
	ck.problems = append(ck.problems, flaws(e, family(), res.Replies)...)

	_, res = open(t, e, family(), "a:t:5:", Found{Activity: activity(5, polku.CategoryNature)})
	r = only(t, res)
	ck.eq("no times", ids(r), []string{"act.card.no_times"})
	ck.eq("no times buttons", grid(r), [][]string{{"button.back=a:c:5:", "button.person=P"}})
	ck.done(t, "")
}

func TestPartyAsksConsentFirst(t *testing.T) {
	// Agreeing here, the intake need not ask again: from the notice on
	// to the children (the municipality and who is speaking are known),
	// from the welcome or after declining (the municipality forgotten)
	// on to the municipality.
	after := map[string]string{Welcome: Municipality, Privacy: Children, PrivacyMore: Children, Declined: Municipality}
	for _, state := range []string{Welcome, Privacy, PrivacyMore, Declined} {
		t.Run(state, func(t *testing.T) {
			e := engine()
			c := stranger()
			c.State, c.Referral = state, "school-1"
			_, res := open(t, e, c, "a:p:5:51:x:x:s3", Found{Activity: outing()})
			r := only(t, res)
			var ck check
			ck.eq("texts", ids(r), []string{"act.consent"})
			ck.eq("buttons", grid(r), [][]string{
				{"privacy.yes=a:ok:5:51:x:x:s3"}, {"privacy.more=a:privacy"}, {"button.back=a:c:5:s3:51", "button.person=P"},
			})
			if len(res.Effects) != 0 || res.Conv.Consent != "" {
				ck.errorf("showing the notice agreed to it: %+v %q", res.Effects, res.Conv.Consent)
			}

			res, drawn := open(t, e, res.Conv, "a:ok:5:51:x:x:s3", Found{Activity: outing()})
			ck.eq("effects", res.Effects, []Effect{RecordConsent{Version: engine().NoticeVersion("Kuusamo"), Agreed: true, Referral: "school-1"}})
			ck.eq("consent", res.Conv.Consent, engine().NoticeVersion("Kuusamo"))
			ck.eq("state", res.Conv.State, after[state])
			if res.Conv.Seq <= c.Seq {
				ck.errorf("seq %d not past %d: the notice's buttons stay current", res.Conv.Seq, c.Seq)
			}
			if !e.Valid(res.Conv) {
				ck.errorf("invalid conversation %+v", res.Conv)
			}
			// No children known: one child and one adult.
			r = only(t, drawn)
			ck.eq("party", ids(r), []string{"act.party"})
			ck.eq("confirm", button(t, r, 2, "act.party.confirm").Payload, "a:y:5:51:1:1:s3")
			ck.eq("back", r.Inline[3][0].Payload, "a:c:5:s3:51")
			ck.eq("state after", drawn.Conv.State, after[state])
			ck.problems = append(ck.problems, flaws(e, drawn.Conv, drawn.Replies)...)

			// Agreeing again records nothing more.
			again := press(e, res.Conv, "a:ok:5:51:x:x:s3")
			ck.eq("again", len(again.Effects), 0)
			ck.eq("state again", again.Conv.State, after[state])
			ck.done(t, "")
		})
	}
}

func TestAgreeMidIntakeKeepsTheQuestion(t *testing.T) {
	c := family()
	c.State = Interests
	c.Consent = "2020-01-01" // an older notice: it is asked again first
	res := press(engine(), c, "a:ok:5:51:x:x:")
	if len(res.Effects) != 0 || res.Conv.Held == nil || res.Query != nil {
		t.Fatalf("the old notice's agreement was used: %+v", res)
	}
	// Agreeing to the current one is recorded, and the press is done.
	res = press(engine(), res.Conv, strconv.Itoa(c.Seq)+":renew:yes")
	if _, ok := effectOf[RecordConsent](res); !ok || res.Conv.Consent != engine().NoticeVersion("Kuusamo") || res.Query == nil {
		t.Errorf("effects %+v, consent %q, query %+v", res.Effects, res.Conv.Consent, res.Query)
	}
	if res.Conv.State != Interests || res.Conv.Seq != c.Seq {
		t.Errorf("state %s seq %d, want %s %d", res.Conv.State, res.Conv.Seq, Interests, c.Seq)
	}
}

func TestSignUpWithoutConsentShowsTheNotice(t *testing.T) {
	e := engine()
	_, res := open(t, e, stranger(), "a:y:5:51:2:1", Found{Activity: outing()})
	r := only(t, res)
	if !reflect.DeepEqual(ids(r), []string{"act.consent"}) || r.Inline[0][0].Payload != "a:ok:5:51:x:x:" {
		t.Errorf("got %v %v", ids(r), grid(r))
	}
	if len(res.Effects) != 0 {
		t.Errorf("effects %+v", res.Effects)
	}
}

func TestPartyCounters(t *testing.T) {
	// The whole screen for two children and an adult.
	e := engine()
	_, res := open(t, e, family(), "a:p:5:51:2:1:s3", Found{Activity: outing()})
	r := only(t, res)
	want := [][]string{
		{"act.minus=a:p:5:51:1:1:s3", "act.party.children=a:p:5:51:2:1:s3", "act.plus=a:p:5:51:3:1:s3"},
		{"act.minus=a:p:5:51:2:0:s3", "act.party.adults=a:p:5:51:2:1:s3", "act.plus=a:p:5:51:2:2:s3"},
		{"act.party.confirm=a:y:5:51:2:1:s3"},
		{"button.back=a:c:5:s3:51", "button.person=P"},
	}
	var ck check
	ck.eq("buttons", grid(r), want)
	ck.eq("texts", ids(r), []string{"act.party"})
	ck.eq("seats", r.Text[0].Data["Seats"], Text{ID: "act.seats", Data: map[string]any{"Count": 6}, Count: ptr(6)})
	ck.eq("edit", r.Edit, pressed)
	ck.eq("confirm label", r.Inline[2][0].Label, Text{ID: "act.party.confirm", Data: map[string]any{"Count": 3}, Count: ptr(3)})
	ck.problems = append(ck.problems, flaws(e, family(), res.Replies)...)

	// A full party: the plus buttons stay where they are.
	_, res = open(t, e, family(), "a:p:5:51:0:9:", Found{Activity: outing()})
	ck.eq("full party", grid(only(t, res)), [][]string{
		{"act.minus=a:p:5:51:0:9:", "act.party.children=a:p:5:51:0:9:", "act.plus=a:p:5:51:0:9:"},
		{"act.minus=a:p:5:51:0:8:", "act.party.adults=a:p:5:51:0:9:", "act.plus=a:p:5:51:0:9:"},
		{"act.party.confirm=a:y:5:51:0:9"},
		{"button.back=a:c:5::51", "button.person=P"},
	})
	ck.done(t, "")
}

// counts reads the party's size off its screen.
func counts(t *testing.T, r Reply) (children, adults int) {
	t.Helper()
	return button(t, r, 0, "act.party.children").Label.Data["Count"].(int), button(t, r, 1, "act.party.adults").Label.Data["Count"].(int)
}

func TestPartySize(t *testing.T) {
	kids := func(a polku.Audience, lo, hi int) polku.Activity {
		x := outing()
		x.Audience, x.AgeMin, x.AgeMax = a, lo, hi
		return x
	}
	many := family()
	many.Answers.Children = map[polku.AgeBand]int{polku.Age0to2: 9, polku.Age3to6: 9}
	for _, tc := range []struct {
		name, payload string
		conv          Conversation
		act           polku.Activity
		c, n          int // -1: any size that fits
		bug           string
	}{
		// The default: the family's children of fitting ages, one adult.
		{"family 6-12", "a:p:5:51:x:x:", family(), kids(polku.AudienceFamily, 6, 12), 2, 1, ""},
		{"family 0-17", "a:p:5:51:x:x:", family(), kids(polku.AudienceFamily, 0, 17), 3, 1, ""},
		{"agreeing shows the default", "a:ok:5:51:x:x:", family(), kids(polku.AudienceFamily, 0, 2), 1, 1, ""},
		{"children only", "a:p:5:51:x:x:", family(), kids(polku.AudienceChildren, 0, 17), 3, 0, ""},
		{"parents only", "a:p:5:51:x:x:", family(), kids(polku.AudienceParents, 0, 17), 0, 1, ""},
		{"no child of fitting age", "a:p:5:51:x:x:", family(), kids(polku.AudienceFamily, 13, 17), 1, 1, ""},
		{"chosen", "a:p:5:51:3:4:", family(), outing(), 3, 4, ""},
		{"chosen children only", "a:p:5:51:4:0:", family(), kids(polku.AudienceChildren, 0, 17), 4, 0, ""},
		{"large family", "a:p:5:51:x:x:", many, kids(polku.AudienceFamily, 0, 6), 8, 1, ""},
		{"large family, children only", "a:p:5:51:x:x:", many, kids(polku.AudienceChildren, 0, 6), 9, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engine()
			_, res := open(t, e, tc.conv, tc.payload, Found{Activity: tc.act})
			r := only(t, res)
			var ck check
			c, n := counts(t, r)
			if tc.c >= 0 && (c != tc.c || n != tc.n) {
				ck.errorf("party %d+%d, want %d+%d", c, n, tc.c, tc.n)
			}
			if c < 0 || n < 0 || c+n > polku.MaxPartySize {
				ck.errorf("party %d+%d outside 0..%d", c, n, polku.MaxPartySize)
			}
			if c+n > 0 {
				ck.eq("confirm", button(t, r, 2, "act.party.confirm").Payload, fmt.Sprintf("a:y:5:51:%d:%d", c, n))
			}
			ck.problems = append(ck.problems, flaws(e, tc.conv, res.Replies)...)
			ck.done(t, tc.bug)
		})
	}
}

// Pressing a minus never makes the party larger, and a plus never smaller.
func TestPartyButtonsMoveOneWay(t *testing.T) {
	for _, tc := range []struct {
		payload string
		bug     string
	}{
		{"a:p:5:51:2:1:", ""},
		{"a:p:5:51:3:0:", ""},
		{"a:p:5:51:0:2:", ""},
		{"a:p:5:51:1:0:", ""},
		{"a:p:5:51:0:1:", ""},
	} {
		t.Run(tc.payload, func(t *testing.T) {
			e := engine()
			_, res := open(t, e, family(), tc.payload, Found{Activity: outing()})
			r := only(t, res)
			c, n := counts(t, r)
			var ck check
			for row := range 2 {
				for _, b := range []Button{r.Inline[row][0], r.Inline[row][2]} {
					_, next := open(t, e, family(), b.Payload, Found{Activity: outing()})
					c2, n2 := counts(t, only(t, next))
					grew := c2+n2 > c+n
					if b.Label.ID == "act.plus" {
						grew = c2+n2 < c+n
					}
					if grew {
						ck.errorf("%s from %d+%d (%s) gives %d+%d", b.Label.ID, c, n, b.Payload, c2, n2)
					}
				}
			}
			ck.done(t, tc.bug)
		})
	}
}

func TestPartyForAClosedTime(t *testing.T) {
	e := engine()
	for _, p := range []string{"a:p:5:99:1:1:m", "a:ok:5:99:x:x:m"} {
		_, res := open(t, e, family(), p, Found{Activity: outing()})
		r := only(t, res)
		if !reflect.DeepEqual(ids(r), []string{"act.closed"}) ||
			!reflect.DeepEqual(grid(r), [][]string{{"button.back=a:c:5:m", "button.person=P"}}) {
			t.Errorf("%s: %v %v", p, ids(r), grid(r))
		}
	}
}

func TestSignUpOutcomes(t *testing.T) {
	su := polku.SignUp{ID: 80, Status: polku.SignedUp, Children: 2, Adults: 1, Created: t0, Activity: outing()}
	waiting := su
	waiting.Status, waiting.Position = polku.Waiting, 3
	big := waiting
	big.Children = 11
	mine := []string{"menu.mine=a:m", "menu.activities=a:s:0"}
	for _, tc := range []struct {
		name      string
		found     Found
		texts     []string
		grid      [][]string
		calendar  bool
		reminders bool
	}{
		{"confirmed", Found{Outcome: polku.OutcomeConfirmed, SignUp: su, Reminders: true},
			[]string{"act.signed", "act.signed.reminders"}, [][]string{mine, {"button.person=P"}}, true, true},
		{"confirmed, no reminders", Found{Outcome: polku.OutcomeConfirmed, SignUp: su},
			[]string{"act.signed", "act.signed.no_reminders"}, [][]string{mine, {"button.person=P"}}, true, false},
		{"waiting", Found{Outcome: polku.OutcomeWaiting, SignUp: waiting, Reminders: true},
			[]string{"act.waiting"}, [][]string{mine, {"button.person=P"}}, false, false},
		{"closed", Found{Outcome: polku.OutcomeClosed},
			[]string{"act.closed"}, [][]string{{"act.times=a:t:5:"}, {"button.person=P"}}, false, false},
		// More than the time holds at all: the waiting list, in case seats
		// are added, or Back to the party as it was.
		{"too many", Found{Outcome: polku.OutcomeTooMany, SignUp: polku.SignUp{Activity: outing()}},
			[]string{"act.too_many"}, [][]string{{"act.signup_waiting=a:yw:5:51:2:1"}, {"button.back=a:p:5:51:2:1:", "button.person=P"}}, false, false},
		{"waiting for added seats", Found{Outcome: polku.OutcomeWaiting, SignUp: big},
			[]string{"act.waiting_added"}, [][]string{mine, {"button.person=P"}}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engine()
			_, res := open(t, e, family(), "a:y:5:51:2:1", tc.found)
			r := only(t, res)
			var ck check
			ck.eq("texts", ids(r), tc.texts)
			ck.eq("buttons", grid(r), tc.grid)
			ck.eq("edit", r.Edit, pressed)
			var want *Calendar
			if tc.calendar {
				want = &Calendar{SignUp: su}
			}
			ck.eq("calendar", r.Calendar, want)
			if tc.name == "too many" {
				ck.eq("count", r.Text[0].Data["Count"], 3)
				ck.eq("capacity", r.Text[0].Data["Capacity"], 10)
			}
			if tc.name == "waiting" {
				ck.eq("position", r.Text[0].Data["Position"], 3)
			}
			if tc.found.SignUp.ID != 0 {
				ck.eq("title", r.Text[0].Data["Title"], "Outing 5")
			}
			ck.problems = append(ck.problems, flaws(e, family(), res.Replies)...)
			ck.done(t, "")
		})
	}
}

// A double tap on the confirm button finds the sign-up already made: the
// confirmation on the screen stays, and a notice on the button says so.
func TestSignUpAlready(t *testing.T) {
	su := polku.SignUp{ID: 80, Status: polku.SignedUp, Children: 2, Adults: 1, Created: t0, Activity: outing()}
	_, res := open(t, engine(), family(), "a:y:5:51:2:1", Found{Outcome: polku.OutcomeAlready, SignUp: su})
	if len(res.Replies) != 0 {
		t.Errorf("replies %+v, want none", res.Replies)
	}
	if res.Toast == nil || res.Toast.ID != "act.already" || res.Toast.Data["Title"] != "Outing 5" {
		t.Errorf("toast %+v, want act.already with the title", res.Toast)
	}
}

func TestFoundErrors(t *testing.T) {
	for _, tc := range []struct {
		payload, err string
		texts        []string
		grid         [][]string
		edit         int
		toast        string
	}{
		{"a:c:5:m", polku.ENOTFOUND, []string{"act.gone"},
			[][]string{{"menu.activities=a:s:0", "menu.mine=a:m"}, {"button.person=P"}}, pressed, ""},
		{"a:x:80", polku.ENOTFOUND, []string{"act.gone"},
			[][]string{{"menu.activities=a:s:0", "menu.mine=a:m"}, {"button.person=P"}}, pressed, ""},
		{"a:xx:80", polku.ECONFLICT, nil, nil, 0, "act.cancel.already"},
		{"a:xx:80", polku.EINVALID, nil, nil, 0, "act.cancel.too_late"},
		{"a:y:5:51:1:1", polku.EFORBIDDEN, []string{"act.need_consent"}, nil, 0, ""},
		{"a:at:80:y", polku.EINVALID, nil, nil, 0, "input.unknown_button"},
		{"a:m", polku.EINTERNAL, []string{"error.internal"}, nil, 0, ""},
	} {
		t.Run(tc.payload+"/"+tc.err, func(t *testing.T) {
			e := engine()
			_, res := open(t, e, family(), tc.payload, Found{Err: tc.err})
			var ck check
			if tc.toast != "" {
				if res.Toast == nil || res.Toast.ID != tc.toast || len(res.Replies) != 0 {
					ck.errorf("toast %+v replies %+v, want toast %s alone", res.Toast, res.Replies, tc.toast)
				}
				ck.done(t, "")
				return
			}
			r := only(t, res)
			ck.eq("texts", ids(r), tc.texts)
			ck.eq("buttons", grid(r), tc.grid)
			ck.eq("edit", r.Edit, tc.edit)
			ck.eq("calendar", r.Calendar, (*Calendar)(nil))
			ck.problems = append(ck.problems, flaws(e, family(), res.Replies)...)
			ck.done(t, "")
		})
	}
}

func signUp(id int64, status polku.SignUpStatus, start time.Time, position int) polku.SignUp {
	a := activity(id/10, polku.CategoryNature, session(id, start, 10, 3))
	return polku.SignUp{ID: id, Status: status, Children: 2, Adults: 1, Position: position, Created: days(-3), Activity: a}
}

func TestMine(t *testing.T) {
	e := engine()
	list := []polku.SignUp{
		signUp(81, polku.SignedUp, days(1), 0),
		signUp(92, polku.Waiting, days(2), 2),
		signUp(103, polku.SignedUp, days(-1), 0),
	}
	_, res := open(t, e, family(), "a:m", Found{SignUps: list})
	r := only(t, res)
	var ck check
	ck.eq("texts", ids(r), []string{"act.mine.title", "act.mine.item", "act.mine.item", "act.mine.item"})
	ck.eq("buttons", grid(r), [][]string{
		{"act.open=a:c:8:m:81", "act.cancel=a:x:81"},
		{"act.open=a:c:9:m:92", "act.cancel=a:x:92"},
		{"act.open=a:c:10:m"},
		{"menu.settings=a:r"},
		{"button.person=P"},
	})
	var status []Text
	for _, x := range r.Text[1:] {
		status = append(status, x.Data["Status"].(Text))
	}
	ck.eq("status", status, []Text{
		{ID: "act.status.confirmed", Data: map[string]any{"Count": 3}, Count: ptr(3)},
		{ID: "act.status.waiting", Data: map[string]any{"Position": 2}},
		T("act.status.past"),
	})
	ck.eq("edit", r.Edit, pressed)
	ck.problems = append(ck.problems, flaws(e, family(), res.Replies)...)

	_, res = open(t, e, family(), "a:m", Found{})
	r = only(t, res)
	ck.eq("none", ids(r), []string{"act.mine.none"})
	ck.eq("none buttons", grid(r), [][]string{{"menu.activities=a:s:0"}, {"button.person=P"}})
	ck.done(t, "")
}

func TestCancel(t *testing.T) {
	su := signUp(81, polku.SignedUp, days(1), 0)
	gone := su
	gone.Status = polku.Cancelled
	for _, tc := range []struct {
		payload string
		su      polku.SignUp
		texts   []string
		grid    [][]string
	}{
		{"a:x:81", su, []string{"act.cancel.ask"}, [][]string{{"act.cancel.yes=a:xx:81"}, {"act.cancel.no=a:m"}}},
		{"a:x:81", gone, []string{"act.cancel.already"}, [][]string{{"menu.mine=a:m"}}},
		{"a:xx:81", gone, []string{"act.cancel.done"}, [][]string{{"menu.mine=a:m", "menu.activities=a:s:0"}}},
	} {
		t.Run(tc.payload+"/"+string(tc.su.Status), func(t *testing.T) {
			e := engine()
			_, res := open(t, e, family(), tc.payload, Found{SignUp: tc.su})
			r := only(t, res)
			var ck check
			ck.eq("texts", ids(r), tc.texts)
			ck.eq("buttons", grid(r), tc.grid)
			ck.eq("edit", r.Edit, pressed)
			if tc.texts[0] != "act.cancel.already" {
				ck.eq("title", r.Text[0].Data["Title"], "Outing 8")
			}
			ck.problems = append(ck.problems, flaws(e, family(), res.Replies)...)
			ck.done(t, "")
		})
	}
}

// "We can't come" on a reminder opens the cancel question; once the time
// has begun, /mine no longer offers to cancel, and neither should this.
func TestCancelAfterTheStart(t *testing.T) {
	e := engine()
	_, res := open(t, e, family(), "A:x:81", Found{SignUp: signUp(81, polku.SignedUp, days(-0.01), 0)})
	var ck check
	for _, row := range grid(only(t, res)) {
		for _, b := range row {
			if strings.HasSuffix(b, "=a:xx:81") {
				ck.errorf("a sign-up whose time began 15 minutes ago can still be cancelled: %s", b)
			}
		}
	}
	ck.done(t, "")
}

func TestRemindersSetting(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		name, payload string
		conv          Conversation
		on            bool
		news          *bool
		texts         []string
		grid          [][]string
	}{
		{"on", "a:r", family(), true, nil, []string{"act.settings.on", "act.settings.news_off"},
			[][]string{{"act.settings.turn_off=a:r:0"}, {"act.settings.news_turn_on=a:r:n1"}, {"menu.mine=a:m"}, {"button.person=P"}}},
		{"turned off", "a:r:0", family(), false, nil, []string{"act.settings.off", "act.settings.news_off"},
			[][]string{{"act.settings.turn_on=a:r:1"}, {"act.settings.news_turn_on=a:r:n1"}, {"menu.mine=a:m"}, {"button.person=P"}}},
		{"turned on", "a:r:1", family(), true, nil, []string{"act.settings.on", "act.settings.news_off"},
			[][]string{{"act.settings.turn_off=a:r:0"}, {"act.settings.news_turn_on=a:r:n1"}, {"menu.mine=a:m"}, {"button.person=P"}}},
		{"news on", "a:r:n1", family(), true, &yes, []string{"act.settings.on", "act.settings.news_on"},
			[][]string{{"act.settings.turn_off=a:r:0"}, {"act.settings.news_turn_off=a:r:n0"}, {"menu.mine=a:m"}, {"button.person=P"}}},
		{"news off", "a:r:n0", family(), true, &no, []string{"act.settings.on", "act.settings.news_off"},
			[][]string{{"act.settings.turn_off=a:r:0"}, {"act.settings.news_turn_on=a:r:n1"}, {"menu.mine=a:m"}, {"button.person=P"}}},
		{"without consent", "a:r", stranger(), true, nil, []string{"act.settings.none"},
			[][]string{{"menu.activities=a:s:0"}, {"button.person=P"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engine()
			_, res := open(t, e, tc.conv, tc.payload, Found{Reminders: tc.on, News: tc.news})
			r := only(t, res)
			var ck check
			ck.eq("texts", ids(r), tc.texts)
			ck.eq("buttons", grid(r), tc.grid)
			ck.eq("edit", r.Edit, pressed)
			ck.problems = append(ck.problems, flaws(e, tc.conv, res.Replies)...)
			ck.done(t, "")
		})
	}
}

func TestAttendance(t *testing.T) {
	for _, tc := range []struct{ payload, text string }{
		{"a:at:81:y", "attend.thanks.yes"},
		{"a:at:81:n", "attend.thanks.no"},
		{"a:at:81:c", "attend.thanks.could_not"},
	} {
		t.Run(tc.payload, func(t *testing.T) {
			e := engine()
			_, res := open(t, e, family(), tc.payload, Found{SignUp: signUp(81, polku.SignedUp, days(-1), 0)})
			r := only(t, res)
			var ck check
			ck.eq("texts", ids(r), []string{tc.text})
			// A next step, never a dead end.
			ck.eq("buttons", grid(r), [][]string{{"menu.activities=A:s:0", "button.menu=M"}})
			ck.eq("edit", r.Edit, pressed) // the question becomes the thanks
			ck.eq("title", r.Text[0].Data["Title"], "Outing 8")
			ck.problems = append(ck.problems, flaws(e, family(), res.Replies)...)
			ck.done(t, "")
		})
	}
}

// An "a:" press replaces the pressed message; "A:" and commands open a
// new one.
func TestEditOrNewMessage(t *testing.T) {
	found := Found{Activity: outing(), Activities: catalogue(), SignUp: signUp(81, polku.SignedUp, days(1), 0), Reminders: true}
	for _, tc := range []struct {
		name  string
		conv  func() Conversation
		in    Input
		query *Query // nil: the screen comes without a query
		edit  int
	}{
		{"a:c", family, Input{Kind: KindButton, Payload: "a:c:5:m", MessageID: pressed},
			&Query{Kind: QueryActivity, Activity: 5, Screen: "a:c:5:m"}, pressed},
		{"A:c", family, Input{Kind: KindButton, Payload: "A:c:5:m", MessageID: pressed},
			&Query{Kind: QueryActivity, Activity: 5, Screen: "a:c:5:m", Fresh: true}, 0},
		{"a:s", family, Input{Kind: KindButton, Payload: "a:s:0", MessageID: pressed},
			&Query{Kind: QuerySuggest, Municipality: "Kuusamo", Screen: "a:s:0"}, pressed},
		{"A:s from the menu", family, Input{Kind: KindButton, Payload: "A:s:0", MessageID: pressed},
			&Query{Kind: QuerySuggest, Municipality: "Kuusamo", Screen: "a:s:0", Fresh: true}, 0},
		{"A:x from a reminder", family, Input{Kind: KindButton, Payload: "A:x:81", MessageID: pressed},
			&Query{Kind: QuerySignUpOne, SignUp: 81, Screen: "a:x:81", Fresh: true}, 0},
		{"a:w", family, Input{Kind: KindButton, Payload: "a:w", MessageID: pressed}, nil, pressed},
		{"A:w", family, Input{Kind: KindButton, Payload: "A:w", MessageID: pressed}, nil, 0},
		{"A:s without a profile", stranger, Input{Kind: KindButton, Payload: "A:s:0", MessageID: pressed}, nil, 0},
		{"/activities", family, Input{Kind: KindCommand, Command: "activities"},
			&Query{Kind: QuerySuggest, Municipality: "Kuusamo", Screen: "a:s:0"}, 0},
		{"/activities without a profile", stranger, Input{Kind: KindCommand, Command: "activities"}, nil, 0},
		{"/mine", family, Input{Kind: KindCommand, Command: "mine"}, &Query{Kind: QueryMine, Screen: "a:m"}, 0},
		{"/settings", family, Input{Kind: KindCommand, Command: "settings"}, &Query{Kind: QueryReminders, Screen: "a:r"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engine()
			in := tc.in
			in.Now = t0
			res := e.Step(tc.conv(), in)
			var ck check
			ck.eq("query", res.Query, tc.query)
			if res.Query != nil {
				ck.eq("replies before the answer", len(res.Replies), 0)
				// The adapter passes the input's message on (0 for a command).
				res = answer(e, res, found, in.MessageID)
			}
			r := only(t, res)
			ck.eq("edit", r.Edit, tc.edit)
			ck.done(t, "")
		})
	}
}

func TestFirstSuggestionsAfterTheIntake(t *testing.T) {
	w := newWalker(t)
	throughIntake(w)
	res := w.press("summary.confirm")
	w.want(Done)
	want := &Query{Kind: QuerySuggest, Municipality: "Kuusamo", Screen: "a:s:0", Fresh: true}
	if !reflect.DeepEqual(res.Query, want) {
		t.Fatalf("query\n got %+v\nwant %+v", res.Query, want)
	}
	res = w.do(Input{Kind: KindFound, Found: &Found{Query: *res.Query, Activities: catalogue()}, MessageID: 7})
	r := only(t, res)
	if r.Edit != 0 || len(r.Text) == 0 || r.Text[0].ID != "act.suggest.title" {
		t.Errorf("the thanks must stay: got edit %d, %v", r.Edit, ids(r))
	}

	// A municipality the deployment does not serve has nothing to suggest.
	w = newWalker(t)
	throughIntake(w)
	w.press("summary.edit.municipality")
	w.press("municipality.other")
	if res := w.press("summary.confirm"); res.Query != nil {
		t.Errorf("query %+v for municipality %q", res.Query, w.c.Answers.Municipality)
	}
}

func TestNotice(t *testing.T) {
	su := signUp(81, polku.SignedUp, days(1), 0)
	su.Activity.Title = polku.Localized{"fi": "Luontoretki", "sv": "Naturutflykt"}
	old := days(0.5)
	cant := []string{"notice.cannot_come=A:x:81"}
	mine := []string{"menu.mine=A:m"}
	for _, tc := range []struct {
		kind     polku.JobKind
		text     string
		grid     [][]string
		calendar bool
	}{
		{polku.JobRemindDay, "notice.remind_day", [][]string{cant, mine}, false},
		{polku.JobRemindSoon, "notice.remind_soon", [][]string{cant}, false},
		{polku.JobFollowUp, "notice.follow_up", [][]string{
			{"attend.yes=a:at:81:y"}, {"attend.no=a:at:81:n"}}, false},
		{polku.JobCancelled, "notice.cancelled", [][]string{{"menu.activities=A:s:0"}, {"button.person=P"}}, false},
		{polku.JobMoved, "notice.moved", [][]string{cant, mine}, false},
		{polku.JobPromoted, "notice.promoted", [][]string{cant, mine}, true},
		{"notice_unknown", "notice.changed", [][]string{mine}, false},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			e := engine()
			r := e.Notice("sv", tc.kind, su, old)
			var ck check
			ck.eq("texts", ids(r), []string{tc.text})
			ck.eq("buttons", grid(r), tc.grid)
			ck.eq("edit", r.Edit, 0)
			var want *Calendar
			if tc.calendar {
				want = &Calendar{SignUp: su}
			}
			ck.eq("calendar", r.Calendar, want)
			data := r.Text[0].Data
			ck.eq("title", data["Title"], "Naturutflykt")
			ck.eq("when", data["When"], When{Start: days(1), End: days(1).Add(2 * time.Hour)})
			ck.eq("time", data["Time"], When{Start: days(1), Clock: true})
			ck.eq("place", data["Place"], "Toivola")
			if tc.kind == polku.JobMoved {
				ck.eq("old", data["Old"], When{Start: old})
			}
			ck.problems = append(ck.problems, flaws(e, family(), []Reply{r})...)
			ck.done(t, "")
		})
	}
}

// fuzzFound answers any query with data shaped by pick, using the IDs the
// query names so the screens behind them are reached, and IDs of 19
// digits elsewhere so payloads are as long as they get.
func fuzzFound(q Query, pick uint8) Found {
	const big = int64(1) << 62
	aid := q.Activity
	if aid == 0 {
		aid = big
	}
	parts := strings.Split(q.Screen, ":")
	sid, _ := strconv.ParseInt(arg(parts, 3), 10, 64)
	if sid <= 0 {
		sid = big + 1
	}
	a := activity(aid, polku.CategoryCulture, session(sid, days(2), 10, int(pick%11)), session(big+2, days(3), 10, 0))
	a.Place.Coords = &polku.Coords{Lat: -89.123456, Lon: -179.123456}
	suID := q.SignUp
	if suID == 0 {
		suID = big + 3
	}
	su := polku.SignUp{ID: suID, Status: polku.SignedUp, Children: 1, Adults: 1, Activity: activity(aid, polku.CategoryCulture, session(sid, days(2), 10, 2))}
	acts := []polku.Activity{a}
	for i := range int64(12) {
		acts = append(acts, activity(big+10+i, polku.CategoryNature, session(big+100+i, days(float64(i%9)), 10, 0)))
	}
	outcomes := []polku.SignUpOutcome{polku.OutcomeConfirmed, polku.OutcomeWaiting, polku.OutcomeAlready, polku.OutcomeClosed, polku.OutcomeTooMany, ""}
	errs := []string{"", "", "", polku.ENOTFOUND, polku.ECONFLICT, polku.EFORBIDDEN, polku.EINVALID, polku.EINTERNAL}
	return Found{
		Query: q, Activities: acts, Activity: a, SignUp: su,
		SignUps:   []polku.SignUp{su, signUp(big+4, polku.Waiting, days(4), 7), signUp(big+5, polku.SignedUp, days(-2), 0)},
		Outcome:   outcomes[int(pick)%len(outcomes)],
		Reminders: pick&1 == 1,
		Err:       errs[int(pick/8)%len(errs)],
	}
}

func FuzzActivityPayload(f *testing.F) {
	for _, p := range []string{
		"s:0", "s:3", "w", "wm:1", "wc:0:nature:0", "wc:1:all:12", "c:5:s3", "c:5:w1.nature.2", "c:5:m", "c:5:",
		"t:5:m", "p:5:51:x:x:s3", "p:5:51:2:1:w0.all.12", "ok:5:51:x:x:m", "y:5:51:2:1", "m", "x:80", "xx:80",
		"r", "r:1", "r:0", "at:80:y", "at:80:c", "privacy", "", "zz:1", "p:5:51:9:9:", "c:5:w0.nature.000000000000",
		"c:5:w1.animals.12.9:51", "t:5:m:51", "wc:1:animals:12:9", "w:3", "y:5:51:2:1:w1.animals.12.9", "yw:5:51:9:0:s999",
		"y:4611686018427387904:4611686018427387904:9:0:w1.animals.12.9", "c:4611686018427387904:w1.animals.12.9:4611686018427387904",
		"wr:0", "wr:1:1", "wr:",
	} {
		f.Add(p, true, uint8(0))
		f.Add(p, false, uint8(9))
	}
	f.Fuzz(func(t *testing.T, rest string, consent bool, pick uint8) {
		for _, prefix := range []string{"a:", "A:"} {
			p := prefix + rest
			if len(p) > 64 {
				return // Telegram never delivers longer callback data
			}
			e := engine()
			c := stranger()
			if consent {
				c = family()
			}
			res := e.Step(c, Input{Kind: KindButton, Payload: p, MessageID: pressed, Now: t0})
			replies := res.Replies
			if !e.Valid(res.Conv) {
				t.Fatalf("%q: invalid conversation %+v", p, res.Conv)
			}
			if res.Query != nil {
				found := fuzzFound(*res.Query, pick)
				more := e.Step(res.Conv, Input{Kind: KindFound, Found: &found, MessageID: pressed, Now: t0})
				if !e.Valid(more.Conv) {
					t.Fatalf("%q: invalid conversation after the answer %+v", p, more.Conv)
				}
				replies = append(replies, more.Replies...)
			}
			for _, r := range replies {
				for _, rows := range [][][]Button{r.Inline, r.Keyboard} {
					for _, row := range rows {
						for _, b := range row {
							if len(b.Payload) > 64 {
								t.Errorf("%q: payload %q is %d bytes", p, b.Payload, len(b.Payload))
							}
						}
					}
				}
			}
		}
	})
}

// A time the family is signed up for, or waits for, is marked in lists,
// on the card and among the other times; the card offers the sign-ups
// instead of signing up again.
func TestBooked(t *testing.T) {
	e := engine()
	two := activity(5, polku.CategoryNature, session(51, days(2), 10, 3), session(52, days(9), 10, 10))
	mine := []polku.SignUp{signUp(51, polku.SignedUp, days(2), 0), signUp(52, polku.Waiting, days(9), 3)}
	mine[0].Activity.ID, mine[1].Activity.ID = 5, 5
	confirmed := Text{ID: "act.booked", Data: map[string]any{"Count": 3}, Count: ptr(3)}
	waiting := Text{ID: "act.booked_waiting", Data: map[string]any{"Position": 3}}
	var ck check

	_, res := open(t, e, family(), "a:c:5:m:51", Found{Activity: two, SignUps: mine})
	r := only(t, res)
	ck.eq("card", ids(r), []string{"act.card.title", "act.card.details", "act.card.at", "act.card.booked_other"})
	ck.eq("card booked", r.Text[2].Data["Booked"], confirmed)
	ck.eq("card buttons", grid(r)[0], []string{"menu.mine=a:m"})
	ck.problems = append(ck.problems, flaws(e, family(), res.Replies)...)

	_, res = open(t, e, family(), "a:c:5:m:52", Found{Activity: two, SignUps: mine})
	ck.eq("card waiting", only(t, res).Text[2].Data["Booked"], waiting)

	_, res = open(t, e, family(), "a:t:5:m", Found{Activity: two, SignUps: mine})
	r = only(t, res)
	ck.eq("times", r.Inline[0][0].Label.Data["Seats"], confirmed)
	ck.eq("times waiting", r.Inline[1][0].Label.Data["Seats"], waiting)

	_, res = open(t, e, stranger(), "a:wc:0:all:1", Found{Activities: []polku.Activity{two}, SignUps: mine})
	r = only(t, res)
	ck.eq("list", r.Text[1].Data["Booked"], confirmed)
	_, res = open(t, e, stranger(), "a:wc:0:all:1", Found{Activities: []polku.Activity{two}})
	ck.eq("list unbooked", only(t, res).Text[1].Data["Booked"], "")
	ck.done(t, "")
}
