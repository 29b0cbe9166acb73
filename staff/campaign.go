package staff

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"

	"polku"
	"polku/flows"
)

// Campaigns: a manager or a coordinator composes an announcement with
// /campaign, in every language the service speaks, picks the families by
// anonymous profile fields (never by name), sees how many they are (only
// when at least polku.MinSegment), previews it and sends it; /campaigns
// lists what was sent, with its figures protected as the report's are.
//
//	/campaign                      the draft, and how to go on
//	/campaign fi <text>            its text in one language
//	/campaign activity <words|nr>  the activity its button opens ("none": no button)
//	/campaign group <field>...     the families: municipality=… age=7-12 interest=nature
//	                               language=uk new (not attended yet) low (wellbeing under 50 at start)
//	/campaign preview              as the families will see it, in each language
//	/campaign send [N]             how many it goes to; with that number, sends it
//	/campaign discard              forget the draft
//
// A picture is a photo sent with the caption "/campaign photo"
// (Input.Photo); "/campaign nophoto" takes it away.

// CampaignTx is what campaigns need of the store, in the update's
// transaction.
type CampaignTx interface {
	Draft(ctx context.Context, chat, user int64) (polku.Campaign, error)
	SaveDraft(ctx context.Context, c polku.Campaign) error
	DiscardDraft(ctx context.Context, chat, user int64) error
	SegmentSize(ctx context.Context, seg polku.Segment) (int, error)
	FindActivities(ctx context.Context, words string, limit int) ([]polku.Activity, error)
	// SendCampaign queues the campaign for its families and returns how
	// many (see store.Tx.SendCampaign).
	SendCampaign(ctx context.Context, c polku.Campaign, user int64) (int, error)
	// SentCampaigns are the limit campaigns sent last, oldest first,
	// their figures protected as the report's.
	SentCampaigns(ctx context.Context, limit int) ([]SentCampaign, error)
	Audit(ctx context.Context, who int64, action string, caseID int64, detail string) error
}

// Campaigner is the campaigns' side of the service: its languages and
// municipalities.
type Campaigner struct {
	Languages, Municipalities []string
}

// The longest announcement, in UTF-16 code units as Telegram counts: a
// message's 4,096, or a photo's caption of 1,024, less room to spare.
const (
	maxCampaignText    = 3500
	maxCampaignCaption = 900
)

// listCampaigns is how many sent campaigns /campaigns lists.
const listCampaigns = 10

// Command answers /campaign and /campaigns of in.User in in.Chat.
func (cs *Campaigner) Command(ctx context.Context, tx CampaignTx, in Input) ([]Message, error) {
	if in.Command == "campaigns" {
		return cs.list(ctx, tx, in.Reach)
	}
	// The text may start on a line of its own: the command's word ends at
	// any space.
	arg := strings.TrimSpace(in.Arg)
	sub, rest := arg, ""
	if i := strings.IndexFunc(arg, unicode.IsSpace); i >= 0 {
		sub, rest = arg[:i], strings.TrimSpace(arg[i:])
	}
	sub = strings.ToLower(sub)
	if sub == "discard" {
		if err := tx.DiscardDraft(ctx, in.Chat, in.User); err != nil {
			return nil, err
		}
		return []Message{say(L("campaign.discarded", nil))}, nil
	}
	c, err := tx.Draft(ctx, in.Chat, in.User)
	if err != nil {
		return nil, err
	}
	var problem Line
	help := false
	switch {
	case sub == "" || sub == "show" || sub == "help":
		help = true
	case slices.Contains(cs.Languages, sub):
		problem = cs.setText(&c, sub, rest)
	case sub == "photo":
		if in.Photo == "" {
			problem = L("campaign.photo_how", nil)
			break
		}
		c.Photo = in.Photo
		if campaignLongest(c) > maxCampaignCaption {
			problem = L("campaign.too_long_caption", map[string]any{"Max": maxCampaignCaption})
			c.Photo = ""
		}
	case sub == "nophoto":
		c.Photo = ""
	case sub == "activity":
		var more []Message
		more, problem, err = cs.setActivity(ctx, tx, &c, rest)
		if err != nil || more != nil {
			return more, err
		}
	case sub == "group":
		seg, bad := cs.ParseSegment(rest)
		if bad != "" {
			problem = L("campaign.group_bad", map[string]any{"Word": bad})
			break
		}
		if outside(in.Reach, seg) {
			problem = L("campaign.outside_scope", map[string]any{"List": strings.Join(in.Reach, ", ")})
			break
		}
		c.Segment = seg
	case sub == "preview":
		return cs.preview(ctx, tx, c)
	case sub == "send" && outside(in.Reach, c.Segment):
		problem = L("campaign.outside_scope", map[string]any{"List": strings.Join(in.Reach, ", ")})
	case sub == "send":
		return cs.send(ctx, tx, c, in.User, rest)
	default:
		problem = L("campaign.unknown", map[string]any{"Word": sub})
	}
	if problem.Text.ID == "" {
		if err := tx.SaveDraft(ctx, c); err != nil {
			return nil, err
		}
	}
	return cs.show(ctx, tx, c, problem, help || problem.Text.ID != "")
}

