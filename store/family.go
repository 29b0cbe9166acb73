package store

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// RecordConsent stores that the family of the chat agreed to the privacy
// notice of version, creating the family. A referral code is kept only when
// it is a known code of the professional network.
func (t *Tx) RecordConsent(ctx context.Context, lang, version, referral string) error {
	_, err := t.tx.Exec(ctx, `
		INSERT INTO families (chat_id, lang, referral, consent_version, consent_at, created_at)
		VALUES ($1, $2, (SELECT code FROM referral_codes WHERE code = $4), $3, $5, $5)
		ON CONFLICT (chat_id) DO UPDATE SET lang = $2, consent_version = $3, consent_at = $5,
			referral = COALESCE(families.referral, EXCLUDED.referral)`,
		t.chat, lang, version, referral, t.db.Now())
	return wrap(err, "record consent")
}

// ProfileMunicipality is the municipality of chat's family as its
// profile, the answers it last confirmed, says: "" when it has none.
func (t *Tx) ProfileMunicipality(ctx context.Context, chat int64) (string, error) {
	var m string
	err := t.tx.QueryRow(ctx, `SELECT COALESCE(answers->>'municipality', '') FROM families WHERE chat_id = $1 AND profile_at IS NOT NULL`, chat).Scan(&m)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return m, wrap(err, "profile municipality")
}

// SaveProfile stores confirmed answers as the family's profile. Wellbeing
// answers, when given, are stored apart as the family's baseline, with
// their instrument (changed answers before the first follow-up replace
// it); the first complete baseline plans the wellbeing follow-up. It
// reports whether this was the family's first profile.
func (t *Tx) SaveProfile(ctx context.Context, lang string, a polku.Answers) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, err
	}
	scores, instrument := a.Wellbeing, a.WellbeingInstrument()
	a.Wellbeing, a.Instrument = nil, ""
	data, err := json.Marshal(a)
	if err != nil {
		return false, wrap(err, "save profile")
	}
	var id int64
	var first bool
	err = t.tx.QueryRow(ctx, `
		UPDATE families f SET answers = $2, lang = $3, profile_at = $4
		FROM (SELECT id, profile_at IS NULL AS first FROM families WHERE chat_id = $1 FOR UPDATE) old
		WHERE f.id = old.id RETURNING f.id, old.first`, t.chat, data, lang, t.db.Now()).Scan(&id, &first)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, polku.Errorf(polku.EINVALID, "profile without consent")
	}
	if err != nil {
		return false, wrap(err, "save profile")
	}
	if scores == nil {
		return first, nil
	}
	tag, err := t.tx.Exec(ctx, `
		WITH changed AS (
			UPDATE wellbeing SET scores = $2, taken_at = $3, instrument = $4
			WHERE family_id = $1 AND kind = 'baseline' AND (scores <> $2::smallint[] OR instrument <> $4)
			  AND NOT EXISTS (SELECT 1 FROM wellbeing WHERE family_id = $1 AND kind <> 'baseline')
			RETURNING 1)
		INSERT INTO wellbeing (family_id, kind, instrument, scores, taken_at)
		SELECT $1, 'baseline', $4, $2, $3
		WHERE NOT EXISTS (SELECT 1 FROM wellbeing WHERE family_id = $1 AND kind = 'baseline')`,
		id, scores, t.db.Now(), string(instrument))
	if err != nil {
		return first, wrap(err, "save wellbeing")
	}
	// The report keeps the first complete baseline as an anonymous value:
	// a later change, or the family's erasure, leaves it as it was.
	v, complete := instrument.Percent(scores)
	if complete && tag.RowsAffected() == 1 {
		if err := t.db.value(ctx, t.counts(), t.db.Now(), valueBaseline+string(instrument), municipalityOf(a.Municipality), int(math.Round(v))); err != nil {
			return first, err
		}
	}
	if complete {
		return first, t.planWellbeing(ctx, id)
	}
	return first, nil
}

