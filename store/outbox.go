package store

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Priority orders what waits in the outbox: a lane whose head has a lower
// priority goes first. Telegram's limits are shared by every message, so
// what a person is waiting for must pass what can wait.
type Priority int

// The priorities of the outbox, most urgent first.
const (
	// PriorityAlert is an urgent alert to the coordinators' group (on
	// LaneAlerts): it passes every case's backlog.
	PriorityAlert Priority = -1
	// PriorityReply is an answer to someone waiting for it.
	PriorityReply Priority = 0
	// PriorityBackground is a message nobody is waiting for: reminders,
	// follow-ups, the feedback question after a case closed.
	PriorityBackground Priority = 1
)

// Out is one message for the outbox.
type Out struct {
	ChatID   int64
	Priority Priority
	Payload  []byte
	// Case is the case whose topic in the coordinators' group the
	// message goes to or shows (0 for none): erasing the family's data
	// deletes it with the case, sent or not.
	Case int64
	// Lane is what the message must arrive in order with, within its
	// chat: 0 for a person's chat (and the group's General topic), the
	// case for a case's topic, LaneAlerts for urgent alerts.
	Lane int64
}

// LaneAlerts is the group's lane of urgent alerts: they pass every case's
// backlog.
const LaneAlerts = -1

// Message is an outbox row waiting to be sent.
type Message struct {
	ID       int64
	ChatID   int64
	Priority Priority
	Payload  []byte
	Attempts int
	Lane     int64
}

// Lane names one lane of one chat (see Out.Lane).
type Lane struct {
	Chat, Lane int64
}

// Of is the lane of m.
func (m Message) Of() Lane { return Lane{m.ChatID, m.Lane} }

// Ready lists up to limit messages that may be sent now: the oldest unsent
// message of each lane, if it is due, skipping the lanes in skip (being
// sent now), and campaigns at night (db.Reminders.Quiet): they wait for
// the morning. Answers to waiting people come first; among equals, the lane
// that sent least recently, so every case and chat takes its turn. A lane's
// later messages wait until its earlier ones are sent, so each lane (a
// person's chat, a case's topic) gets its messages in order.
//
// The lanes' heads are kept in outbox_lanes, so this reads about limit
// rows however many messages wait.
//
// wall is the sender's wall time: a message held after Telegram's 429
// waits real seconds, whatever the service's clock says.
func (db *DB) Ready(ctx context.Context, limit int, skip []Lane, wall time.Time) ([]Message, error) {
	chats, lanes := make([]int64, len(skip)), make([]int64, len(skip))
	for i, l := range skip {
		chats[i], lanes[i] = l.Chat, l.Lane
	}
	rows, err := db.pool.Query(ctx, `
		SELECT o.id, o.chat_id, o.priority, o.payload, o.attempts, o.lane
		FROM outbox_lanes l JOIN outbox o ON o.id = l.head
		WHERE l.head IS NOT NULL AND (l.not_before IS NULL OR l.not_before <= $2)
		  AND NOT EXISTS (SELECT 1 FROM unnest($3::bigint[], $4::bigint[]) s (chat, lane) WHERE s.chat = l.chat_id AND s.lane = l.lane)
		  AND (l.priority < $5 OR NOT $6)
		ORDER BY l.priority, l.served, l.head
		LIMIT $1`, limit, wall, chats, lanes, PriorityCampaign, db.Reminders.Quiet(db.Now()))
	if err != nil {
		return nil, wrap(err, "ready messages")
	}
	msgs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Message])
	return msgs, wrap(err, "ready messages")
}

// Outcome is what became of one attempt to send a message.
type Outcome struct {
	// Sent is set when Telegram took the message; MessageID is its ID.
	Sent      bool
	MessageID int
	// RetryAt, when set, makes the message wait until then (wall time:
	// Telegram's limits run on real seconds, whatever the service's clock).
	RetryAt time.Time
	// Drop gives the message up with this reason (no personal data).
	Drop string
	// Blocked says the person blocked the bot: the chat is marked and all
	// its waiting messages are dropped.
	Blocked bool
}

