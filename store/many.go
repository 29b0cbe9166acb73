package store

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"polku"
)

// Applied is what became of one chat of ApplyMany.
type Applied struct {
	Chat int64
	// Did: the chat's oldest waiting update was applied and committed.
	// Neither Did, Busy nor Err: the chat had nothing to apply now.
	Did bool
	// Busy: another worker holds the chat; nothing of it was done.
	Busy bool
	// Err: fn failed on the chat's update; nothing of it was kept, and
	// the update waits as it did.
	Err error
	// Alone: nothing of the chat's update was kept either, but not for
	// a fault of its own: it asked for what the chats before it gathered
	// (ErrAlone), and is to be applied alone, after the group.
	Alone bool
	// Pending is the update taken, when Did or Err.
	Pending Pending
}

// ApplyMany applies the oldest waiting update of each of chats in one
// transaction: the same as Apply on each chat in turn, each under its
// chat's lock and in its chat's order, but with one commit and a few
// statements for the whole group where Apply spends about eight on every
// update. fn runs for each chat that has an update, one after another on
// the group's connection; what Tx.Save writes (the conversation, the
// applied mark, the outgoing messages) and the statistics wait in memory
// and go, gathered into one statement of each kind, before the next
// statement any fn sends or with the commit.
//
// One chat's failure is its own: a chat whose fn sends a statement does so
// under a savepoint of its own, so when its fn fails, what it did is
// rolled back and the group goes on without it. An error returned by
// ApplyMany is the whole transaction's (the database away, a gathered
// statement refused): nothing was committed, and the caller applies the
// chats one by one with Apply, which finds each one's fault on its own.
func (db *DB) ApplyMany(ctx context.Context, chats []int64, wall time.Time, fn func(ctx context.Context, tx *Tx, p Pending) error) (results []Applied, err error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, wrap(err, "apply many")
	}
	defer conn.Release()
	g := &many{conn: conn, db: db}
	defer func() {
		if g.open {
			rollback(ctx, conn)
		}
	}()
	// As in Apply, the locks are taken in a statement of their own, and
	// the updates read in the next: a statement sees what was committed
	// when it began. The read covers every chat; a chat whose lock was
	// not had is left out of what follows.
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(`SELECT COALESCE(array_agg(c), '{}') FROM unnest($1::bigint[]) c WHERE pg_try_advisory_xact_lock(c)`, chats)
	b.Queue(`
		SELECT c.chat, i.update_id, i.seq, i.payload, i.attempts, v.data, v.last_seq,
			(SELECT count(*) FROM (SELECT 1 FROM inbox WHERE chat_id = c.chat AND applied_at IS NULL LIMIT 2) w) > 1
		FROM unnest($1::bigint[]) WITH ORDINALITY c (chat, n)
		JOIN LATERAL (
			SELECT update_id, seq, payload, attempts, not_before FROM inbox
			WHERE chat_id = c.chat AND applied_at IS NULL
			ORDER BY seq LIMIT 1) i ON i.not_before IS NULL OR i.not_before <= $2
		LEFT JOIN conversations v ON v.chat_id = c.chat
		ORDER BY c.n`, chats, wall)
	res := conn.SendBatch(ctx, b)
	_, err = res.Exec()
	g.open = err == nil
	var locked []int64
	if err == nil {
		err = res.QueryRow().Scan(&locked)
	}
	type head struct {
		p    Pending
		last *int64
	}
	var heads []head
	if err == nil {
		var rows pgx.Rows
		if rows, err = res.Query(); err == nil {
			for rows.Next() {
				var h head
				if err = rows.Scan(&h.p.ChatID, &h.p.UpdateID, &h.p.Seq, &h.p.Payload, &h.p.Attempts, &h.p.Conversation, &h.last, &h.p.More); err != nil {
					break
				}
				heads = append(heads, h)
			}
			rows.Close()
			if err == nil {
				err = rows.Err()
			}
		}
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, wrap(err, "apply many")
	}
	results = make([]Applied, 0, len(chats))
	for _, c := range chats {
		waits := slices.ContainsFunc(heads, func(h head) bool { return h.p.ChatID == c })
		if !slices.Contains(locked, c) || !waits {
			// Held elsewhere, or nothing to apply now.
			results = append(results, Applied{Chat: c, Busy: !slices.Contains(locked, c)})
		}
	}
	for _, h := range heads {
		if !slices.Contains(locked, h.p.ChatID) {
			continue
		}
		m := &part{g: g, statsLocked: g.statsLocked}
		tx := &Tx{tx: m, db: db, chat: h.p.ChatID, update: h.p.UpdateID, seq: h.p.Seq, conversation: h.p.Conversation, gathered: &m.cur, stats: &m.cur.stats}
		if h.last != nil {
			tx.lastSeq = *h.last
		}
		r := Applied{Chat: h.p.ChatID, Pending: h.p}
		if r.Err = fn(ctx, tx, h.p); r.Err != nil || m.alone {
			if err := m.undo(ctx); err != nil {
				return nil, wrap(err, "apply many")
			}
			if m.alone {
				r.Err, r.Alone = nil, true
			}
		} else {
			if !tx.marked {
				m.cur.marks = append(m.cur.marks, h.p.UpdateID)
			}
			g.done.add(&m.cur)
			g.release = g.release || m.savepoint
			r.Did = true
		}
		results = append(results, r)
	}
	b = &pgx.Batch{}
	g.emit(b, true)
	b.Queue("COMMIT")
	if err := g.conn.SendBatch(ctx, b).Close(); err != nil {
		return nil, wrap(err, "apply many")
	}
	g.open = false
	for i := range results {
		if results[i].Err != nil {
			results[i].Err = wrap(results[i].Err, "apply")
		}
	}
	return results, nil
}

