package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"polku"
)

func TestRecordConsent(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	consentAt := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return consentAt }
	if err := db.AddReferralCode(ctx, "school-1", "A school"); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "sv", "v1", "school-1") })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "made-up") })
	inTx(t, db, 3, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "en", "v1", "") })

	for _, c := range []struct {
		chat     int64
		lang     string
		referral string
	}{{1, "sv", "school-1"}, {2, "fi", ""}, {3, "en", ""}} {
		f, err := db.Family(ctx, c.chat)
		if err != nil {
			t.Fatalf("chat %d: %v", c.chat, err)
		}
		if f.ChatID != c.chat || f.Lang != c.lang || f.Referral != c.referral || f.ConsentVersion != "v1" || !f.ConsentAt.Equal(consentAt) || !f.ProfileAt.IsZero() {
			t.Errorf("chat %d: family %+v, want lang %s referral %q consent v1", c.chat, f, c.lang, c.referral)
		}
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM families WHERE referral IS NULL`); n != 2 {
		t.Errorf("%d families without referral, want 2", n)
	}

	// Agreeing again to a new version keeps the family and its source.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "en", "v2", "") })
	f, err := db.Family(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if f.Referral != "school-1" || f.ConsentVersion != "v2" || f.Lang != "en" {
		t.Errorf("after a second consent: %+v", f)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM families WHERE chat_id = 1`); n != 1 {
		t.Errorf("%d families for chat 1", n)
	}
	// A later known code does not replace the first source.
	if err := db.AddReferralCode(ctx, "club-2", "A club"); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "en", "v2", "club-2") })
	if f, _ := db.Family(ctx, 1); f.Referral != "school-1" {
		t.Errorf("referral became %q", f.Referral)
	}
	if _, err := db.Family(ctx, 99); err == nil {
		t.Error("Family of an unknown chat: no error")
	} else {
		wantCode(t, err, polku.ENOTFOUND)
	}
}

func answers() polku.Answers {
	return polku.Answers{
		Municipality: "Kuusamo",
		Children:     map[polku.AgeBand]int{polku.Age3to6: 1, polku.Age13to17: 2},
		Interests:    []polku.Interest{polku.InterestNature},
		Helps:        []polku.Help{polku.HelpTalk},
		HelpText:     "Мы недавно переехали 🙂",
		Languages:    []string{"uk", "fi"},
		Wellbeing:    []int{2, 3, 4, 5},
		Contact:      polku.ContactPhone,
		Phone:        "+358401234567",
	}
}

