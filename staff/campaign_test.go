package staff_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"polku"
	"polku/staff"
	"polku/store"
)

var campaigner = &staff.Campaigner{Languages: []string{"fi", "sv", "en", "uk"}, Municipalities: []string{"Kuusamo", "Kalajoki"}}

func TestParseSegment(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want polku.Segment
		bad  string
	}{
		{"", polku.Segment{}, ""},
		{"all", polku.Segment{}, ""},
		{"municipality=kuusamo age=7-12", polku.Segment{Municipality: "Kuusamo", Age: polku.Age7to12}, ""},
		{"interest=Nature language=uk new low", polku.Segment{Interest: polku.InterestNature, Lang: "uk", NotAttended: true, LowWellbeing: true}, ""},
		{"municipality=Oulu", polku.Segment{}, "municipality=Oulu"},
		{"age=5-9", polku.Segment{}, "age=5-9"},
		{"language=ru", polku.Segment{}, "language=ru"},
		{"name=Virtanen", polku.Segment{}, "name=Virtanen"},
		{"new=yes", polku.Segment{}, "new=yes"},
	} {
		got, bad := campaigner.ParseSegment(tc.in)
		if got != tc.want || bad != tc.bad {
			t.Errorf("%q: %+v, %q; want %+v, %q", tc.in, got, bad, tc.want, tc.bad)
		}
	}
}

// campaignTx sends a campaign as the bot does, with one payload.
type campaignTx struct{ *store.Tx }

func (t campaignTx) SendCampaign(ctx context.Context, c polku.Campaign, user int64) (int, error) {
	return t.Tx.SendCampaign(ctx, c.ID, user, map[string][]byte{"fi": []byte(`{"m":"send","chat":0}`)}, "fi")
}

func (t campaignTx) SentCampaigns(ctx context.Context, limit int) ([]staff.SentCampaign, error) {
	cs, err := t.Tx.SentCampaigns(ctx, limit)
	out := make([]staff.SentCampaign, len(cs))
	for i, c := range cs {
		out[i].Campaign = c
	}
	return out, err
}

// lineIDs are the message IDs of the lines of ms.
func lineIDs(ms []staff.Message) []string {
	var out []string
	for _, m := range ms {
		for _, l := range m.Lines {
			out = append(out, l.Text.ID)
		}
	}
	return out
}

func TestCampaignGuards(t *testing.T) {
	db := newDB(t, func() time.Time { return start })
	run := func(arg string) []staff.Message {
		t.Helper()
		var ms []staff.Message
		apply(t, db, group, func(ctx context.Context, stx *store.Tx) (err error) {
			ms, err = campaigner.Command(ctx, campaignTx{stx}, staff.Input{User: aino, Chat: group, Command: "campaign", Arg: arg})
			return err
		})
		return ms
	}
	for _, tc := range []struct{ arg, want string }{
		{"", "campaign.draft"},
		{"fi", "campaign.text_how"},
		{"fi " + strings.Repeat("x", 3501), "campaign.too_long"},
		{"photo", "campaign.photo_how"},
		{"activity", "campaign.activity_how"},
		{"activity no such thing", "campaign.activity_none"},
		{"group name=Virtanen", "campaign.group_bad"},
		{"frobnicate", "campaign.unknown"},
		{"preview", "campaign.no_text"},
		{"fi Tervetuloa!", "campaign.draft"},
		{"send", "campaign.missing"},
		{"sv Välkommen!", "campaign.draft"},
		{"en Welcome!", "campaign.draft"},
		{"uk Ласкаво просимо!", "campaign.draft"},
		{"send", "campaign.too_small"},
		{"send 0", "campaign.too_small"},
		{"discard", "campaign.discarded"},
	} {
		if got := lineIDs(run(tc.arg)); !slices.Contains(got, tc.want) {
			t.Errorf("/campaign %.20s: %v, want %s", tc.arg, got, tc.want)
		}
	}
	// The texts are kept between commands until the draft is discarded.
	if got := lineIDs(run("send")); !slices.Contains(got, "campaign.missing") {
		t.Errorf("after discard: %v", got)
	}
	var ms []staff.Message
	apply(t, db, group, func(ctx context.Context, stx *store.Tx) (err error) {
		ms, err = campaigner.Command(ctx, campaignTx{stx}, staff.Input{User: aino, Chat: group, Command: "campaigns"})
		return err
	})
	if got := lineIDs(ms); !slices.Equal(got, []string{"campaign.none_sent"}) {
		t.Errorf("/campaigns: %v", got)
	}
}

// TestCampaignInScope: a manager of Kuusamo only picks Kuusamo's families;
// a draft of the whole service's (no municipality) is not sent by it.
func TestCampaignInScope(t *testing.T) {
	db := newDB(t, func() time.Time { return start })
	run := func(arg string) []string {
		t.Helper()
		var ms []staff.Message
		apply(t, db, 501, func(ctx context.Context, stx *store.Tx) (err error) {
			ms, err = campaigner.Command(ctx, campaignTx{stx}, staff.Input{User: 501, Chat: 501, Command: "campaign", Arg: arg, Reach: []string{"Kuusamo"}})
			return err
		})
		return lineIDs(ms)
	}
	for _, tc := range []struct{ arg, want string }{
		{"fi Tervetuloa!", "campaign.draft"},
		{"sv Välkommen!", "campaign.draft"},
		{"en Welcome!", "campaign.draft"},
		{"uk Ласкаво просимо!", "campaign.draft"},
		{"send", "campaign.outside_scope"},
		{"group municipality=Kalajoki", "campaign.outside_scope"},
		{"group all", "campaign.outside_scope"},
		{"group municipality=Kuusamo", "campaign.draft"},
		{"send", "campaign.too_small"},
	} {
		if got := run(tc.arg); !slices.Contains(got, tc.want) {
			t.Errorf("/campaign %s: %v, want %s", tc.arg, got, tc.want)
		}
	}
}
