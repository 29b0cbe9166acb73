package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"polku"
)

// reportCatalogue imports the library's story hour "r" with three
// sessions in December and the sports club's "s" with one seat.
func reportCatalogue(t *testing.T, db *DB) (story [3]int64, sport int64) {
	t.Helper()
	s := act("s", sess("1", day5.Add(time.Hour), 1))
	s.Organiser, s.Categories = "kuusamo-sports", []polku.Category{polku.CategorySport, polku.CategoryNature}
	importAt(t, db, t0, act("r", sess("1", day5, 10), sess("2", day5.AddDate(0, 0, 1), 10), sess("3", day5.AddDate(0, 0, 2), 10)), s)
	for i, ext := range []string{"1", "2", "3"} {
		story[i] = sessionID(t, db, "r", ext)
	}
	return story, sessionID(t, db, "s", "1")
}

// agree records a consent as the bot does, counting the new family.
func agree(t *testing.T, db *DB, chat int64, referral string) {
	t.Helper()
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
		if err := tx.RecordConsent(ctx, "fi", "v1", referral); err != nil {
			return err
		}
		if err := tx.Count(ctx, "consent_given", ""); err != nil {
			return err
		}
		return tx.CountNewFamily(ctx)
	})
}

// profile saves the answers as the bot does, counting a first profile.
func profile(t *testing.T, db *DB, chat int64, a polku.Answers) {
	t.Helper()
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
		first, err := tx.SaveProfile(ctx, "fi", a)
		if err != nil || !first {
			return err
		}
		return tx.CountIntake(ctx, a)
	})
}

func attend(t *testing.T, db *DB, chat, signup int64, a polku.Attendance, at time.Time) {
	t.Helper()
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error { return tx.Attend(ctx, signup, a, at) })
}