func TestSaveProfile(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	a := answers()

	// Without consent there is no family to hold a profile.
	err := tryTx(db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "fi", a); return err })
	wantCode(t, err, polku.EINVALID)
	if n := scalar[int](t, db, `SELECT count(*) FROM families`); n != 0 {
		t.Fatalf("a profile without consent created %d families", n)
	}

	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "") })
	bad := a
	bad.Children = nil
	wantCode(t, tryTx(db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "fi", bad); return err }), polku.EINVALID)

	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		first, err := tx.SaveProfile(ctx, "uk", a)
		if err == nil && !first {
			t.Error("the first profile was not reported as the first")
		}
		return err
	})
	// The answers are stored without the wellbeing scores; those are the
	// baseline, apart.
	if got := scalar[bool](t, db, `SELECT answers ? 'wellbeing' FROM families WHERE chat_id = 1`); got {
		t.Error("the wellbeing scores are stored in the answers")
	}
	f, err := db.Family(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if f.ProfileAt.IsZero() || f.Lang != "uk" || f.Answers.HelpText != a.HelpText || f.Answers.Phone != a.Phone || f.Answers.Children[polku.Age13to17] != 2 || !slices.Equal(f.Answers.Wellbeing, a.Wellbeing) {
		t.Errorf("family after the profile: %+v", f)
	}

	// Changed answers re-saved from the summary replace the baseline (no
	// follow-up exists yet); the same answers again, or a profile without
	// the check, add nothing.
	later := a
	later.Wellbeing = []int{4, 4, 4, 4}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		first, err := tx.SaveProfile(ctx, "uk", later)
		if first {
			t.Error("a re-save was reported as the first profile")
		}
		return err
	})
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "uk", later); return err })
	skipped := a
	skipped.Wellbeing = nil
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "uk", skipped); return err })
	rows, err := db.pool.Query(ctx, `SELECT w.kind, w.scores FROM wellbeing w JOIN families f ON f.id = w.family_id WHERE f.chat_id = 1 ORDER BY w.id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var kind string
		var scores []int
		if err := rows.Scan(&kind, &scores); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprint(kind, scores))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"baseline[4 4 4 4]"}; !slices.Equal(got, want) {
		t.Errorf("wellbeing rows %v, want %v", got, want)
	}
	if f, _ := db.Family(ctx, 1); !slices.Equal(f.Answers.Wellbeing, later.Wellbeing) {
		t.Errorf("Family's wellbeing %v, want the baseline %v", f.Answers.Wellbeing, later.Wellbeing)
	}
}

func TestRequestPerson(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	// Before consent only the chat is kept.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	reqs, err := db.ContactRequests(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"button/chat open (no family)"}; !slices.Equal(reqs, want) {
		t.Errorf("requests %q, want %q", reqs, want)
	}
	// After consent, a new request updates the open one and ties it to
	// the family.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		return tx.RequestPerson(ctx, "intake", polku.ContactPhone, "+358401234567")
	})
	reqs, _ = db.ContactRequests(ctx, 1)
	if want := []string{"intake/phone open phone"}; !slices.Equal(reqs, want) {
		t.Errorf("requests %q, want %q", reqs, want)
	}
	// A handled request is kept; a new one opens beside it.
	if _, err := db.pool.Exec(ctx, `UPDATE contact_requests SET status = 'closed', closed_at = now() WHERE chat_id = 1`); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	reqs, _ = db.ContactRequests(ctx, 1)
	if want := []string{"intake/phone closed phone", "button/chat open"}; !slices.Equal(reqs, want) {
		t.Errorf("requests %q, want %q", reqs, want)
	}
	if reqs, _ := db.ContactRequests(ctx, 2); len(reqs) != 0 {
		t.Errorf("another chat has requests %q", reqs)
	}
}

// family makes a family with a profile, wellbeing answers and a request.
func family(t *testing.T, db *DB, chat int64) {
	t.Helper()
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
		if err := tx.RequestPerson(ctx, "button", polku.ContactChat, ""); err != nil {
			return err
		}
		if err := tx.RecordConsent(ctx, "fi", "v1", ""); err != nil {
			return err
		}
		if _, err := tx.SaveProfile(ctx, "fi", answers()); err != nil {
			return err
		}
		return tx.Save(ctx, Conversation{Data: []byte(`{}`)}, nil)
	})
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
		return tx.RequestPerson(ctx, "intake", polku.ContactPhone, "+358401234567")
	})
}

func TestErase(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	family(t, db, 1)
	family(t, db, 2)
	if _, err := db.pool.Exec(ctx, `UPDATE contact_requests SET status = 'closed' WHERE chat_id = 1`); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "fi", answers()); return err })

	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Erase(ctx) })
	if _, err := db.Family(ctx, 1); polku.ErrorCode(err) != polku.ENOTFOUND {
		t.Errorf("Family after erasure: %v", err)
	}
	if _, err := db.Export(ctx, 1); polku.ErrorCode(err) != polku.ENOTFOUND {
		t.Errorf("Export after erasure: %v", err)
	}
	for _, q := range []string{
		`SELECT count(*) FROM families WHERE chat_id = 1`,
		`SELECT count(*) FROM contact_requests WHERE chat_id = 1`,
		`SELECT count(*) FROM wellbeing w WHERE NOT EXISTS (SELECT 1 FROM families f WHERE f.id = w.family_id)`,
	} {
		if n := scalar[int](t, db, q); n != 0 {
			t.Errorf("after erasure %s = %d", q, n)
		}
	}
	// The other family is untouched.
	if f, err := db.Family(ctx, 2); err != nil || len(f.Answers.Wellbeing) != 4 {
		t.Errorf("the other family: %+v, %v", f, err)
	}
	if reqs, _ := db.ContactRequests(ctx, 2); len(reqs) != 1 {
		t.Errorf("the other family's requests: %q", reqs)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM wellbeing`); n != 1 {
		t.Errorf("%d wellbeing rows left, want the other family's 1", n)
	}
	// Erasing nothing is fine.
	inTx(t, db, 3, func(ctx context.Context, tx *Tx) error { return tx.Erase(ctx) })
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	family(t, db, 1)
	family(t, db, 2)
	export, err := db.Export(ctx, 1)
	doc := export.Doc
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Family    map[string]any `json:"family"`
		Wellbeing []struct {
			Kind   string `json:"kind"`
			Scores []int  `json:"scores"`
		} `json:"wellbeing"`
		ContactRequests []struct {
			Reason, Contact, Status string
			Phone                   *string
		} `json:"contact_requests"`
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, doc)
	}
	if got.Family["chat_id"] != float64(1) || got.Family["consent_version"] != "v1" || got.Family["lang"] != "fi" {
		t.Errorf("family: %v", got.Family)
	}
	if _, ok := got.Family["id"]; ok {
		t.Error("the export shows the internal family id")
	}
	answers, _ := got.Family["answers"].(map[string]any)
	if answers["phone"] != "+358401234567" || answers["help_text"] != "Мы недавно переехали 🙂" {
		t.Errorf("answers: %v", answers)
	}
	if len(got.Wellbeing) != 1 || got.Wellbeing[0].Kind != "baseline" || !slices.Equal(got.Wellbeing[0].Scores, []int{2, 3, 4, 5}) {
		t.Errorf("wellbeing: %+v", got.Wellbeing)
	}
	if len(got.ContactRequests) != 1 || got.ContactRequests[0].Reason != "intake" || got.ContactRequests[0].Phone == nil || *got.ContactRequests[0].Phone != "+358401234567" {
		t.Errorf("contact requests: %+v", got.ContactRequests)
	}
	if _, err := db.Export(ctx, 3); err == nil {
		t.Error("Export of an unknown chat: no error")
	} else {
		wantCode(t, err, polku.ENOTFOUND)
	}
}