// many is ApplyMany's transaction: done gathers what the chats applied
// so far wrote without sending it.
type many struct {
	conn *pgxpool.Conn
	db   *DB
	open bool
	done gathered
	// release: the last chat that sent a statement did so under a
	// savepoint that is still to be released.
	release bool
	// statsLocked: the transaction holds the statistics' lock.
	statsLocked bool
}

// gathered is what waits to be written: conversations saved, updates
// marked applied without one, messages queued, and the statistics'
// writes.
type gathered struct {
	saves []saved
	marks []int64
	outs  []queuedOut
	stats pgx.Batch
}

type saved struct {
	chat, update, seq int64
	c                 Conversation
}

type queuedOut struct {
	Out
	update int64
}

func (w *gathered) add(o *gathered) {
	w.saves = append(w.saves, o.saves...)
	w.marks = append(w.marks, o.marks...)
	w.outs = append(w.outs, o.outs...)
	w.stats.QueuedQueries = append(w.stats.QueuedQueries, o.stats.QueuedQueries...)
}

// emit queues in b, before what the caller adds, the release of a
// savepoint that waits for it and what done gathered: the messages and
// the statistics only when all is set, at the commit.
func (g *many) emit(b *pgx.Batch, all bool) {
	if g.release {
		b.Queue("RELEASE SAVEPOINT chat")
		g.release = false
	}
	g.db.write(b, &g.done, all, all, &g.statsLocked)
}

