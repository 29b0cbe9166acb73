package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// column is what one column holds of a family's.
type column struct {
	// link is how a row of the column's table belongs to a family (a key
	// of links); "" when the column holds nothing of a family's.
	link string
	// exported says the family's values are in its export, under the
	// column's name or key.
	exported bool
	key      string
	// why a personal column is not exported, or a column not personal.
	why string
}

// exported is a column of a family's that its export holds.
func exported(link string) column { return column{link: link, exported: true} }

// personal is a column of a family's rows that its export leaves out, and
// why.
func personal(link, why string) column { return column{link: link, why: why} }

// other is a column that holds nothing of a family's, and why.
func other(why string) column { return column{why: why} }

// granted is why the grants hold nothing of a family's: they are the
// staff's roles granted in Telegram.
const granted = "the staff's roles granted in Telegram"

// links find a family's rows: $1 is its chat.
var links = map[string]string{
	"chat_id":            `chat_id = $1`,
	"family_id":          `family_id = (SELECT id FROM families WHERE chat_id = $1)`,
	"case_id":            `case_id = (SELECT id FROM cases WHERE chat_id = $1)`,
	"card_id":            `card_id IN (SELECT id FROM cards WHERE chat_id = $1)`,
	"chat_id or case_id": `chat_id = $1 OR case_id = (SELECT id FROM cases WHERE chat_id = $1)`,
}

// Reasons shared by several columns.
const (
	key         = "an internal key"
	coordinator = "the coordinator's, not the family's"
	applying    = "how the chat's updates were applied, once and in order: no content"
	sending     = "how a message was sent: no content"
	anonymous   = "counts without a personal key, kept when a family erases its data"
	service     = "the service's costs as a manager set them: no family's"
)