// planWellbeing plans the wellbeing follow-ups of the family id, whose
// complete baseline was just saved: one job a point of
// db.Reminders.WellbeingWeeks, each once, when the first complete
// baseline is (a baseline changed later keeps the jobs it has), at
// db.Reminders.WellbeingDue; none when the deployment asks none, or the
// family said no to follow-ups (StopFollowUps).
func (t *Tx) planWellbeing(ctx context.Context, id int64) error {
	return t.planPoints(ctx, id, t.db.Now())
}

// planPoints plans the follow-up points of the family id, of a baseline
// taken at baseline, that are still to come and have no job yet.
func (t *Tx) planPoints(ctx context.Context, id int64, baseline time.Time) error {
	now := t.db.Now()
	var points []int
	var dues []time.Time
	for p := range t.db.Reminders.WellbeingWeeks {
		if due, ok := t.db.Reminders.WellbeingDue(baseline, p+1); ok && due.After(now) {
			points, dues = append(points, p+1), append(dues, due)
		}
	}
	if len(points) == 0 {
		return nil
	}
	_, err := t.tx.Exec(ctx, `
		INSERT INTO jobs (kind, family_id, chat_id, due_at, data)
		SELECT $2, f.id, f.chat_id, p.due_at, jsonb_build_object('point', p.point)
		FROM families f, unnest($3::int[], $4::timestamptz[]) AS p(point, due_at)
		WHERE f.id = $1 AND f.follow_ups
		  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.family_id = $1 AND j.kind = $2 AND COALESCE((j.data->>'point')::int, 1) = p.point)`,
		id, string(polku.JobWellbeing), points, dues)
	return wrap(err, "plan wellbeing follow-up")
}

// RequestPerson stores that the chat wants to be contacted by a person.
// There is at most one open request per chat; a new one updates it.
func (t *Tx) RequestPerson(ctx context.Context, reason string, contact polku.Contact, phone string) error {
	var ph *string
	if phone != "" {
		ph = &phone
	}
	_, err := t.tx.Exec(ctx, `
		INSERT INTO contact_requests (chat_id, family_id, reason, contact, phone, created_at)
		VALUES ($1, (SELECT id FROM families WHERE chat_id = $1), $2, $3, $4, $5)
		ON CONFLICT (chat_id) WHERE status = 'open' DO UPDATE SET
			family_id = EXCLUDED.family_id,
			-- "Talk to a person" keeps what the intake asked for (a call,
			-- and the number); the intake's choice replaces it.
			reason = CASE WHEN EXCLUDED.reason = 'intake' THEN 'intake' ELSE contact_requests.reason END,
			contact = CASE WHEN EXCLUDED.reason = 'intake' THEN EXCLUDED.contact ELSE contact_requests.contact END,
			phone = CASE WHEN EXCLUDED.reason = 'intake' THEN EXCLUDED.phone ELSE contact_requests.phone END`,
		t.chat, reason, string(contact), ph, t.db.Now())
	return wrap(err, "request person")
}

// CallRequested is the number the family of chat asked to be called at in
// the intake, "" when it did not.
func (t *Tx) CallRequested(ctx context.Context, chat int64) (string, error) {
	return callRequested(ctx, t.tx, chat)
}

// CallRequested is Tx.CallRequested outside an update: for the sender,
// which writes a case's summary again in a new topic.
func (db *DB) CallRequested(ctx context.Context, chat int64) (string, error) {
	return callRequested(ctx, db.pool, chat)
}

func callRequested(ctx context.Context, q querier, chat int64) (string, error) {
	var phone string
	err := q.QueryRow(ctx, `
		SELECT COALESCE(phone, '') FROM contact_requests WHERE chat_id = $1 AND status = 'open' AND contact = 'phone'`, chat).Scan(&phone)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return phone, wrap(err, "call requested")
}

// WithdrawRequest withdraws the open request the intake made, when the
// family no longer wants to be contacted; the number goes with it.
func (t *Tx) WithdrawRequest(ctx context.Context) error {
	_, err := t.tx.Exec(ctx, `
		UPDATE contact_requests SET status = 'withdrawn', closed_at = $2, phone = NULL
		WHERE chat_id = $1 AND status = 'open' AND reason = 'intake'`, t.chat, t.db.Now())
	return wrap(err, "withdraw request")
}