// Result is a message the sender tried, and what became of it.
type Result struct {
	Message
	Outcome
}

// Record writes what became of messages the sender tried, in one
// transaction: while Telegram answers one batch of sends, the outcomes of
// the last are committed together, not each in a transaction of its own.
//
// Only one process sends (HoldSender), and it sends each lane's head one
// at a time, taking the next head only after the last one's outcome is
// recorded: that keeps each lane in order and each message sent once. A
// crash between Telegram's answer and the commit sends the message again
// later: late, never lost. A message deleted or dropped while it was being
// sent (the family erased its data, a campaign was taken back) is left as
// it is.
//
// The lanes move on here, not in a trigger a message (migration 024):
// the batch's lanes are taken in their order (as every transaction that
// queues takes its lanes, see queue, so they are never taken in a
// circle), the batch is marked, then each lane's head is found again in a
// statement of its own, which sees every message committed before the
// locks were taken; a lane with nothing left is forgotten. Six statements
// a batch, where the trigger ran four a message. (The lanes of a chat
// that blocked the bot are moved on one by one.)
func (db *DB) Record(ctx context.Context, results []Result) error {
	if len(results) == 0 {
		return nil
	}
	results = slices.Clone(results)
	slices.SortStableFunc(results, func(x, y Result) int {
		return cmp.Or(cmp.Compare(x.ChatID, y.ChatID), cmp.Compare(x.Lane, y.Lane), cmp.Compare(x.ID, y.ID))
	})
	now := db.Now()
	const unsent = ` AND sent_at IS NULL AND dropped IS NULL`
	var sent, sentMsg, dropped, chats, lanes, blocked, lockChats, lockLanes []int64
	var why []string
	waits := &pgx.Batch{}
	for _, r := range results {
		if n := len(lockChats); n == 0 || lockChats[n-1] != r.ChatID || lockLanes[n-1] != r.Lane {
			lockChats, lockLanes = append(lockChats, r.ChatID), append(lockLanes, r.Lane)
		}
		switch o := r.Outcome; {
		case o.Blocked:
			if !slices.Contains(blocked, r.ChatID) {
				blocked = append(blocked, r.ChatID)
			}
			continue
		case o.Sent:
			sent, sentMsg = append(sent, r.ID), append(sentMsg, int64(o.MessageID))
		case o.Drop != "":
			dropped, why = append(dropped, r.ID), append(why, o.Drop)
		default:
			// A wait keeps the message its lane's head (its trigger
			// tells the lane).
			waits.Queue(`UPDATE outbox SET not_before = $2, attempts = attempts + 1 WHERE id = $1`+unsent, r.ID, o.RetryAt)
			continue
		}
		if n := len(chats); n == 0 || chats[n-1] != r.ChatID || lanes[n-1] != r.Lane {
			chats, lanes = append(chats, r.ChatID), append(lanes, r.Lane)
		}
	}
	// First the rows of conversations that blocked the bot, then every
	// lane of the batch (and of those chats) in one order, by chat and
	// lane, as every transaction takes lanes (see queue): a transaction of
	// updates takes its chats' conversations before its lanes, so this
	// one never holds a lane while it waits for one of those rows, nor
	// takes lanes out of order (a wait's trigger takes its lane).
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	if blocked != nil {
		b.Queue(`UPDATE conversations SET blocked_at = $2 WHERE chat_id = ANY($1)`, blocked, now)
	}
	b.Queue(`
		WITH v (chat_id, lane) AS (
			SELECT * FROM unnest($1::bigint[], $2::bigint[])
			UNION SELECT chat_id, lane FROM outbox_lanes WHERE chat_id = ANY($3))
		SELECT 1 FROM outbox_lanes l JOIN v USING (chat_id, lane) ORDER BY l.chat_id, l.lane FOR UPDATE OF l`, lockChats, lockLanes, blocked)
	b.QueuedQueries = append(b.QueuedQueries, waits.QueuedQueries...)
	if sent != nil {
		b.Queue(`
			UPDATE outbox o SET sent_at = $3, message_id = v.msg, attempts = o.attempts + 1
			FROM unnest($1::bigint[], $2::bigint[]) v (id, msg)
			WHERE o.id = v.id AND o.sent_at IS NULL AND o.dropped IS NULL`, sent, sentMsg, now)
	}
	if dropped != nil {
		b.Queue(`
			UPDATE outbox o SET dropped = v.why, attempts = o.attempts + 1
			FROM unnest($1::bigint[], $2::text[]) v (id, why)
			WHERE o.id = v.id AND o.sent_at IS NULL AND o.dropped IS NULL`, dropped, why)
	}
	if blocked != nil {
		// The person blocked the bot: all that waits for the chat goes.
		b.Queue(`UPDATE outbox SET dropped = 'blocked', attempts = attempts + 1 WHERE chat_id = ANY($1)`+unsent, blocked)
	}
	if chats != nil {
		const these = `WITH v (chat_id, lane) AS (SELECT * FROM unnest($1::bigint[], $2::bigint[])) `
		b.Queue(these+`
			UPDATE outbox_lanes l SET served = nextval('outbox_served'), waiting = w.n,
				head = w.id, priority = COALESCE(w.priority, l.priority), not_before = w.not_before
			FROM (
				SELECT v.chat_id, v.lane, h.id, h.priority, h.not_before,
					(SELECT count(*) FROM outbox o WHERE o.chat_id = v.chat_id AND o.lane = v.lane`+unsent+`) n
				FROM v LEFT JOIN LATERAL (
					SELECT id, priority, not_before FROM outbox o
					WHERE o.chat_id = v.chat_id AND o.lane = v.lane`+unsent+`
					ORDER BY id LIMIT 1) h ON true
			) w
			WHERE l.chat_id = w.chat_id AND l.lane = w.lane`, chats, lanes)
		b.Queue(these+`DELETE FROM outbox_lanes l USING v WHERE l.chat_id = v.chat_id AND l.lane = v.lane AND l.head IS NULL`, chats, lanes)
	}
	if blocked != nil {
		// Every lane of a chat that blocked the bot, each taken in order
		// and moved on by outbox_lane_head (its own statement, after the
		// lock): rare, so one at a time.
		b.Queue(`SELECT outbox_lane_head(chat_id, lane) FROM (
			SELECT chat_id, lane FROM outbox_lanes WHERE chat_id = ANY($1) ORDER BY chat_id, lane FOR UPDATE) x`, blocked)
	}
	b.Queue("COMMIT")
	return wrap(db.pool.SendBatch(ctx, b).Close(), "record sends")
}