// setText sets the draft's text in lang; a problem line when it cannot be.
func (cs *Campaigner) setText(c *polku.Campaign, lang, text string) Line {
	limit := maxCampaignText
	if c.Photo != "" {
		limit = maxCampaignCaption
	}
	switch n := utf16Len(text); {
	case n == 0:
		return L("campaign.text_how", map[string]any{"Lang": lang})
	case n > limit:
		return L("campaign.too_long", map[string]any{"Max": limit, "N": n})
	}
	if c.Texts == nil {
		c.Texts = map[string]string{}
	}
	c.Texts[lang] = text
	return Line{}
}

// campaignLongest is the length of the draft's longest text, as Telegram
// counts it (utf16Len).
func campaignLongest(c polku.Campaign) int {
	longest := 0
	for _, t := range c.Texts {
		longest = max(longest, utf16Len(t))
	}
	return longest
}

// utf16Len is the length of s as Telegram counts a message's or a
// caption's: in UTF-16 code units (an emoji is often two).
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// setActivity sets the activity the draft's button opens: by its number,
// or by words of its title when exactly one matches; several are listed.
func (cs *Campaigner) setActivity(ctx context.Context, tx CampaignTx, c *polku.Campaign, words string) ([]Message, Line, error) {
	if strings.EqualFold(words, "none") || words == "0" {
		c.Activity = 0
		return nil, Line{}, nil
	}
	if words == "" {
		return nil, L("campaign.activity_how", nil), nil
	}
	found, err := tx.FindActivities(ctx, words, 8)
	if err != nil {
		return nil, Line{}, err
	}
	if n, err := strconv.ParseInt(words, 10, 64); err == nil {
		found = slices.DeleteFunc(found, func(a polku.Activity) bool { return a.ID != n })
	}
	switch len(found) {
	case 0:
		return nil, L("campaign.activity_none", map[string]any{"Words": words}), nil
	case 1:
		c.Activity, c.ActivityTitle = found[0].ID, found[0].Title
		return nil, Line{}, nil
	}
	lines := []Line{L("campaign.activity_many", nil)}
	for _, a := range found {
		lines = append(lines, Raw(fmt.Sprintf("%d · %s", a.ID, cs.title(a.Title))))
	}
	return []Message{say(lines...)}, Line{}, nil
}

// title is an activity's title in the service's first language it has.
func (cs *Campaigner) title(t polku.Localized) string {
	for _, l := range cs.Languages {
		if t[l] != "" {
			return t[l]
		}
	}
	for _, v := range t {
		return v
	}
	return ""
}

// ParseSegment reads the fields of "/campaign group": "municipality=…",
// "age=…", "interest=…", "language=…", "new" and "low"; "all" or nothing
// is everyone who wants news. bad is the first word it cannot read.
func (cs *Campaigner) ParseSegment(s string) (seg polku.Segment, bad string) {
	for _, w := range strings.Fields(s) {
		key, value, _ := strings.Cut(w, "=")
		key = strings.ToLower(key)
		ok := true
		switch key {
		case "all":
			ok = value == ""
		case "new":
			seg.NotAttended, ok = true, value == ""
		case "low":
			seg.LowWellbeing, ok = true, value == ""
		case "municipality":
			i := slices.IndexFunc(cs.Municipalities, func(m string) bool { return strings.EqualFold(m, value) })
			if ok = i >= 0; ok {
				seg.Municipality = cs.Municipalities[i]
			}
		case "age":
			seg.Age = polku.AgeBand(value)
			ok = slices.Contains(polku.AgeBands, seg.Age)
		case "interest":
			seg.Interest = polku.Interest(strings.ToLower(value))
			ok = slices.Contains(polku.Interests, seg.Interest)
		case "language":
			seg.Lang = strings.ToLower(value)
			ok = slices.Contains(cs.Languages, seg.Lang)
		default:
			ok = false
		}
		if !ok {
			return polku.Segment{}, w
		}
	}
	return seg, ""
}