// schema is every column of every table, by what it holds of a family's.
// A column missing here fails TestEveryColumnClassified: a new column must
// be placed, and if it is a family's, the scenario of
// TestExportAndEraseEverything must fill it.
var schema = map[string]map[string]column{
	"families": {
		"id": personal("chat_id", "the family key, an internal number"), "chat_id": exported("chat_id"), "lang": exported("chat_id"),
		"referral": exported("chat_id"), "consent_version": exported("chat_id"), "consent_at": exported("chat_id"),
		"answers": exported("chat_id"), "profile_at": exported("chat_id"), "created_at": exported("chat_id"), "reminders": exported("chat_id"), "follow_ups": exported("chat_id"), "news": exported("chat_id"),
	},
	"wellbeing": {
		"id": personal("family_id", key), "family_id": personal("family_id", key),
		"kind": exported("family_id"), "instrument": exported("family_id"), "scores": exported("family_id"), "taken_at": exported("family_id"),
		"point": exported("family_id"),
	},
	"contact_requests": {
		"id": personal("chat_id", key), "family_id": personal("chat_id", key), "chat_id": exported("chat_id"),
		"reason": exported("chat_id"), "contact": exported("chat_id"), "phone": exported("chat_id"), "status": exported("chat_id"),
		"created_at": exported("chat_id"), "closed_at": exported("chat_id"),
	},
	"signups": {
		"id": personal("family_id", key), "family_id": personal("family_id", key),
		"session_id": personal("family_id", "a key of the catalogue: the export names the activity and the session's times instead"),
		"children":   exported("family_id"), "adults": exported("family_id"), "status": exported("family_id"),
		"created_at": exported("family_id"), "cancelled_at": exported("family_id"), "attendance": exported("family_id"),
		"attended_at": exported("family_id"),
		"mark":        {link: "family_id", exported: true, key: "provider_mark"},
		"marked_at":   {link: "family_id", exported: true, key: "provider_marked_at"},
		"marked_by":   personal("family_id", "a key of the providers: the export names the organiser instead"),
	},
	"jobs": {
		"id": personal("family_id", key), "family_id": personal("family_id", key), "signup_id": personal("family_id", key),
		"attempts": personal("family_id", "failed renderings, for the operator"),
		"chat_id":  exported("family_id"), "kind": exported("family_id"), "due_at": exported("family_id"),
		"data": exported("family_id"), "done_at": exported("family_id"),
	},
	"cases": {
		"id": exported("chat_id"), "chat_id": exported("chat_id"), "shared": exported("chat_id"), "status": exported("chat_id"),
		"urgent": exported("chat_id"), "municipality": exported("chat_id"), "bands": exported("chat_id"), "outcome": exported("chat_id"),
		"opened_at": exported("chat_id"), "family_at": exported("chat_id"), "claimed_at": exported("chat_id"),
		"closed_at": exported("chat_id"), "feedback_asked_at": exported("chat_id"),
		"thread_id":  personal("chat_id", "Telegram's number of the case's topic in the coordinators' group"),
		"summary_id": personal("chat_id", "Telegram's number of the topic's summary message"),
		"group_id":   personal("chat_id", "the coordinators' group the case is in (its municipality's)"),
		"moved_at":   exported("chat_id"),
		"claimed_by": other(coordinator), "claimed_name": other(coordinator),
		"nudged_at": other("when the coordinators were reminded of the case: their work"),
	},
	"case_feedback": {
		"id": personal("case_id", key), "case_id": personal("case_id", key),
		"score": exported("case_id"), "given_at": exported("case_id"),
	},
	"case_notes": {
		"id": personal("case_id", key), "case_id": personal("case_id", key), "coordinator": other(coordinator),
		"text": exported("case_id"), "created_at": exported("case_id"),
	},
	"audit": {
		"id":      personal("case_id", key),
		"case_id": personal("case_id", "cleared when the family's data is erased: the trail of who did what stays, of no one"),
		"at":      exported("case_id"), "action": exported("case_id"), "detail": exported("case_id"), "coordinator": other(coordinator),
		"scope": personal("case_id", "the municipality of the family's case, which the export tells already; kept when the data is erased, as the area whose managers read the row"),
	},
	"once": {
		"key":     other("what the bot did by itself, such as a month's report: no one's"),
		"done_at": other("when the bot did it"),
	},
	"cards": {
		"id": personal("chat_id", key), "case_id": personal("chat_id", key), "chat_id": exported("chat_id"), "code": exported("chat_id"),
		"valid_from": exported("chat_id"), "valid_until": exported("chat_id"), "visits": exported("chat_id"),
		"issued_at": exported("chat_id"), "revoked_at": exported("chat_id"),
		"issued_by": other(coordinator), "revoked_by": other(coordinator),
	},
	"card_visits": {
		"id": personal("card_id", key), "card_id": personal("card_id", key),
		"provider_id": personal("card_id", "a key of the providers: the export names the organiser instead"),
		"activity_id": personal("card_id", "a key of the catalogue: the export names the activity instead"),
		"visited_at":  exported("card_id"),
	},
	"conversations": {
		"chat_id": exported("chat_id"), "data": {link: "chat_id", exported: true, key: "conversation"},
		"last_update_id": personal("chat_id", applying), "last_seq": personal("chat_id", applying),
		"applied": personal("chat_id", applying), "updated_at": personal("chat_id", applying),
		"blocked_at": personal("chat_id", "whether Telegram lets the bot write to the chat"),
		"lang":       personal("chat_id", "the conversation's language, also in its document"),
		"talking":    personal("chat_id", "whether the family talks to a person, also in its document"),
		"draft":      personal("chat_id", "whether an intake is half done, also in its document"),
	},
	"inbox": {
		"chat_id":   exported("chat_id"),
		"payload":   personal("chat_id", "an update waiting to be applied: cleared once applied, when what it said is stored where it belongs"),
		"update_id": personal("chat_id", applying), "seq": personal("chat_id", applying), "received_at": personal("chat_id", applying),
		"applied_at": personal("chat_id", applying), "attempts": personal("chat_id", applying),
		"not_before": personal("chat_id", applying),
		"failure":    other("an error code, never what the update said"),
	},
	"campaigns": {
		"id": other(key), "chat_id": other("the staff chat a campaign was composed in"), "created_by": other(coordinator),
		"created_at": other(coordinator), "texts": other("the announcement, the same for every family it goes to"),
		"photo": other("the announcement's picture"), "activity_id": other(key), "segment": other("the anonymous fields that picked the families"),
		"sent_at": other(coordinator), "sent_by": other(coordinator), "has_activity": other("whether the announcement had an activity"),
		"payloads": other("the announcement as the families get it, the same for all in a language"), "fallback": other("the language of those whose language it has no text in"),
		"sent": other(anonymous), "delivered": other(anonymous), "opened": other(anonymous), "signed_up": other(anonymous),
	},
	"campaign_sends": {
		"campaign_id": {link: "family_id", exported: true, key: "campaign"}, "family_id": personal("family_id", key), "delivered_at": personal("family_id", "when Telegram took it; the export says what the family received"),
		"queued_at": personal("family_id", sending),
		"opened_at": exported("family_id"), "signed_up_at": exported("family_id"),
	},
	"outbox": {
		"chat_id": personal("chat_id or case_id", "whom a message goes to: the family's chat, or the coordinators' group"),
		"case_id": personal("chat_id or case_id", key),
		"payload": personal("chat_id or case_id", "a message on its way or sent, to the family or into its case's topic, kept only for the retention: the family has it in its chat"),
		"id":      personal("chat_id or case_id", sending), "priority": personal("chat_id or case_id", sending),
		"update_id": personal("chat_id or case_id", sending), "created_at": personal("chat_id or case_id", sending),
		"not_before": personal("chat_id or case_id", sending), "attempts": personal("chat_id or case_id", sending),
		"sent_at": personal("chat_id or case_id", sending), "message_id": personal("chat_id or case_id", sending),
		"dropped": personal("chat_id or case_id", sending), "lane": personal("chat_id or case_id", sending),
		"campaign_id": personal("chat_id or case_id", sending),
	},
	"outbox_lanes": {
		"chat_id": personal("chat_id", sending), "lane": personal("chat_id", sending), "head": personal("chat_id", sending),
		"priority": personal("chat_id", sending), "not_before": personal("chat_id", sending),
		"waiting": personal("chat_id", sending), "served": personal("chat_id", sending),
		"digest": personal("chat_id", "a hash of the lane's newest message, to send a repeated one once"),
	},
	"coordinators": {
		"user_id": other("the coordinators"), "first_name": other("the coordinators"), "on_duty": other("the coordinators"),
		"seen_at": other("the coordinators"), "duty_group": other("the coordinators"),
	},
	"providers": {
		"id": other("the providers' staff"), "organiser": other("the providers' staff"), "name": other("the providers' staff"),
		"link_code": other("the providers' staff"), "user_id": other("the providers' staff"), "added_by": other("the providers' staff"),
		"added_at": other("the providers' staff"), "linked_at": other("the providers' staff"),
		"first_name": other("the providers' staff"), "link_until": other("the providers' staff"),
		"removed_at": other("the providers' staff"), "removed_by": other(coordinator),
	},
	"grants": {
		"id": other(granted), "role": other(granted), "scope": other(granted), "name": other(granted),
		"user_id": other(granted), "first_name": other(granted), "link_code": other(granted), "link_until": other(granted),
		"granted_by": other(granted), "granted_at": other(granted), "taken_at": other(granted),
		"revoked_at": other(granted), "revoked_by": other(granted),
	},
	"case_held": {
		"id": personal("case_id", key), "case_id": personal("case_id", key),
		"message_id": personal("case_id", "which of the family's messages wait to be shown to the coordinators: their numbers only, the messages are in the family's own chat"),
		"held_at":    personal("case_id", "when such a message was held"),
	},
	"chat_groups": {
		"chat_id": other("the coordinators' group"), "down_since": other("the coordinators' group"),
		"down_reason": other("the coordinators' group"),
	},
	"referral_codes": {
		"code": other("the professional network's; a family holds only the code"), "organisation": other("the professional network's"),
		"created_at": other("the professional network's"), "created_by": other(coordinator),
		"municipality": other("the professional network's: the municipality the code was made for"),
	},
	"activities": {
		"id": other("the catalogue"), "organiser": other("the catalogue"), "external_id": other("the catalogue"),
		"municipality": other("the catalogue"), "status": other("the catalogue"), "data": other("the catalogue"),
		"updated_at": other("the catalogue"), "neighbours": other("the catalogue"),
	},
	"sessions": {
		"id": other("the catalogue"), "activity_id": other("the catalogue"), "external_id": other("the catalogue"),
		"starts_at": other("the catalogue"), "ends_at": other("the catalogue"), "capacity": other("the catalogue"),
		"enrol_from": other("the catalogue"), "enrol_until": other("the catalogue"), "status": other("the catalogue"),
	},
	"stats": {
		"day": other(anonymous), "kind": other(anonymous), "municipality": other(anonymous), "referral": other(anonymous),
		"band": other(anonymous), "category": other(anonymous), "organiser": other(anonymous), "count": other(anonymous),
	},
	"stat_values": {
		"month": other(anonymous), "kind": other(anonymous), "municipality": other(anonymous),
		"value": other(anonymous), "count": other(anonymous),
	},
	"stat_pairs": {
		"month": other(anonymous), "municipality": other(anonymous), "instrument": other(anonymous), "point": other(anonymous),
		"before": other(anonymous), "after": other(anonymous), "attended": other(anonymous), "count": other(anonymous),
	},
	"costs": {
		"id": other(service), "set_at": other(service), "monthly": other(service), "per_session": other(service),
		"per_visit": other(service), "staff_hours": other(service), "hourly_rate": other(service),
		"set_by": other(coordinator),
	},
	"schema_version": {"version": other("the migrations' version")},
}