// Send sends one message the way the sender does: if id is still the head
// of its lane (its oldest unsent message), it runs send and records the
// outcome. It returns false when the message is sent, dropped or not first
// in its lane. Like the sender, it assumes no other sender tries the same
// lane meanwhile.
func (db *DB) Send(ctx context.Context, id int64, send func(Message) Outcome) (bool, error) {
	var m Message
	err := db.pool.QueryRow(ctx, `
		SELECT id, chat_id, priority, payload, attempts, lane FROM outbox o
		WHERE id = $1 AND sent_at IS NULL AND dropped IS NULL
		  AND EXISTS (SELECT 1 FROM outbox_lanes l WHERE l.chat_id = o.chat_id AND l.lane = o.lane AND l.head = o.id)`,
		id).Scan(&m.ID, &m.ChatID, &m.Priority, &m.Payload, &m.Attempts, &m.Lane)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, wrap(err, "send")
	}
	return true, db.Record(ctx, []Result{{m, send(m)}})
}

// queue adds outs to the outbox in b; update is the update whose
// transaction wrote them, 0 for none.
//
// One chat, one order: the messages of one lane go out in the order their
// transactions committed, each transaction's together and in the order it
// queued them, however many transactions queue into the lane at once (two
// families' updates each posting to the coordinators' group, two
// managers' reports each a chart then a spreadsheet). A lane sends by
// outbox.id, which is taken when a row is inserted, not when it commits;
// so before any of its rows is inserted, the batch's first statement
// takes the row of each of its lanes in outbox_lanes, creating the ones
// that do not wait yet, and keeps it until the transaction ends. Another
// transaction queuing into the same lane waits there, before it takes an
// id, until this one has committed or rolled back: every id of a lane is
// taken by the one transaction holding it, and each later holder's ids are
// greater than every id committed before. The sender, which takes the
// same row to move a lane's head on (see migration 008), thus never sees
// a gap that a later commit fills below its head.
//
// The lock is a lane's, not a chat's: a family's update waits for another
// transaction only on a lane both queue into (the coordinators' General
// topic or alerts), never for the group's other cases or another family's
// chat. Every transaction that queues takes its lanes in one order, by
// chat and lane, so two can never wait for each other in a circle; the
// sort is stable: messages of one lane keep their order. A lane row
// created here gets its head from the first insert (a transaction that
// rolls back takes its lane rows with it).
func (db *DB) queue(b *pgx.Batch, outs []Out, update int64) {
	if len(outs) == 0 {
		return
	}
	outs = slices.Clone(outs)
	slices.SortStableFunc(outs, func(x, y Out) int { return cmp.Or(cmp.Compare(x.ChatID, y.ChatID), cmp.Compare(x.Lane, y.Lane)) })
	var chats, lanes []int64
	for i, o := range outs {
		if i == 0 || o.ChatID != outs[i-1].ChatID || o.Lane != outs[i-1].Lane {
			chats, lanes = append(chats, o.ChatID), append(lanes, o.Lane)
		}
	}
	// DO UPDATE ... WHERE false locks the lane row that is there without
	// writing a new version of it; unnest gives the lanes in their order.
	b.Queue(`
		INSERT INTO outbox_lanes AS x (chat_id, lane)
		SELECT * FROM unnest($1::bigint[], $2::bigint[])
		ON CONFLICT (chat_id, lane) DO UPDATE SET waiting = x.waiting WHERE false`, chats, lanes)
	for _, o := range outs {
		// The same message as the lane's newest, while a few wait, is
		// one too many: the person gets it once.
		b.Queue(`
			INSERT INTO outbox (chat_id, priority, payload, update_id, created_at, case_id, lane)
			SELECT $1, $2, $3, $4, $5, $6, $7
			WHERE NOT EXISTS (SELECT 1 FROM outbox_lanes WHERE chat_id = $1 AND lane = $7 AND waiting >= $8 AND digest = md5($3::jsonb::text))`,
			o.ChatID, o.Priority, o.Payload, nullID(update), db.Now(), nullID(o.Case), o.Lane, repeatAfter)
	}
}