func figures(t *testing.T, db *DB, first, last time.Time) Figures {
	t.Helper()
	f, err := db.ReportFigures(context.Background(), first, last, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestReportFiguresSurviveErasure: every figure of the report counted
// through the store's calls of a family's life (as the bot and staff make
// them), then both families erase their data: December's figures are the
// same, and November's and January's have nothing.
func TestReportFiguresSurviveErasure(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	clk := setClock(db, t0)
	if err := db.AddReferralCode(ctx, "school", "Esimerkkikoulu"); err != nil {
		t.Fatal(err)
	}
	story, sport := reportCatalogue(t, db)
	hours, err := polku.ParseOfficeHours("mon-fri 9-16", "", helsinki)
	if err != nil {
		t.Fatal(err)
	}

	// Family 1 came from the school and finished the intake; family 2
	// agreed and stopped there. Agreeing again (a new notice) is not a
	// new family, nor is a second profile a second intake.
	agree(t, db, 1, "school")
	agree(t, db, 2, "")
	clk.set(t0.Add(time.Minute))
	agree(t, db, 1, "school")
	profile(t, db, 1, answers())
	changed := answers()
	changed.Children = map[polku.AgeBand]int{polku.Age0to2: 1}
	profile(t, db, 1, changed)

	// Family 1 goes to the three story hours; the one seat of sports
	// passes to it when family 2 cancels.
	var su [3]polku.SignUp
	for i, s := range story {
		su[i] = mustJoin(t, db, 1, s, 1, 1, polku.OutcomeConfirmed)
	}
	two := mustJoin(t, db, 2, sport, 1, 0, polku.OutcomeConfirmed)
	mustJoin(t, db, 1, sport, 1, 0, polku.OutcomeWaiting)
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { _, err := tx.CancelSignUp(ctx, two.ID, t0, rem); return err })
	after := day5.AddDate(0, 0, 3)
	attend(t, db, 1, su[0].ID, polku.Attended, after)
	attend(t, db, 1, su[1].ID, polku.NotAttended, after)
	attend(t, db, 1, su[2].ID, polku.Attended, after)
	attend(t, db, 1, su[1].ID, polku.Attended, after) // changed: now three
	attend(t, db, 1, su[1].ID, polku.Attended, after) // the same again: nothing

	// A card visit, placed and not placed.
	inTx(t, db, 501, func(ctx context.Context, tx *Tx) error {
		if err := tx.CountVisit(ctx, "kuusamo-library", su[0].Activity.ID); err != nil {
			return err
		}
		return tx.CountVisit(ctx, "kuusamo-sports", 0)
	})

	// Family 1 talks to a person: its case is answered after 30 minutes
	// (and again later, which is not the first answer), closed, and gets
	// feedback.
	c, _ := openCase(t, db, 1, CaseRequest{Share: true, Municipality: "Kuusamo", Bands: "3-6"})
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.CountCase(ctx, "opened", c.Municipality) })
	for _, at := range []time.Time{t0.Add(31 * time.Minute), t0.Add(2 * time.Hour)} {
		clk.set(at)
		inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
			if err := tx.Answered(ctx, c, hours); err != nil {
				return err
			}
			return tx.Audit(ctx, aino, "message", c.ID, "text")
		})
	}
	mustClose(t, db, c.ID, polku.OutcomeActivities)
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		return tx.CountCase(ctx, "closed_"+string(polku.OutcomeActivities), c.Municipality)
	})
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		if err := tx.Feedback(ctx, c.ID, 4); err != nil {
			return err
		}
		return tx.CountCase(ctx, "feedback_4", c.Municipality)
	})

	clk.set(day5.AddDate(0, 0, 10))
	library, sports := Activity{"culture", "kuusamo-library"}, Activity{"sport", "kuusamo-sports"}
	want := Figures{
		"Kuusamo": {
			Families: map[string]int{"3-6": 1}, Referrals: map[string]int{"Esimerkkikoulu": 1}, Intakes: 1, Completed: 1,
			Use: map[Activity]Use{
				library: {SignUps: 3, Attended: 3, Visits: 1, Sessions: 3},
				sports:  {SignUps: 2, Moves: 1, Sessions: 1},
			},
			Attenders1: 1, Attenders3: 1,
			CasesOpened: 1, FirstAnswer: []float64{30}, Outcomes: map[string]int{"activities": 1}, Feedback: map[int]int{4: 1},
			// The first complete baseline (the own statements, 62.5 of
			// 100), anonymous: kept after the erasure.
			Baseline: map[string][]float64{"own": {63}},
		},
		"": {
			Families: map[string]int{"": 1}, Referrals: map[string]int{"": 1}, Intakes: 1,
			// A visit the provider did not place is of no municipality.
			Use:      map[Activity]Use{{Organiser: "kuusamo-sports"}: {Visits: 1}},
			Outcomes: map[string]int{}, Feedback: map[int]int{},
		},
	}
	got := figures(t, db, t0, t0)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("December:\n%s\nwant\n%s", dump(got), dump(want))
	}
	if got := figures(t, db, t0.AddDate(0, -1, 0), t0.AddDate(0, -1, 0)); len(got) != 0 {
		t.Errorf("November: %s", dump(got))
	}

	for _, chat := range []int64{1, 2} {
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
			if err := tx.Erase(ctx); err != nil {
				return err
			}
			return tx.Count(ctx, "erased", "")
		})
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM families`); n != 0 {
		t.Fatalf("%d families after erasure", n)
	}
	if got := figures(t, db, t0, t0); !reflect.DeepEqual(got, want) {
		t.Errorf("December after the erasures:\n%s\nwant\n%s", dump(got), dump(want))
	}
	// A period of months holds its months.
	if got := figures(t, db, t0.AddDate(0, -1, 0), t0.AddDate(0, 1, 0)); !reflect.DeepEqual(got, want) {
		t.Errorf("November to January:\n%s\nwant\n%s", dump(got), dump(want))
	}
}

// dump writes figures for a failure's message.
func dump(f Figures) string {
	var s string
	for m, a := range f {
		s += fmt.Sprintf("%q: %+v\n", m, *a)
	}
	return s
}

// TestAttendersCrossings: a family counts among the month's attenders when
// its "yes" answers reach 1 and 3 and stops when a changed answer takes it
// under; another month, or another municipality, is counted apart.
func TestAttendersCrossings(t *testing.T) {
	db := newDB(t)
	setClock(db, t0)
	jan := time.Date(2027, 1, 8, 17, 0, 0, 0, helsinki)
	kalajoki := act("k", sess("1", day5, 10))
	kalajoki.Organiser, kalajoki.Municipality = "kalajoki-library", "Kalajoki"
	importAt(t, db, t0, act("r", sess("1", day5, 10), sess("2", day5.AddDate(0, 0, 1), 10), sess("3", day5.AddDate(0, 0, 2), 10), sess("4", jan, 10)), kalajoki)
	agree(t, db, 1, "")
	var su []polku.SignUp
	for _, s := range []struct{ a, s string }{{"r", "1"}, {"r", "2"}, {"r", "3"}, {"r", "4"}, {"k", "1"}} {
		su = append(su, mustJoin(t, db, 1, sessionID(t, db, s.a, s.s), 1, 0, polku.OutcomeConfirmed))
	}
	after := jan.AddDate(0, 0, 1)
	attenders := func() (dec [2]int, janK, decK int) {
		d := figures(t, db, t0, t0)
		j := figures(t, db, jan, jan)
		if a := d["Kuusamo"]; a != nil {
			dec = [2]int{a.Attenders1, a.Attenders3}
		}
		if a := j["Kuusamo"]; a != nil {
			janK = a.Attenders1
		}
		if a := d["Kalajoki"]; a != nil {
			decK = a.Attenders1
		}
		return
	}
	steps := []struct {
		signup int
		answer polku.Attendance
		dec    [2]int
		janK   int
		decK   int
	}{
		{0, polku.Attended, [2]int{1, 0}, 0, 0},
		{1, polku.Attended, [2]int{1, 0}, 0, 0},
		{2, polku.CouldNotCome, [2]int{1, 0}, 0, 0},
		{2, polku.Attended, [2]int{1, 1}, 0, 0},
		{3, polku.Attended, [2]int{1, 1}, 1, 0},
		{4, polku.Attended, [2]int{1, 1}, 1, 1},
		{0, polku.NotAttended, [2]int{1, 0}, 1, 1},
		{1, polku.NotAttended, [2]int{1, 0}, 1, 1},
		{2, polku.NotAttended, [2]int{0, 0}, 1, 1},
	}
	for i, s := range steps {
		attend(t, db, 1, su[s.signup].ID, s.answer, after)
		dec, janK, decK := attenders()
		if dec != s.dec || janK != s.janK || decK != s.decK {
			t.Errorf("step %d (%d %s): December %v, January %d, Kalajoki %d; want %v, %d, %d", i, s.signup, s.answer, dec, janK, decK, s.dec, s.janK, s.decK)
		}
	}
}

// TestAggregatesHoldNoKey: the aggregate tables hold nothing that leads to
// a family: no column classified as a family's, no key, no time finer
// than a day, and no reference to or from another table.
func TestAggregatesHoldNoKey(t *testing.T) {
	db := newDB(t)
	aggregates := []string{"stats", "stat_values"}
	for _, table := range aggregates {
		for col, c := range schema[table] {
			if c.link != "" || c.exported {
				t.Errorf("%s.%s is classified as a family's", table, col)
			}
		}
	}
	if bad := scalar[string](t, db, `
		SELECT COALESCE(string_agg(table_name || '.' || column_name || ' ' || data_type, ', '), '') FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ANY($1)
		  AND (data_type NOT IN ('date', 'text', 'integer', 'bigint') OR column_name ~ '(^id$|_id$|_at$|chat|family|case)')`, aggregates); bad != "" {
		t.Errorf("aggregates' columns that could lead to a family: %s", bad)
	}
	if n := scalar[int](t, db, `
		SELECT count(*) FROM pg_constraint
		WHERE contype = 'f' AND (conrelid = ANY($1::regclass[]) OR confrelid = ANY($1::regclass[]))`, aggregates); n > 0 {
		t.Errorf("%d foreign keys to or from the aggregates: erasure could reach them", n)
	}
}

// seedReport fills the aggregates and the catalogue of a service of 23
// municipalities with 100,000 families over the two years before end:
// a new family each, four in five finishing the intake, ten sign-ups a
// family, seven attendances, moves, card visits, 20,000 cases with their
// outcomes, feedback and first answers, and a session a week of each of
// 276 activities. Rows are as the counting makes them: summed by day and
// dimensions and by month (the report's) or day (the older counts).
func seedReport(b *testing.B, db *DB, end time.Time) {
	b.Helper()
	ctx := context.Background()
	start := end.AddDate(-2, 0, 0)
	days := int(end.Sub(start).Hours() / 24)
	// Random picks of a day, a municipality and the dimensions, from
	// generate_series; a row a summed group.
	const pick = `
		WITH e AS (
			SELECT ($1::date + (random() * ($2 - 1))::int) AS day,
				'M' || lpad((1 + (random() * 22)::int)::text, 2, '0') AS municipality,
				(ARRAY['0-2', '3-6', '7-12', '13-17'])[1 + (random() * 3)::int] AS band,
				CASE WHEN random() < 0.6 THEN '' ELSE 'ref' || (random() * 9)::int END AS referral,
				(ARRAY['nature', 'art', 'music', 'crafts', 'culture', 'sport', 'animals', 'family'])[1 + (random() * 7)::int] AS category,
				'organiser ' || (random() * 2)::int AS organiser
			FROM generate_series(1, $3))`
	for _, q := range []struct {
		kind, cols string
		n          int
	}{
		{kindFamily, "municipality, band, referral", 100_000},
		{kindIntake, "municipality, band, referral", 80_000},
		{kindSignUp, "municipality, category, organiser", 1_000_000},
		{kindAttended, "municipality, category, organiser", 700_000},
		{kindMove, "municipality, category, organiser", 50_000},
		{kindVisit, "municipality, category, organiser", 100_000},
		{kindAttenders1, "municipality", 60_000},
		{kindAttenders3, "municipality", 20_000},
		{kindCaseOpened, "municipality", 20_000},
		{kindCaseClosed + "activities", "municipality", 8_000},
		{kindCaseClosed + "no_need", "municipality", 8_000},
		{kindFeedback + "4", "municipality", 10_000},
		{"consent_given", "referral", 100_000},
		{"case_opened", "municipality, referral", 20_000},
		{"signup_confirmed", "municipality, referral", 1_000_000},
	} {
		// The report's counts are kept by month, the older ones by day.
		day := "date_trunc('month', day)::date"
		if q.kind == "consent_given" || q.kind == "signup_confirmed" || q.kind == "case_opened" {
			day = "day"
		}
		sql := pick + `
			INSERT INTO stats (day, kind, ` + q.cols + `, count)
			SELECT ` + day + `, '` + q.kind + `', ` + q.cols + `, count(*) FROM e GROUP BY 1, ` + q.cols
		if _, err := db.pool.Exec(ctx, sql, start, days, q.n); err != nil {
			b.Fatalf("%s: %v", q.kind, err)
		}
	}
	_, err := db.pool.Exec(ctx, pick+`
		INSERT INTO stat_values (month, kind, municipality, value, count)
		SELECT date_trunc('month', day)::date, '`+valueFirstAnswer+`', municipality, (random() * 600)::int / 5 * 5, count(*)
		FROM e GROUP BY 1, 3, 4 ON CONFLICT (month, kind, municipality, value) DO UPDATE SET count = stat_values.count + EXCLUDED.count`,
		start, days, 20_000)
	if err != nil {
		b.Fatal(err)
	}
	_, err = db.pool.Exec(ctx, `
		WITH a AS (
			INSERT INTO activities (organiser, external_id, municipality, status, data, updated_at)
			SELECT 'organiser ' || o, m || '-' || c || '-' || o, m, 'scheduled',
				json_build_object('organiser', 'organiser ' || o, 'external_id', m || '-' || c || '-' || o, 'municipality', m,
					'categories', json_build_array(c), 'status', 'scheduled'), $1
			FROM (SELECT 'M' || lpad(i::text, 2, '0') AS m FROM generate_series(1, 23) i) ms,
				unnest(ARRAY['nature', 'art', 'culture', 'sport']) c, generate_series(0, 2) o
			RETURNING id)
		INSERT INTO sessions (activity_id, external_id, starts_at, ends_at, capacity, status)
		SELECT a.id, w::text, $1 + w * interval '7 days', $1 + w * interval '7 days' + interval '2 hours', 20, 'scheduled'
		FROM a, generate_series(0, 103) w`, start)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkReportFigures reads a month's and a year's figures of a
// service of 100,000 families and two years of aggregates (the report
// wants all of its work under 2 s):
//
//	go test -run '^$' -bench ReportFigures -benchtime 20x ./store/
func BenchmarkReportFigures(b *testing.B) {
	db := newDB(b)
	end := time.Date(2027, 12, 1, 0, 0, 0, 0, helsinki)
	db.Now = func() time.Time { return end }
	seedReport(b, db, end)
	b.Logf("%d rows of stats, %d of stat_values, %d sessions",
		scalarB[int](b, db, `SELECT count(*) FROM stats`), scalarB[int](b, db, `SELECT count(*) FROM stat_values`),
		scalarB[int](b, db, `SELECT count(*) FROM sessions`))
	for _, p := range []struct {
		name        string
		first, last time.Time
	}{
		{"month", end.AddDate(0, -1, 0), end.AddDate(0, -1, 0)},
		{"year", end.AddDate(-1, 0, 0), end.AddDate(0, -1, 0)},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				f, err := db.ReportFigures(context.Background(), p.first, p.last, nil)
				if err != nil {
					b.Fatal(err)
				}
				if len(f) < 23 {
					b.Fatalf("figures of %d municipalities", len(f))
				}
			}
		})
	}
}

func scalarB[T any](b *testing.B, db *DB, sql string) T {
	b.Helper()
	var v T
	if err := db.pool.QueryRow(context.Background(), sql).Scan(&v); err != nil {
		b.Fatal(err)
	}
	return v
}