// write queues in b the statements that write what w gathered, and
// forgets it: one for the conversations and applied marks; when stats is
// set, the statistics' writes, after their lock (see lockStats; locked
// says the transaction has it); and when outs is set, two for the
// messages (their lanes taken, then the messages). The statistics' lock
// comes before any lane: a transaction waiting for it holds no lane the
// sender may wait for.
func (db *DB) write(b *pgx.Batch, w *gathered, outs, stats bool, locked *bool) {
	now := db.Now()
	marks := slices.Clone(w.marks)
	for _, s := range w.saves {
		marks = append(marks, s.update)
	}
	switch {
	case len(w.saves) > 0:
		n := len(w.saves)
		chat, update, seq := make([]int64, n), make([]int64, n), make([]int64, n)
		data, lang := make([][]byte, n), make([]string, n)
		talking, draft := make([]bool, n), make([]bool, n)
		for i, s := range w.saves {
			chat[i], update[i], seq[i] = s.chat, s.update, s.seq
			data[i], lang[i], talking[i], draft[i] = s.c.Data, s.c.Lang, s.c.Talking, s.c.Draft
		}
		// Save's statement for many chats at once. Its guard is Save's,
		// checked under each chat's lock; the WHERE only keeps a later
		// update's conversation, as in Save's own statement.
		b.Queue(`
			WITH applied AS (UPDATE inbox SET applied_at = $8, payload = NULL WHERE update_id = ANY($9::bigint[]))
			INSERT INTO conversations AS x (chat_id, data, lang, talking, draft, last_update_id, last_seq, applied, updated_at)
			SELECT v.chat_id, v.data, v.lang, v.talking, v.draft, v.update_id, v.seq, 1, $8
			FROM unnest($1::bigint[], $2::jsonb[], $3::text[], $4::bool[], $5::bool[], $6::bigint[], $7::bigint[])
				AS v (chat_id, data, lang, talking, draft, update_id, seq)
			ON CONFLICT (chat_id) DO UPDATE SET data = EXCLUDED.data, lang = EXCLUDED.lang, talking = EXCLUDED.talking,
				draft = EXCLUDED.draft, last_update_id = EXCLUDED.last_update_id, last_seq = EXCLUDED.last_seq,
				applied = x.applied + 1, updated_at = EXCLUDED.updated_at
			WHERE x.last_seq < EXCLUDED.last_seq`, chat, data, lang, talking, draft, update, seq, now, marks)
	case len(marks) > 0:
		b.Queue(`UPDATE inbox SET applied_at = $2, payload = NULL WHERE update_id = ANY($1::bigint[])`, marks, now)
	}
	w.saves, w.marks = nil, nil
	if stats && w.stats.Len() > 0 {
		lockStats(b, locked)
		b.QueuedQueries = append(b.QueuedQueries, w.stats.QueuedQueries...)
		w.stats = pgx.Batch{}
	}
	if outs && len(w.outs) > 0 {
		db.queueMany(b, w.outs)
		w.outs = nil
	}
}

// queueMany is queue for the messages of many updates, in two statements:
// their lanes are taken in one order, by chat and lane (see queue), and
// the messages are inserted in that order, each lane's in the order they
// were queued. A message that repeats its lane's newest while a few wait
// is left out, as in queue; the lanes are read as they were before the
// statement, so among the messages of one statement to one lane the
// repeats are not caught (a lane has one update's messages, but for the
// coordinators' General topic and its alerts).
func (db *DB) queueMany(b *pgx.Batch, outs []queuedOut) {
	outs = slices.Clone(outs)
	slices.SortStableFunc(outs, func(x, y queuedOut) int {
		return cmp.Or(cmp.Compare(x.ChatID, y.ChatID), cmp.Compare(x.Lane, y.Lane))
	})
	n := len(outs)
	var lchats, llanes []int64
	chat, lane := make([]int64, n), make([]int64, n)
	prio := make([]int16, n)
	payload := make([][]byte, n)
	update, kase := make([]*int64, n), make([]*int64, n)
	for i, o := range outs {
		if i == 0 || o.ChatID != outs[i-1].ChatID || o.Lane != outs[i-1].Lane {
			lchats, llanes = append(lchats, o.ChatID), append(llanes, o.Lane)
		}
		chat[i], lane[i], prio[i], payload[i] = o.ChatID, o.Lane, int16(o.Priority), o.Payload
		update[i], kase[i] = nullID(o.update), nullID(o.Case)
	}
	b.Queue(`
		INSERT INTO outbox_lanes AS x (chat_id, lane)
		SELECT * FROM unnest($1::bigint[], $2::bigint[])
		ON CONFLICT (chat_id, lane) DO UPDATE SET waiting = x.waiting WHERE false`, lchats, llanes)
	b.Queue(`
		INSERT INTO outbox (chat_id, priority, payload, update_id, created_at, case_id, lane)
		SELECT v.chat_id, v.priority, v.payload, v.update_id, $7, v.case_id, v.lane
		FROM unnest($1::bigint[], $2::smallint[], $3::jsonb[], $4::bigint[], $5::bigint[], $6::bigint[]) WITH ORDINALITY
			AS v (chat_id, priority, payload, update_id, case_id, lane, n)
		WHERE NOT EXISTS (SELECT 1 FROM outbox_lanes l
			WHERE l.chat_id = v.chat_id AND l.lane = v.lane AND l.waiting >= $8 AND l.digest = md5(v.payload::text))
		ORDER BY v.n`, chat, prio, payload, update, kase, lane, db.Now(), repeatAfter)
}