// columns lists every column of every table of the database, as
// "table.column", from the schema itself.
func columns(t *testing.T, db *DB) [][2]string {
	t.Helper()
	rows, err := db.pool.Query(context.Background(), `
		SELECT c.table_name::text, c.column_name::text
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for rows.Next() {
		var tc [2]string
		if err := rows.Scan(&tc[0], &tc[1]); err != nil {
			t.Fatal(err)
		}
		out = append(out, tc)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEveryColumnClassified: every column of the schema is in schema, with
// a known link, and nothing in schema is gone from the database.
func TestEveryColumnClassified(t *testing.T) {
	db := newDB(t)
	seen := map[string]bool{}
	for _, tc := range columns(t, db) {
		seen[tc[0]+"."+tc[1]] = true
		c, ok := schema[tc[0]][tc[1]]
		switch {
		case !ok:
			t.Errorf("%s.%s is not classified: add it to schema, as a family's (how its row links to a family) or not (why)", tc[0], tc[1])
		case c.link != "" && links[c.link] == "":
			t.Errorf("%s.%s links by %q, which is not one of links", tc[0], tc[1], c.link)
		case !c.exported && c.why == "":
			t.Errorf("%s.%s: say why it is not exported, or not personal", tc[0], tc[1])
		}
	}
	for table, cols := range schema {
		for col := range cols {
			if !seen[table+"."+col] {
				t.Errorf("schema classifies %s.%s, which the database does not have", table, col)
			}
		}
	}
}

// marked is one family of TestExportAndEraseEverything, with what marks
// its data.
type marked struct {
	chat   int64
	phone  string
	words  string // the family's own words, and a coordinator's about it
	thread int
}

// fill gives the family a row in every table that can hold a family's, and
// a value in every such column: consent from a referral, answers with its
// own words and number and a wellbeing baseline, an open and a withdrawn
// request, reminders off, a sign-up attended (its session moved, with the
// notice sent) and one cancelled, a case (claimed, noted, closed with
// feedback, opened urgently again and closed again) with its topic, two
// cards (the first revoked, used once), messages to the chat and into the
// topic (sent, dropped, held after a 429, waiting) and the chat blocked.
// It returns the family's case.
func fill(t *testing.T, db *DB, clk *clock, f marked, p polku.Provider, activity int64, sessions [2]int64) polku.Case {
	t.Helper()
	ctx := context.Background()
	// Every step has a minute of its own, so that a time found in the
	// export under a column's name is that column's.
	tick := func() { clk.set(clk.read().Add(time.Minute)) }
	in := func(chat int64, fn func(ctx context.Context, tx *Tx) error) { tick(); inTx(t, db, chat, fn) }
	a := answers()
	a.HelpText, a.Phone = f.words, f.phone
	in(f.chat, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	in(f.chat, func(ctx context.Context, tx *Tx) error {
		if err := tx.RecordConsent(ctx, "fi", "v1", "school"); err != nil {
			return err
		}
		if _, err := tx.SaveProfile(ctx, "fi", a); err != nil {
			return err
		}
		conv := fmt.Appendf(nil, `{"state":"done","answers":{"help_text":%q,"phone":%q}}`, f.words, f.phone)
		return tx.Save(ctx, Conversation{Data: conv, Lang: "fi"}, []Out{msg(f.chat, 0, "Your words: "+f.words+", your number: "+f.phone)})
	})
	in(f.chat, func(ctx context.Context, tx *Tx) error {
		return tx.RequestPerson(ctx, "intake", polku.ContactPhone, f.phone)
	})
	in(f.chat, func(ctx context.Context, tx *Tx) error { return tx.WithdrawRequest(ctx) })
	in(f.chat, func(ctx context.Context, tx *Tx) error {
		return tx.RequestPerson(ctx, "intake", polku.ContactPhone, f.phone)
	})
	in(f.chat, func(ctx context.Context, tx *Tx) error { return tx.SetReminders(ctx, false) })
	in(f.chat, func(ctx context.Context, tx *Tx) error {
		_, err := tx.SaveFollowUp(ctx, 1, polku.InstrumentOwn, []int{3, 3, 4, 5})
		return err
	})
	// News: yes, and a campaign delivered, opened and followed by a
	// sign-up (the campaign itself is the staff's, made here as sending
	// would make it for five families).
	in(f.chat, func(ctx context.Context, tx *Tx) error { return tx.SetNews(ctx, true) })
	tick()
	var campaign, news int64
	// Sent before the sign-ups below are made (at t0), so they count.
	if err := db.pool.QueryRow(ctx, `INSERT INTO campaigns (chat_id, created_by, created_at, sent_at, sent_by, sent) VALUES ($1, $2, $3, $3, $2, 5) RETURNING id`,
		group, aino, t0.Add(-time.Hour)).Scan(&campaign); err != nil {
		t.Fatal(err)
	}
	if err := db.pool.QueryRow(ctx, `
		WITH s AS (INSERT INTO campaign_sends (campaign_id, family_id, queued_at) SELECT $1, id, $4 FROM families WHERE chat_id = $2)
		INSERT INTO outbox (chat_id, priority, payload, created_at, not_before, lane, campaign_id) VALUES ($2, $3, '{"m":"send","text":"news"}', $4, $4, $5, $1) RETURNING id`,
		campaign, f.chat, PriorityCampaign, clk.read(), LaneCampaigns).Scan(&news); err != nil {
		t.Fatal(err)
	}
	if did, err := db.Send(ctx, news, func(Message) Outcome { return Outcome{Sent: true, MessageID: 2} }); err != nil || !did {
		t.Fatalf("campaign message: %v %v", did, err)
	}
	in(f.chat, func(ctx context.Context, tx *Tx) error { return tx.OpenedCampaign(ctx, campaign) })
	kept := mustJoin(t, db, f.chat, sessions[0], 1, 1, polku.OutcomeConfirmed)
	gone := mustJoin(t, db, f.chat, sessions[1], 1, 0, polku.OutcomeConfirmed)
	in(f.chat, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.CancelSignUp(ctx, gone.ID, clk.read(), rem); err != nil {
			return err
		}
		return tx.Attend(ctx, kept.ID, polku.Attended, day5.Add(3*time.Hour))
	})
	// The provider marks the party as come, after the session.
	back := clk.read()
	clk.set(day5.Add(3 * time.Hour))
	in(p.UserID, func(ctx context.Context, tx *Tx) error {
		_, err := tx.MarkAttendance(ctx, kept.ID, p, polku.MarkCame)
		return err
	})
	clk.set(back)

	tick()
	c, _ := caseWithHistory(t, db, f.chat, p, activity)
	in(group, func(ctx context.Context, tx *Tx) error { return tx.AddNote(ctx, c.ID, aino, "About them: "+f.words) })
	// The case moves to another municipality's group, and back.
	in(group, func(ctx context.Context, tx *Tx) error {
		if _, _, err := tx.MoveCase(ctx, c.ID, "Kalajoki", otherGroup); err != nil {
			return err
		}
		if _, _, err := tx.MoveCase(ctx, c.ID, c.Municipality, c.Group); err != nil {
			return err
		}
		_, err := tx.Claim(ctx, c.ID, aino, "Aino")
		return err
	})
	// A flood: one of the family's messages is held back from the topic.
	in(f.chat, func(ctx context.Context, tx *Tx) error { return tx.Hold(ctx, c.ID, 4321) })
	tick()
	mustIssue(t, db, c, CardTerms{Days: 10})
	tick()
	if _, did := openCase(t, db, f.chat, CaseRequest{Urgent: true}); did != CaseReopened {
		t.Fatalf("case %d was not opened again: %v", c.ID, did)
	}
	tick()
	mustClose(t, db, c.ID, polku.OutcomeActivities)
	if _, err := db.EnsureTopic(ctx, c.ID, func() (int, error) { return f.thread, nil }); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSummary(ctx, c.ID, f.thread+1); err != nil {
		t.Fatal(err)
	}

	in(f.chat, func(ctx context.Context, tx *Tx) error {
		topic := func(payload string) Out { return Out{ChatID: group, Case: c.ID, Payload: []byte(payload)} }
		return tx.Save(ctx, Conversation{Data: []byte(`{"state":"done"}`)}, []Out{
			msg(f.chat, 0, "dropped"), msg(f.chat, 0, "held"), msg(f.chat, 1, "waiting"),
			topic(fmt.Sprintf(`{"m":"send","case":%d,"text":"Summary: %s, %s"}`, c.ID, f.words, f.phone)),
			topic(fmt.Sprintf(`{"m":"copy","case":%d,"from":%d,"msg":12}`, c.ID, f.chat)),
			topic(fmt.Sprintf(`{"m":"edit","case":%d,"summary":true,"text":"Summary: %s"}`, c.ID, f.words)),
		})
	})
	sendFirst(t, db, f.chat, Outcome{Sent: true, MessageID: 3})
	sendFirst(t, db, f.chat, Outcome{Drop: "refused"})
	sendFirst(t, db, f.chat, Outcome{RetryAt: time.Now().Add(time.Hour)}) // wall time, as the sender's
	sendFirst(t, db, group, Outcome{Sent: true, MessageID: f.thread + 1})
	in(f.chat, func(ctx context.Context, tx *Tx) error { return tx.SetBlocked(ctx, true) })
	return c
}

// sendFirst gives the oldest unsent message of chat the outcome o, as the
// sender would.
func sendFirst(t *testing.T, db *DB, chat int64, o Outcome) {
	t.Helper()
	id := scalar[int64](t, db, `SELECT min(id) FROM outbox WHERE chat_id = $1 AND sent_at IS NULL AND dropped IS NULL`, chat)
	did, err := db.Send(context.Background(), id, func(Message) Outcome { return o })
	if err != nil || !did {
		t.Fatalf("send %d: %v, %v", id, did, err)
	}
}

// values are the family's values of a personal column (via its link), as
// JSON.
func values(t *testing.T, db *DB, table, col string, c column, chat int64) []string {
	t.Helper()
	rows, err := db.pool.Query(context.Background(), fmt.Sprintf(`SELECT to_jsonb(t.%s)::text FROM %s t WHERE (%s) AND t.%[1]s IS NOT NULL`,
		pgx.Identifier{col}.Sanitize(), pgx.Identifier{table}.Sanitize(), links[c.link]), chat)
	if err != nil {
		t.Fatalf("%s.%s: %v", table, col, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("%s.%s: %v", table, col, err)
	}
	return out
}

// canon writes a JSON value so that equal values are equal strings:
// objects' keys sorted, times in UTC, numbers as written.
func canon(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(normal(v)); err != nil {
		panic(err) // decoded JSON: cannot fail
	}
	return strings.TrimSpace(b.String())
}

func normal(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = normal(x)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, x := range v {
			l[i] = normal(x)
		}
		return l
	case string:
		if at, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return at.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

func decode(t *testing.T, data []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	return v
}

// pairs adds to set every key of every object in v with its value, as
// "key=" and the value as canon writes it.
func pairs(v any, set map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			set[k+"="+canon(x)] = true
			pairs(x, set)
		}
	case []any:
		for _, x := range v {
			pairs(x, set)
		}
	}
}

// rowsOf is every row of every family's table that links to chat, as
// JSON, by table.
func rowsOf(t *testing.T, db *DB, chat int64) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, cols := range schema {
		link := ""
		for _, c := range cols {
			link = cmp.Or(link, c.link)
		}
		if link == "" {
			continue
		}
		rows, err := db.pool.Query(context.Background(), fmt.Sprintf(`SELECT to_jsonb(t)::text FROM %s t WHERE %s ORDER BY 1`,
			pgx.Identifier{table}.Sanitize(), links[link]), chat)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if out[table], err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
	}
	return out
}

// TestExportAndEraseEverything fills every column that can hold a family's
// data for one family (and for a second one), then checks, driven by the
// schema: (a) the first family's export holds every value of its exported
// columns; (b) after it erases its data no row anywhere holds its chat ID,
// phone number or words (but the erasure's own answer, and its chat's
// conversation, reset), no row points at its keys, and the second family's
// rows are all still there.
func TestExportAndEraseEverything(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	clk := setClock(db, t0)
	seeded(db)
	if err := db.AddReferralCode(ctx, "school", "Esimerkkikoulu"); err != nil {
		t.Fatal(err)
	}
	activity, _, _ := library(t, db)
	p := provider(t, db, "library", "Liisa", 201)
	sessions := [2]int64{sessionID(t, db, "a", "1"), sessionID(t, db, "b", "1")}
	first := marked{chat: 7123456789, phone: "+358401110001", words: "Muutimme syksyllä, Q7-merkki", thread: 11}
	second := marked{chat: 6000000002, phone: "+358402220002", words: "Second family's words, R8", thread: 22}
	c := fill(t, db, clk, first, p, activity, sessions)
	fill(t, db, clk, second, p, activity, sessions)
	// The session the families attended moves: a notice with the old
	// start, sent at once.
	sports := act("c", sess("1", day5, 10))
	sports.Organiser = "kuusamo-sports"
	importAt(t, db, t0, act("a", sess("1", day5.Add(time.Hour), 10)), act("b", sess("1", t0.Add(2*time.Hour), 10)), sports)
	clk.set(clk.read().Add(time.Minute))
	if _, err := db.RunJobs(ctx, clk.read(), 100, func(context.Context, Job) ([]Out, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}

	// The family presses "delete": the update waits in the inbox.
	erase := updateIDs.Add(1)
	if err := db.Enqueue(ctx, []Update{{ID: erase, ChatID: first.chat, Payload: fmt.Appendf(nil, `{"message":{"text":%q}}`, first.words)}}); err != nil {
		t.Fatal(err)
	}
	// Its first try failed (Telegram did), and it waited: the waiting is
	// over by the time it is applied.
	if _, err := db.Failed(ctx, erase, "telegram: transient", 10, time.Now().Add(-time.Second), nil); err != nil {
		t.Fatal(err)
	}

	cols := columns(t, db)
	t.Run("export", func(t *testing.T) {
		x, err := db.Export(ctx, first.chat)
		if err != nil {
			t.Fatal(err)
		}
		doc := map[string]bool{}
		pairs(decode(t, x.Doc), doc)
		for _, tc := range cols {
			table, col := tc[0], tc[1]
			cl := schema[table][col]
			if cl.link == "" {
				continue
			}
			vs := values(t, db, table, col, cl, first.chat)
			if len(vs) == 0 {
				t.Errorf("the scenario leaves %s.%s empty: fill it, to show it is exported and erased", table, col)
			}
			if !cl.exported {
				continue
			}
			for _, v := range vs {
				if !doc[cmp.Or(cl.key, col)+"="+canon(decode(t, []byte(v)))] {
					t.Errorf("the export lacks %s.%s = %s (as %q)", table, col, v, cmp.Or(cl.key, col))
				}
			}
		}
		if t.Failed() {
			t.Logf("export:\n%s", x.Doc)
		}
	})

	t.Run("export read", func(t *testing.T) {
		x, err := db.Export(ctx, first.chat)
		if err != nil {
			t.Fatal(err)
		}
		fam, agreed := x.Family, t0.Add(2*time.Minute) // fill's second step
		if fam.ChatID != first.chat || fam.ConsentVersion != "v1" || !fam.ConsentAt.Equal(agreed) || fam.ProfileAt.IsZero() ||
			fam.Answers.HelpText != first.words || fam.Answers.Phone != first.phone || !slices.Equal(fam.Answers.Wellbeing, []int{2, 3, 4, 5}) {
			t.Errorf("family %+v", fam)
		}
		if len(x.Wellbeing) != 2 || x.Wellbeing[0].Kind != "baseline" || !x.Wellbeing[0].Taken.Equal(agreed) ||
			x.Wellbeing[1].Kind != "followup" || !slices.Equal(x.Wellbeing[1].Scores, []int{3, 3, 4, 5}) {
			t.Errorf("wellbeing %+v", x.Wellbeing)
		}
		var sus []string
		for _, su := range x.SignUps {
			sus = append(sus, fmt.Sprintf("%s %s %s %s", su.Activity.Title.In("fi"), su.Session().Start.In(helsinki).Format("02.01. 15:04"), su.Status, su.Attendance))
		}
		if want := []string{"Satutunti b 01.12. 12:00 cancelled ", "Satutunti a 05.12. 18:00 confirmed yes"}; !slices.Equal(sus, want) {
			t.Errorf("sign-ups %q, want %q", sus, want)
		}
		if x.Case == nil || x.Case.ID != c.ID || x.Case.Status != polku.CaseClosed || !x.Case.Shared || x.Case.Outcome != polku.OutcomeActivities {
			t.Errorf("case %+v", x.Case)
		}
		if len(x.Cards) != 2 || !x.Cards[0].Revoked || x.Cards[0].Used != 1 || x.Cards[1].Revoked || x.Cards[1].Visits != 0 {
			t.Errorf("cards %+v", x.Cards)
		}
	})

	keys := map[string][]int64{}
	for k, q := range map[string]string{
		"family_id": `SELECT id FROM families WHERE chat_id = $1`,
		"case_id":   `SELECT id FROM cases WHERE chat_id = $1`,
		"card_id":   `SELECT id FROM cards WHERE chat_id = $1`,
		"signup_id": `SELECT s.id FROM signups s JOIN families f ON f.id = s.family_id WHERE f.chat_id = $1`,
	} {
		rows, err := db.pool.Query(ctx, q, first.chat)
		if err != nil {
			t.Fatal(err)
		}
		if keys[k], err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil || len(keys[k]) == 0 {
			t.Fatalf("%s of the first family: %v, %v", k, keys[k], err)
		}
	}
	audit := scalar[int](t, db, `SELECT count(*) FROM audit`)
	before := rowsOf(t, db, second.chat)

	did, err := db.Apply(ctx, first.chat, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error {
		if p.UpdateID != erase {
			return fmt.Errorf("applying update %d, want %d", p.UpdateID, erase)
		}
		if err := tx.Erase(ctx); err != nil {
			return err
		}
		return tx.Save(ctx, Conversation{Data: []byte(`{"state":"welcome"}`)}, []Out{
			msg(first.chat, 0, "Done. Your answers are deleted."),
			{ChatID: group, Payload: fmt.Appendf(nil, `{"m":"topic_delete","thread":%d}`, first.thread)},
		})
	})
	if err != nil || !did {
		t.Fatalf("erase: %v, %v", did, err)
	}

	t.Run("erased", func(t *testing.T) {
		// The erasure's own answer, and the chat's conversation (reset by
		// the bot: it holds the welcome), may name the chat.
		own := map[string]string{
			"conversations.chat_id": "true",
			"inbox.chat_id":         "update_id = $2",
			"outbox.chat_id":        "update_id = $2",
			"outbox.payload":        "update_id = $2",
			"outbox_lanes.chat_id":  "head IN (SELECT id FROM outbox WHERE update_id = $2)",
		}
		for _, tc := range cols {
			table, col := tc[0], tc[1]
			for _, needle := range []string{fmt.Sprint(first.chat), first.phone, first.words} {
				allowed := "false"
				if needle == fmt.Sprint(first.chat) {
					allowed = cmp.Or(own[table+"."+col], "false")
				}
				n := scalar[int](t, db, fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s::text LIKE '%%' || $1 || '%%' AND NOT (%s) AND $2::bigint IS NOT NULL`,
					pgx.Identifier{table}.Sanitize(), pgx.Identifier{col}.Sanitize(), allowed), needle, erase)
				if n > 0 {
					t.Errorf("after erasure %d rows of %s.%s hold %q", n, table, col, needle)
				}
			}
			if ids := keys[col]; ids != nil {
				if n := scalar[int](t, db, fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s = ANY($1)`,
					pgx.Identifier{table}.Sanitize(), pgx.Identifier{col}.Sanitize()), ids); n > 0 {
					t.Errorf("after erasure %d rows of %s.%s point at the family's %v", n, table, col, ids)
				}
			}
		}
		if n := scalar[int](t, db, `SELECT count(*) FROM outbox WHERE update_id = $1`, erase); n != 2 {
			t.Errorf("%d messages of the erasure itself, want its answer and the topic's deletion", n)
		}
		if n := scalar[int](t, db, `SELECT count(*) FROM audit`); n != audit {
			t.Errorf("%d audit rows, want all %d kept", n, audit)
		}
		if _, err := db.Export(ctx, first.chat); polku.ErrorCode(err) != polku.ENOTFOUND {
			t.Errorf("export after erasure: %v", err)
		}
	})

	t.Run("the other family", func(t *testing.T) {
		after := rowsOf(t, db, second.chat)
		for table, rows := range before {
			if len(rows) == 0 {
				t.Errorf("the scenario gives the second family no %s", table)
			}
			if !slices.Equal(after[table], rows) {
				t.Errorf("the second family's %s changed:\n%s\nnow:\n%s", table, strings.Join(rows, "\n"), strings.Join(after[table], "\n"))
			}
		}
	})
}

// TestDeclineForgetsSentMessages: declining takes the messages already sent
// to the chat and into its case's topic (its summary quoted the answers);
// those waiting go on, for the family still talks to a person, and other
// cases' messages stay.
func TestDeclineForgetsSentMessages(t *testing.T) {
	db := newDB(t)
	family(t, db, 1)
	family(t, db, 2)
	c1, _ := openCase(t, db, 1, CaseRequest{Share: true})
	c2, _ := openCase(t, db, 2, CaseRequest{Share: true})
	topic := func(c polku.Case, text string) Out {
		return Out{ChatID: group, Case: c.ID, Payload: fmt.Appendf(nil, `{"m":"send","case":%d,"text":%q}`, c.ID, text)}
	}
	ids := queue(t, db, msg(1, 0, "sent to the family"), topic(c1, "summary, sent"), topic(c2, "other summary, sent"),
		msg(1, 0, "waiting for the family"), topic(c1, "relay, waiting"))
	sendFirst(t, db, 1, Outcome{Sent: true, MessageID: 1})
	sendFirst(t, db, group, Outcome{Sent: true, MessageID: 2})
	sendFirst(t, db, group, Outcome{Sent: true, MessageID: 3})
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Decline(ctx) })
	if got, want := ints(t, db, `SELECT id FROM outbox ORDER BY id`), []int64{ids[2], ids[3], ids[4]}; !slices.Equal(got, want) {
		t.Errorf("outbox after declining %v, want %v (of %v)", got, want, ids)
	}
}