// repeatAfter is how many messages may wait in a lane before the same
// message again is not queued: a burst that Telegram would send at once.
const repeatAfter = 3

// applied marks an update applied ($1) at $2, forgetting its payload: only
// its ID is kept, to apply it once however often it is delivered.
const applied = `UPDATE inbox SET applied_at = $2, payload = NULL WHERE update_id = $1`

func (db *DB) markApplied(b *pgx.Batch, update int64) { b.Queue(applied, update, db.Now()) }

// Queue adds messages to the outbox outside any update's transaction.
func (db *DB) Queue(ctx context.Context, out []Out) error {
	b := &pgx.Batch{}
	db.queue(b, out, 0)
	return wrap(db.pool.SendBatch(ctx, b).Close(), "queue")
}

// Unsent counts messages not yet sent nor dropped.
func (db *DB) Unsent(ctx context.Context) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE sent_at IS NULL AND dropped IS NULL`).Scan(&n)
	return n, wrap(err, "unsent")
}

// Unapplied counts updates waiting in the inbox.
func (db *DB) Unapplied(ctx context.Context) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM inbox WHERE applied_at IS NULL`).Scan(&n)
	return n, wrap(err, "unapplied")
}

// Prune forgets applied updates and finished messages older than keep:
// they hold what families wrote and what the bot answered, so they are not
// kept longer than needed to apply each update once.
func (db *DB) Prune(ctx context.Context, keep time.Duration) (int64, error) {
	now := db.Now()
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM inbox WHERE applied_at < $1`, now.Add(-keep))
	b.Queue(`DELETE FROM outbox WHERE created_at < $1 AND (sent_at IS NOT NULL OR dropped IS NOT NULL)`, now.Add(-keep))
	res := db.pool.SendBatch(ctx, b)
	defer res.Close()
	var n int64
	for range 2 {
		tag, err := res.Exec()
		if err != nil {
			return n, wrap(err, "prune")
		}
		n += tag.RowsAffected()
	}
	return n, nil
}

// senderLock is the advisory lock of the one process that sends: Telegram's
// limits are for the bot as a whole, so only one process may spend them.
// (Chat locks use chat IDs, which stay far below this number.)
const senderLock = 0x706f6c6b7573656e // "polkusen"

// HoldSender tries to become the process that sends. When it succeeds it
// returns a context that ends if the lock is lost (the connection holding
// it broke) and a release function; otherwise ok is false.
func (db *DB) HoldSender(ctx context.Context) (held context.Context, release func(), ok bool, err error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, nil, false, wrap(err, "hold sender")
	}
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, senderLock).Scan(&got); err != nil {
		conn.Release()
		return nil, nil, false, wrap(err, "hold sender")
	}
	if !got {
		conn.Release()
		return nil, nil, false, nil
	}
	held, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		// Watch the connection: if it breaks, the lock is gone with it.
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-held.Done():
				close(done)
				return
			case <-t.C:
				if err := conn.Ping(held); err != nil && held.Err() == nil {
					cancel()
				}
			}
		}
	}()
	release = func() {
		cancel()
		<-done
		unlock, stop := context.WithTimeout(context.Background(), 5*time.Second)
		defer stop()
		if _, err := conn.Exec(unlock, `SELECT pg_advisory_unlock($1)`, senderLock); err != nil {
			conn.Conn().Close(unlock) // closing the session frees the lock
		}
		conn.Release()
	}
	return held, release, true, nil
}

// Gauges are the numbers an operator watches: work waiting, and requests
// no one has answered yet. No personal data.
type Gauges struct {
	UpdatesWaiting  int64
	MessagesWaiting int64
	RequestsOpen    int64
	CasesOpen       int64
	CasesUnclaimed  int64
	ChatsBlocked    int64
	Families        int64
	// GroupsDown counts groups the bot cannot write in now.
	GroupsDown int64
}

// ReadGauges reads the gauges in one query.
func (db *DB) ReadGauges(ctx context.Context) (Gauges, error) {
	var g Gauges
	err := db.pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM inbox WHERE applied_at IS NULL),
		       (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND dropped IS NULL),
		       (SELECT count(*) FROM contact_requests WHERE status = 'open'),
		       (SELECT count(*) FROM conversations WHERE blocked_at IS NOT NULL),
		       (SELECT count(*) FROM families),
		       (SELECT count(*) FROM cases WHERE status = 'open'),
		       (SELECT count(*) FROM cases WHERE status = 'open' AND claimed_by IS NULL),
		       (SELECT count(*) FROM chat_groups WHERE down_since IS NOT NULL)`).Scan(
		&g.UpdatesWaiting, &g.MessagesWaiting, &g.RequestsOpen, &g.ChatsBlocked, &g.Families, &g.CasesOpen, &g.CasesUnclaimed, &g.GroupsDown)
	return g, wrap(err, "gauges")
}