// part is one chat's connection in ApplyMany: its first statement goes
// after the conversations the chats before it saved, and after a
// savepoint of its own; what it gathered itself goes before each of its
// statements, the statistics only when the statement is counted.
//
// The messages, every chat's, wait for the commit: there the group's
// lanes are all taken in one statement, in the one order every
// transaction takes them in (see queue), so that two can never wait for
// each other in a circle. The statistics of the chats before wait too: a
// count's row is shared by every family's update, and another chat's
// statement reads nothing they write but the counts themselves (a
// report), which may not count what is not committed yet.
type part struct {
	g         *many
	cur       gathered
	savepoint bool
	// statsLocked is whether the group held the statistics' lock
	// before the chat: rolled back, the chat gives up a lock it took.
	statsLocked bool
	// alone: the chat asked for what the group keeps back (ErrAlone).
	alone bool
}

func (m *part) flush(ctx context.Context, sqls ...string) error {
	if len(m.g.done.outs) > 0 && slices.ContainsFunc(sqls, readsOutbox) {
		// The chats before it queued messages, written only at the
		// commit: this statement would not see them (an erasure would
		// leave a coordinator's answer to the family it erases).
		m.alone = true
		return ErrAlone
	}
	b := &pgx.Batch{}
	if !m.savepoint {
		m.g.emit(b, false)
		b.Queue("SAVEPOINT chat")
		m.savepoint = true
	}
	stats := m.cur.stats.Len() > 0 && slices.ContainsFunc(sqls, counted)
	if !m.g.statsLocked && slices.ContainsFunc(sqls, writesStats) {
		lockStats(b, &m.g.statsLocked)
	}
	m.g.db.write(b, &m.cur, false, stats, &m.g.statsLocked)
	if b.Len() == 0 {
		return nil
	}
	return m.g.conn.SendBatch(ctx, b).Close()
}

// readsOutbox reports whether a statement may read or change the outbox.
func readsOutbox(sql string) bool { return strings.Contains(sql, "outbox") }

// ErrAlone says a chat's update is to be applied in a transaction of its
// own (Apply), after the group's: it asks what the group keeps back until
// its commit.
var ErrAlone = polku.Errorf(polku.ECONFLICT, "apply alone")

// undo forgets what the chat gathered and rolls back what it sent.
func (m *part) undo(ctx context.Context) error {
	m.cur = gathered{}
	if !m.savepoint {
		return nil
	}
	m.g.statsLocked = m.statsLocked
	b := &pgx.Batch{}
	b.Queue("ROLLBACK TO SAVEPOINT chat")
	b.Queue("RELEASE SAVEPOINT chat")
	return m.g.conn.SendBatch(ctx, b).Close()
}

func (m *part) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if err := m.flush(ctx, sql); err != nil {
		return pgconn.CommandTag{}, err
	}
	return m.g.conn.Exec(ctx, sql, args...)
}

func (m *part) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := m.flush(ctx, sql); err != nil {
		return nil, err
	}
	return m.g.conn.Query(ctx, sql, args...)
}

func (m *part) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := m.flush(ctx, sql); err != nil {
		return failedRow{err}
	}
	return m.g.conn.QueryRow(ctx, sql, args...)
}

func (m *part) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	sqls := make([]string, 0, b.Len())
	for _, q := range b.QueuedQueries {
		sqls = append(sqls, q.SQL)
	}
	if err := m.flush(ctx, sqls...); err != nil {
		return failedBatch{err}
	}
	return m.g.conn.SendBatch(ctx, b)
}