// segmentLine says in words which families a segment picks.
func segmentLine(seg polku.Segment) Line {
	var parts []Line
	if seg.Municipality != "" {
		parts = append(parts, Raw(seg.Municipality))
	}
	if seg.Age != "" {
		parts = append(parts, L("campaign.seg.age", map[string]any{"Band": strings.ReplaceAll(string(seg.Age), "-", "–")}))
	}
	if seg.Interest != "" {
		parts = append(parts, L("campaign.seg.interest", map[string]any{"Interest": L("interest."+string(seg.Interest), nil)}))
	}
	if seg.Lang != "" {
		parts = append(parts, L("campaign.seg.lang", map[string]any{"Lang": L("language.name."+seg.Lang, nil)}))
	}
	if seg.NotAttended {
		parts = append(parts, L("campaign.seg.new", nil))
	}
	if seg.LowWellbeing {
		parts = append(parts, L("campaign.seg.low", map[string]any{"Under": polku.LowBaseline}))
	}
	if len(parts) == 0 {
		return L("campaign.seg.all", nil)
	}
	for i := len(parts) - 1; i > 0; i-- {
		parts = slices.Insert(parts, i, Raw(" · "))
	}
	return Line{Parts: parts}
}

// reach is how many families seg reaches as it may be told, and the
// problem that keeps it from going (a zero Line when there is none). The
// number is rounded down to a multiple of polku.MinSegment, so that sizes
// of groups that differ by a field cannot be subtracted to single out a
// family; and a field that tells about a family's situation ("low", "new")
// may pick a group only when at least polku.MinSegment families of the
// group without it are left out by it: otherwise the size would say that
// nearly every family of a group one can name has low wellbeing, or has
// not attended.
func (cs *Campaigner) reach(ctx context.Context, tx CampaignTx, seg polku.Segment) (int, Line, error) {
	n, err := tx.SegmentSize(ctx, seg)
	if err != nil {
		return 0, Line{}, err
	}
	if n < polku.MinSegment {
		return 0, L("campaign.too_small", map[string]any{"Min": polku.MinSegment}), nil
	}
	for _, f := range []struct {
		set   bool
		clear func(*polku.Segment)
		word  string
	}{
		{seg.LowWellbeing, func(s *polku.Segment) { s.LowWellbeing = false }, "low"},
		{seg.NotAttended, func(s *polku.Segment) { s.NotAttended = false }, "new"},
	} {
		if !f.set {
			continue
		}
		wider := seg
		f.clear(&wider)
		m, err := tx.SegmentSize(ctx, wider)
		if err != nil {
			return 0, Line{}, err
		}
		if m-n < polku.MinSegment {
			return 0, L("campaign.too_telling", map[string]any{"Word": f.word, "Min": polku.MinSegment}), nil
		}
	}
	return n - n%polku.MinSegment, Line{}, nil
}

// sizeLine is how many families the segment reaches, or why it cannot go.
func sizeLine(n int, problem Line) Line {
	if problem.Text.ID != "" {
		return problem
	}
	return L("campaign.size", map[string]any{"N": n})
}

// show is the draft as it is, with problem (when set) first, and how to go
// on: all the commands with help (a new draft, /campaign, a problem),
// else one line that says where they are, so that each step is short.
func (cs *Campaigner) show(ctx context.Context, tx CampaignTx, c polku.Campaign, problem Line, help bool) ([]Message, error) {
	n, why, err := cs.reach(ctx, tx, c.Segment)
	if err != nil {
		return nil, err
	}
	var lines []Line
	if problem.Text.ID != "" {
		lines = append(lines, problem, blank)
	}
	var texts []string
	for _, l := range cs.Languages {
		mark := "—"
		if c.Texts[l] != "" {
			mark = "✅"
		}
		texts = append(texts, l+" "+mark)
	}
	photo := L("campaign.photo_none", nil)
	if c.Photo != "" {
		photo = L("campaign.photo_yes", nil)
	}
	activity := L("campaign.activity_no", nil)
	if c.Activity != 0 {
		activity = Raw(fmt.Sprintf("%s (%d)", cs.title(c.ActivityTitle), c.Activity))
	}
	lines = append(lines,
		L("campaign.draft", map[string]any{"ID": c.ID}),
		L("campaign.texts", map[string]any{"Texts": strings.Join(texts, " · ")}),
		L("campaign.photo", map[string]any{"Photo": photo}),
		L("campaign.activity", map[string]any{"Activity": activity}),
		L("campaign.group", map[string]any{"Group": segmentLine(c.Segment)}),
		sizeLine(n, why), blank)
	if help {
		lines = append(lines, L("campaign.help", map[string]any{"Langs": strings.Join(cs.Languages, ", "), "Lang": cs.Languages[0]}))
	} else {
		lines = append(lines, L("campaign.help_short", nil))
	}
	return []Message{say(lines...)}, nil
}