// TestExportRequestBeforeConsent: a family that asked for a person before
// agreeing to the notice, and whose request was not renewed after, still
// finds the request in its export: erasure deletes it by chat, so it is
// theirs.
func TestExportRequestBeforeConsent(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "") })
	export, err := db.Export(ctx, 1)
	doc := export.Doc
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ContactRequests []json.RawMessage `json:"contact_requests"`
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.ContactRequests) != 1 {
		t.Errorf("export holds %d contact requests, want the open one of the chat:\n%s", len(got.ContactRequests), doc)
	}
}

// TestContactRequestLifecycle: what happens to a request to talk to a
// person when the family taps 💬, changes its mind about contact, or
// declines the notice.
func TestContactRequestLifecycle(t *testing.T) {
	db := newDB(t)
	open := func(chat int64) string {
		return scalar[string](t, db, `SELECT COALESCE(string_agg(reason || '/' || contact || '/' || COALESCE(phone, '-') || '/' || (family_id IS NOT NULL)::text, ','), '') FROM contact_requests WHERE chat_id = $1 AND status = 'open'`, chat)
	}
	// The intake asks for a call; a later tap on 💬 keeps the call and
	// the number.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		return tx.RequestPerson(ctx, "intake", polku.ContactPhone, "+358401234567")
	})
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	if got := open(1); got != "intake/phone/+358401234567/true" {
		t.Errorf("after 💬: %s", got)
	}
	// No contact needed after all: the request and the number go.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.WithdrawRequest(ctx) })
	if got := open(1); got != "" {
		t.Errorf("after withdrawing: %s", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM contact_requests WHERE phone IS NOT NULL`); n != 0 {
		t.Errorf("a withdrawn request kept the number")
	}
	// 💬 before declining: declining keeps the request, with the chat only.
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "") })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.Decline(ctx) })
	if got := open(2); got != "button/chat/-/false" {
		t.Errorf("after declining: %s", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM families WHERE chat_id = 2`); n != 0 {
		t.Errorf("declining kept the family")
	}
}

// TestSaveProfileInstrument: the baseline is stored with its instrument,
// read back and exported with it; a baseline changed to another instrument
// before any follow-up takes that instrument, so no row mixes them.
func TestSaveProfileInstrument(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "en", "v1", "") })
	a := answers()
	a.Wellbeing, a.Instrument = []int{0, 3, 5, 2, 1}, polku.InstrumentWHO5
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "en", a); return err })
	if got := scalar[bool](t, db, `SELECT answers ? 'instrument' FROM families WHERE chat_id = 1`); got {
		t.Error("the instrument is stored in the answers, not with the baseline")
	}
	if got := scalar[string](t, db, `SELECT instrument || ' ' || scores::text FROM wellbeing`); got != "who5 {0,3,5,2,1}" {
		t.Errorf("wellbeing row %q", got)
	}
	f, err := db.Family(ctx, 1)
	if err != nil || f.Answers.Instrument != polku.InstrumentWHO5 || !slices.Equal(f.Answers.Wellbeing, a.Wellbeing) {
		t.Errorf("Family: %+v, %v", f.Answers, err)
	}
	x, err := db.Export(ctx, 1)
	if err != nil || len(x.Wellbeing) != 1 || x.Wellbeing[0].Instrument != polku.InstrumentWHO5 || x.Family.Answers.Instrument != polku.InstrumentWHO5 {
		t.Errorf("export: %+v, %v", x.Wellbeing, err)
	}
	own := answers() // no instrument: Polku's own statements
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "en", own); return err })
	if got := scalar[string](t, db, `SELECT string_agg(instrument || ' ' || scores::text, '; ') FROM wellbeing`); got != "own {2,3,4,5}" {
		t.Errorf("wellbeing rows %q", got)
	}
}