// Decline takes back consent: the family and all that hangs off it are
// deleted, but an open request to talk to a person stays, with only the
// chat, because the family asked for it. Seats the family held go to the
// families waiting for them. Messages already sent to the chat or into its
// case's topic go (they may quote its answers); those still to be sent
// stay, for the family still talks to a person.
func (t *Tx) Decline(ctx context.Context) error {
	if err := t.releaseSeats(ctx); err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(`UPDATE contact_requests SET family_id = NULL, phone = NULL WHERE chat_id = $1 AND status = 'open'`, t.chat)
	b.Queue(`
		DELETE FROM outbox WHERE (chat_id = $1 OR case_id = (SELECT id FROM cases WHERE chat_id = $1))
			AND (sent_at IS NOT NULL OR dropped IS NOT NULL)`, t.chat)
	// The case stays (the family may still talk to a person), but no
	// longer shows its answers; a card says the family was found to need
	// support, so it goes.
	b.Queue(`UPDATE cases SET shared = false, municipality = '', bands = '' WHERE chat_id = $1`, t.chat)
	b.Queue(`DELETE FROM cards WHERE chat_id = $1`, t.chat)
	b.Queue(`DELETE FROM contact_requests WHERE chat_id = $1 AND status <> 'open'`, t.chat)
	b.Queue(`DELETE FROM families WHERE chat_id = $1`, t.chat)
	return wrap(t.tx.SendBatch(ctx, b).Close(), "decline")
}