// preview is the draft as the families will see it, in each language it
// has, after a line that says so.
func (cs *Campaigner) preview(ctx context.Context, tx CampaignTx, c polku.Campaign) ([]Message, error) {
	if len(c.Texts) == 0 {
		return cs.show(ctx, tx, c, L("campaign.no_text", nil), true)
	}
	out := []Message{say(L("campaign.preview", map[string]any{"ID": c.ID}))}
	for _, l := range cs.Languages {
		if c.Texts[l] != "" {
			c := c
			out = append(out, Message{To: Here, Campaign: &c, Lang: l})
		}
	}
	return out, nil
}

// send says about how many families the draft goes to (see reach) and how
// to confirm; with that number confirmed, it sends. Nothing goes without a
// text in every language, or to a group reach refuses.
func (cs *Campaigner) send(ctx context.Context, tx CampaignTx, c polku.Campaign, user int64, confirm string) ([]Message, error) {
	if missing := c.Missing(cs.Languages); len(missing) > 0 {
		return cs.show(ctx, tx, c, L("campaign.missing", map[string]any{"Langs": strings.Join(missing, ", ")}), true)
	}
	n, why, err := cs.reach(ctx, tx, c.Segment)
	if err != nil {
		return nil, err
	}
	if why.Text.ID != "" {
		return cs.show(ctx, tx, c, why, true)
	}
	if confirm != "" && confirm != strconv.Itoa(n) {
		// The group changed since the number was told (families came or
		// said no): say so, not only the new number.
		return []Message{say(L("campaign.confirm_changed", map[string]any{"N": n, "Was": confirm, "ID": c.ID}))}, nil
	}
	if confirm == "" {
		return []Message{say(L("campaign.confirm", map[string]any{"N": n, "ID": c.ID}))}, nil
	}
	sent, err := tx.SendCampaign(ctx, c, user)
	if polku.ErrorCode(err) == polku.EINVALID {
		return cs.show(ctx, tx, c, L("campaign.too_small", map[string]any{"Min": polku.MinSegment}), true)
	}
	if err != nil {
		return nil, err
	}
	// About as many as the confirmation said: sizes are told in fives.
	return []Message{say(L("campaign.sent", map[string]any{"ID": c.ID, "N": sent - sent%polku.MinSegment}))},
		tx.Audit(ctx, user, "campaign_sent", 0, fmt.Sprintf("%d to %d", c.ID, sent))
}

// outside reports whether a manager of the municipalities reach (nil:
// the whole service) may not send to seg: a manager of a part of the
// service sends to one of its municipalities' families only.
func outside(reach []string, seg polku.Segment) bool {
	return reach != nil && !slices.Contains(reach, seg.Municipality)
}

// list is /campaigns: the campaigns sent last, oldest first, with their
// figures protected as the report protects its own; of a manager of the
// municipalities reach (nil: the whole service), those to them only.
func (cs *Campaigner) list(ctx context.Context, tx CampaignTx, reach []string) ([]Message, error) {
	sent, err := tx.SentCampaigns(ctx, listCampaigns)
	if err != nil {
		return nil, err
	}
	sent = slices.DeleteFunc(sent, func(c SentCampaign) bool { return outside(reach, c.Segment) })
	if len(sent) == 0 {
		return []Message{say(L("campaign.none_sent", nil))}, nil
	}
	lines := []Line{L("campaign.list", nil)}
	for _, c := range sent {
		f := c.Figures
		lines = append(lines, blank, L("campaign.list_item", map[string]any{
			"ID": c.ID, "Date": flows.When{Start: c.SentAt, Day: true}, "Group": segmentLine(c.Segment),
			"Sent": cellText(f[0]), "Delivered": cellText(f[1]), "Opened": cellText(f[2]), "SignedUp": cellText(f[3]),
		}))
	}
	return []Message{say(lines...)}, nil
}

// Count is a figure as it may be shown: N when Shown, else fewer than
// polku.MinSegment (and not told, so that no family can be worked out).
type Count struct {
	N     int
	Shown bool
}

// SentCampaign is a campaign sent, with its figures protected: sent,
// delivered, opened its activity, signed up.
type SentCampaign struct {
	polku.Campaign
	Figures [4]Count
}

// cellText is a protected count as a line: the number, or "< 5".
func cellText(c Count) Line {
	if c.Shown {
		return Raw(strconv.Itoa(c.N))
	}
	return L("campaign.hidden", map[string]any{"Min": polku.MinSegment})
}