// Erase deletes everything stored about the family of the chat, at once
// rather than at the retention: the family and all that hangs off it, its
// contact requests and cards, its case with the case's notes, feedback and
// every message of its topic, and every message to the chat, sent or not
// (they quote its answers; unsent ones would bring them back). The chat's
// applied updates keep only their IDs, to apply each once, and no longer
// name the chat. Seats it held in sessions still to come go first to the
// families waiting for them, who are told. The conversation itself is
// reset by the caller, whose answer (and the topic's deletion) are written
// after this, so they stay.
func (t *Tx) Erase(ctx context.Context) error {
	if err := t.releaseSeats(ctx); err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM contact_requests WHERE chat_id = $1`, t.chat)
	b.Queue(`DELETE FROM cases WHERE chat_id = $1`, t.chat) // and its topic's messages: outbox.case_id cascades
	b.Queue(`DELETE FROM cards WHERE chat_id = $1`, t.chat)
	b.Queue(`DELETE FROM families WHERE chat_id = $1`, t.chat)
	b.Queue(`DELETE FROM outbox WHERE chat_id = $1`, t.chat)
	b.Queue(`UPDATE inbox SET chat_id = 0 WHERE chat_id = $1 AND applied_at IS NOT NULL`, t.chat)
	return wrap(t.tx.SendBatch(ctx, b).Close(), "erase")
}

// Export is everything stored about a family. Doc is the one document the
// family is given, as JSON; the other fields are read back from it, for
// telling the family in plain words what it holds.
type Export struct {
	Doc []byte
	// Family holds the consent, the language and the saved answers
	// (ProfileAt is zero when none were saved), with the wellbeing
	// baseline.
	Family    polku.Family
	Wellbeing []Wellbeing
	// SignUps hold their activity's title and session only.
	SignUps []polku.SignUp
	// Case is the family's case with the coordinators, nil for none.
	Case  *polku.Case
	Cards []polku.Card
}

// Wellbeing is one wellbeing check's answers, on its instrument's scale.
type Wellbeing struct {
	Kind       string
	Instrument polku.Instrument
	Scores     []int
	Taken      time.Time
}

// exportDoc is every personal table of a family in one document: all that
// hangs off the family key, its chat's contact requests, case (notes,
// feedback, what coordinators did on it) and cards (with their visits).
// Internal keys are left out; catalogue keys are given as the activity and
// organiser they stand for. The coordinators' Telegram IDs and names and
// the topic's message numbers are theirs, not the family's: they are not
// in it. $2 is when it was made.
const exportDoc = `
	SELECT json_build_object(
		'exported_at', $2::timestamptz,
		'family', to_jsonb(f) - 'id',
		'wellbeing', COALESCE((SELECT json_agg(json_build_object('kind', w.kind, 'point', w.point, 'instrument', w.instrument, 'scores', w.scores, 'taken_at', w.taken_at) ORDER BY w.taken_at, w.id)
			FROM wellbeing w WHERE w.family_id = f.id), '[]'),
		'contact_requests', COALESCE((SELECT json_agg(json_build_object('reason', c.reason, 'contact', c.contact, 'phone', c.phone,
				'status', c.status, 'created_at', c.created_at, 'closed_at', c.closed_at) ORDER BY c.id)
			FROM contact_requests c WHERE c.chat_id = f.chat_id), '[]'),
		'signups', COALESCE((SELECT json_agg(json_build_object('activity', a.data->'title', 'organiser', a.organiser,
				'start', s.starts_at, 'end', s.ends_at, 'status', su.status, 'children', su.children, 'adults', su.adults,
				'created_at', su.created_at, 'cancelled_at', su.cancelled_at, 'attendance', su.attendance, 'attended_at', su.attended_at,
				'provider_mark', su.mark, 'provider_marked_at', su.marked_at)
				ORDER BY s.starts_at, su.id)
			FROM signups su JOIN sessions s ON s.id = su.session_id JOIN activities a ON a.id = s.activity_id
			WHERE su.family_id = f.id), '[]'),
		'messages_planned', COALESCE((SELECT json_agg(json_build_object('kind', j.kind, 'activity', a.data->'title', 'start', s.starts_at,
				'due_at', j.due_at, 'done_at', j.done_at, 'data', j.data) ORDER BY j.due_at, j.id)
			FROM jobs j LEFT JOIN signups su ON su.id = j.signup_id LEFT JOIN sessions s ON s.id = su.session_id
				LEFT JOIN activities a ON a.id = s.activity_id
			WHERE j.family_id = f.id), '[]'),
		'reminders', f.reminders,
		'news', f.news,
		'campaigns_received', COALESCE((SELECT json_agg(json_build_object('campaign', x.campaign_id, 'sent_at', k.sent_at,
				'opened_at', x.opened_at, 'signed_up_at', x.signed_up_at) ORDER BY k.sent_at, x.campaign_id)
			FROM campaign_sends x JOIN campaigns k ON k.id = x.campaign_id WHERE x.family_id = f.id), '[]'),
		'case', (SELECT json_build_object('id', c.id, 'status', c.status, 'shared', c.shared, 'urgent', c.urgent,
				'municipality', c.municipality, 'bands', c.bands, 'opened_at', c.opened_at, 'family_at', c.family_at,
				'claimed_at', c.claimed_at, 'closed_at', c.closed_at, 'outcome', c.outcome, 'feedback_asked_at', c.feedback_asked_at,
				'moved_at', c.moved_at,
				'notes', COALESCE((SELECT json_agg(json_build_object('text', n.text, 'created_at', n.created_at) ORDER BY n.id) FROM case_notes n WHERE n.case_id = c.id), '[]'),
				'feedback', COALESCE((SELECT json_agg(json_build_object('score', x.score, 'given_at', x.given_at) ORDER BY x.id) FROM case_feedback x WHERE x.case_id = c.id), '[]'),
				'coordinators_did', COALESCE((SELECT json_agg(json_build_object('at', u.at, 'action', u.action, 'detail', u.detail) ORDER BY u.id) FROM audit u WHERE u.case_id = c.id), '[]'))
			FROM cases c WHERE c.chat_id = f.chat_id),
		'cards', COALESCE((SELECT json_agg(json_build_object('code', k.code, 'valid_from', k.valid_from, 'valid_until', k.valid_until,
				'visits', k.visits, 'issued_at', k.issued_at, 'revoked_at', k.revoked_at,
				'used', (SELECT count(*) FROM card_visits v WHERE v.card_id = k.id),
				'uses', COALESCE((SELECT json_agg(json_build_object('visited_at', v.visited_at, 'organiser', p.organiser, 'activity', a.data->'title') ORDER BY v.id)
					FROM card_visits v JOIN providers p ON p.id = v.provider_id LEFT JOIN activities a ON a.id = v.activity_id
					WHERE v.card_id = k.id), '[]')) ORDER BY k.id)
			FROM cards k WHERE k.chat_id = f.chat_id), '[]'),
		'conversation', (SELECT data FROM conversations WHERE chat_id = f.chat_id))
	FROM families f WHERE f.chat_id = $1`

// Export returns everything stored about the family of the update's
// chat, or ENOTFOUND when the chat has no family (nothing was agreed to,
// so nothing is kept but what a person needs to reach it).
func (t *Tx) Export(ctx context.Context) (Export, error) {
	return export(ctx, t.tx, t.chat, t.db.Now())
}

// Export returns everything stored about the family of the chat, or
// ENOTFOUND.
func (db *DB) Export(ctx context.Context, chat int64) (Export, error) {
	return export(ctx, db.pool, chat, db.Now())
}

func export(ctx context.Context, q querier, chat int64, now time.Time) (Export, error) {
	var x Export
	if err := q.QueryRow(ctx, exportDoc, chat, now).Scan(&x.Doc); err != nil {
		return x, wrap(err, "export")
	}
	var d struct {
		Family struct {
			ChatID         int64         `json:"chat_id"`
			Lang           string        `json:"lang"`
			Referral       *string       `json:"referral"`
			ConsentVersion string        `json:"consent_version"`
			ConsentAt      time.Time     `json:"consent_at"`
			Answers        polku.Answers `json:"answers"`
			ProfileAt      *time.Time    `json:"profile_at"`
		} `json:"family"`
		Wellbeing []struct {
			Kind       string           `json:"kind"`
			Instrument polku.Instrument `json:"instrument"`
			Scores     []int            `json:"scores"`
			Taken      time.Time        `json:"taken_at"`
		} `json:"wellbeing"`
		SignUps []struct {
			Activity   polku.Localized    `json:"activity"`
			Start      time.Time          `json:"start"`
			End        *time.Time         `json:"end"`
			Status     polku.SignUpStatus `json:"status"`
			Children   int                `json:"children"`
			Adults     int                `json:"adults"`
			Created    time.Time          `json:"created_at"`
			Attendance *polku.Attendance  `json:"attendance"`
		} `json:"signups"`
		Case *struct {
			ID       int64            `json:"id"`
			Status   polku.CaseStatus `json:"status"`
			Shared   bool             `json:"shared"`
			Opened   time.Time        `json:"opened_at"`
			Closed   *time.Time       `json:"closed_at"`
			Outcome  *polku.Outcome   `json:"outcome"`
			FamilyAt *time.Time       `json:"family_at"`
		} `json:"case"`
		Cards []struct {
			Code       string     `json:"code"`
			ValidFrom  time.Time  `json:"valid_from"`
			ValidUntil time.Time  `json:"valid_until"`
			Visits     int        `json:"visits"`
			Used       int        `json:"used"`
			RevokedAt  *time.Time `json:"revoked_at"`
		} `json:"cards"`
	}
	if err := json.Unmarshal(x.Doc, &d); err != nil {
		return x, wrap(err, "export")
	}
	f := d.Family
	x.Family = polku.Family{ChatID: f.ChatID, Lang: f.Lang, ConsentVersion: f.ConsentVersion, ConsentAt: f.ConsentAt, Answers: f.Answers}
	x.Family.Referral = deref(f.Referral)
	x.Family.ProfileAt = deref(f.ProfileAt)
	for _, w := range d.Wellbeing {
		x.Wellbeing = append(x.Wellbeing, Wellbeing(w))
		if w.Kind == "baseline" {
			x.Family.Answers.Wellbeing, x.Family.Answers.Instrument = w.Scores, w.Instrument
		}
	}
	for _, s := range d.SignUps {
		x.SignUps = append(x.SignUps, polku.SignUp{Status: s.Status, Children: s.Children, Adults: s.Adults,
			Attendance: deref(s.Attendance), Created: s.Created,
			Activity: polku.Activity{Title: s.Activity, Sessions: []polku.Session{{Start: s.Start, End: deref(s.End)}}}})
	}
	if c := d.Case; c != nil {
		x.Case = &polku.Case{ID: c.ID, ChatID: chat, Status: c.Status, Shared: c.Shared, Opened: c.Opened,
			Closed: deref(c.Closed), Outcome: deref(c.Outcome), FamilyAt: deref(c.FamilyAt)}
	}
	for _, k := range d.Cards {
		x.Cards = append(x.Cards, polku.Card{ChatID: chat, Code: k.Code, ValidFrom: k.ValidFrom, ValidUntil: k.ValidUntil,
			Visits: k.Visits, Used: k.Used, Revoked: k.RevokedAt != nil})
	}
	return x, nil
}

// deref is what p points to, or the zero value for nil (SQL's NULL).
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// Family returns the family of the chat, or ENOTFOUND.
func (db *DB) Family(ctx context.Context, chat int64) (polku.Family, error) {
	return familyOf(ctx, db.pool, chat)
}

func (t *Tx) familyByChat(ctx context.Context, chat int64) (polku.Family, error) {
	return familyOf(ctx, t.tx, chat)
}

func familyOf(ctx context.Context, db querier, chat int64) (polku.Family, error) {
	var f polku.Family
	var referral *string
	var answers []byte
	var profileAt *time.Time
	err := db.QueryRow(ctx, `
		SELECT id, chat_id, lang, referral, consent_version, consent_at, answers, profile_at
		FROM families WHERE chat_id = $1`, chat).Scan(&f.ID, &f.ChatID, &f.Lang, &referral, &f.ConsentVersion, &f.ConsentAt, &answers, &profileAt)
	if err != nil {
		return f, wrap(err, "family")
	}
	if referral != nil {
		f.Referral = *referral
	}
	if profileAt != nil {
		f.ProfileAt = *profileAt
	}
	if answers != nil {
		if err := json.Unmarshal(answers, &f.Answers); err != nil {
			return f, wrap(err, "family answers")
		}
	}
	var scores []int
	var instrument string
	err = db.QueryRow(ctx, `SELECT scores, instrument FROM wellbeing WHERE family_id = $1 AND kind = 'baseline'`, f.ID).Scan(&scores, &instrument)
	if err == nil {
		f.Answers.Wellbeing, f.Answers.Instrument = scores, polku.Instrument(instrument)
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return f, wrap(err, "family wellbeing")
	}
	return f, nil
}

// ContactRequests describes the chat's requests to talk to a person, oldest
// first, as "reason/contact status" (with "family" when tied to one).
func (db *DB) ContactRequests(ctx context.Context, chat int64) ([]string, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT reason || '/' || contact || ' ' || status ||
			CASE WHEN family_id IS NULL THEN ' (no family)' ELSE '' END ||
			CASE WHEN phone IS NOT NULL THEN ' phone' ELSE '' END
		FROM contact_requests WHERE chat_id = $1 ORDER BY id`, chat)
	if err != nil {
		return nil, wrap(err, "contact requests")
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, wrap(err, "contact requests")
}

// family returns the ID of the chat's family, 0 when there is none.
func (t *Tx) family(ctx context.Context) (int64, error) {
	var id int64
	err := t.tx.QueryRow(ctx, `SELECT id FROM families WHERE chat_id = $1`, t.chat).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, wrap(err, "family")
}

// FamilyChats lists every family's chat (for the console, whose fake
// Telegram must know the chats of earlier runs' families).
func (db *DB) FamilyChats(ctx context.Context) ([]int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT chat_id FROM families ORDER BY chat_id`)
	if err != nil {
		return nil, wrap(err, "family chats")
	}
	chats, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return chats, wrap(err, "family chats")
}
