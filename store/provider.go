package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// Activity providers: added by a coordinator with a one-time link that
// expires, linked by the person who opens it, removed by a coordinator.
// A removed provider's row stays, marked, for the visits it recorded.

const providerCols = `p.id, p.organiser, p.name, COALESCE(p.user_id, 0), COALESCE(p.first_name, ''),
	COALESCE(p.link_code, ''), p.link_until, p.added_at, p.linked_at`

func scanProvider(row pgx.Row) (polku.Provider, error) {
	var p polku.Provider
	var linked *time.Time
	err := row.Scan(&p.ID, &p.Organiser, &p.Name, &p.UserID, &p.FirstName, &p.LinkCode, &p.LinkUntil, &p.Added, &linked)
	if linked != nil {
		p.Linked = *linked
	}
	return p, err
}

func (t *Tx) providers(ctx context.Context, what, sql string, args ...any) ([]polku.Provider, error) {
	rows, err := t.tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, wrap(err, what)
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (polku.Provider, error) { return scanProvider(r) })
	return ps, wrap(err, what)
}

// MaxLinkDays bounds how long a provider's link may work.
const MaxLinkDays = 90

// AddProvider registers a provider for an organiser of the catalogue, with
// a link that works for linkDays (1 to MaxLinkDays) local calendar days.
// The organiser is named by a part of its name; ENOTFOUND when no
// organiser matches, EINVALID (with the candidates) when several do.
func (t *Tx) AddProvider(ctx context.Context, organiser, name string, by int64, linkDays int) (polku.Provider, []string, error) {
	return t.AddProviderIn(ctx, nil, organiser, name, by, linkDays)
}

// AddProviderIn is AddProvider among the organisers of municipalities
// (nil: every organiser): a coordinators' group of some municipalities
// adds providers only for organisers of activities there (or welcoming
// their families).
func (t *Tx) AddProviderIn(ctx context.Context, municipalities []string, organiser, name string, by int64, linkDays int) (polku.Provider, []string, error) {
	if linkDays < 1 || linkDays > MaxLinkDays {
		return polku.Provider{}, nil, polku.Errorf(polku.EINVALID, "provider link days %d", linkDays)
	}
	table, more := "activities", []any(nil)
	if municipalities != nil {
		table, more = "(SELECT organiser FROM activities WHERE municipality = ANY($3) OR neighbours && $3) AS served", []any{municipalities}
	}
	orgs, err := t.named(ctx, table, "organiser", organiser, more...)
	if err != nil {
		return polku.Provider{}, nil, wrap(err, "add provider")
	}
	switch len(orgs) {
	case 0:
		return polku.Provider{}, nil, polku.Errorf(polku.ENOTFOUND, "no organiser %q", organiser)
	case 1:
	default:
		return polku.Provider{}, orgs, polku.Errorf(polku.EINVALID, "several organisers")
	}
	now := t.db.Now()
	until := now.In(t.db.loc).AddDate(0, 0, linkDays)
	for range 5 {
		code, err := polku.NewCode(t.db.Random, polku.LinkCodeLen)
		if err != nil {
			return polku.Provider{}, nil, polku.Errorf(polku.EINTERNAL, "provider code: %v", err)
		}
		p, err := scanProvider(t.tx.QueryRow(ctx, `
			INSERT INTO providers AS p (organiser, name, link_code, link_until, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (link_code) DO NOTHING RETURNING `+providerCols, orgs[0], name, code, until, by, now))
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		return p, nil, wrap(err, "add provider")
	}
	return polku.Provider{}, nil, polku.Errorf(polku.EINTERNAL, "no free provider code")
}

func escapeLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(out)
}

// named are the distinct names of column in table that name names, in
// order: the whole name (in any case) wins over names it is part of
// ("Club" beside "Club Junior"); else every name that contains it. table
// and column are this package's own constants, never typed words; more
// are the arguments from $3 on that table names.
func (t *Tx) named(ctx context.Context, table, column, name string, more ...any) ([]string, error) {
	rows, err := t.tx.Query(ctx, fmt.Sprintf(`
		WITH exact AS (SELECT DISTINCT %[2]s AS name FROM %[1]s WHERE lower(%[2]s) = lower($2))
		SELECT name FROM exact
		UNION
		SELECT DISTINCT %[2]s FROM %[1]s
		WHERE %[2]s ILIKE '%%' || $1 || '%%' AND NOT EXISTS (SELECT 1 FROM exact)
		ORDER BY 1`, table, column), append([]any{escapeLike(name), name}, more...)...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// LinkProvider links the Telegram user who opened a provider's one-time
// link in time, remembering their first name; the link then stops
// working. ENOTFOUND for an unknown, used, expired or removed provider's
// link, ECONFLICT when the user is already another provider.
func (t *Tx) LinkProvider(ctx context.Context, code string, user int64, firstName string) (polku.Provider, error) {
	p, err := scanProvider(t.tx.QueryRow(ctx, `
		UPDATE providers p SET user_id = $2, first_name = $4, link_code = NULL, linked_at = $3
		WHERE link_code = $1 AND removed_at IS NULL AND link_until > $3 RETURNING `+providerCols,
		code, user, t.db.Now(), firstName))
	return p, wrap(err, "link provider")
}

// ProviderByUser returns the provider a Telegram user is, or ENOTFOUND
// (also once the provider was removed).
func (t *Tx) ProviderByUser(ctx context.Context, user int64) (polku.Provider, error) {
	p, err := scanProvider(t.tx.QueryRow(ctx, `SELECT `+providerCols+` FROM providers p WHERE user_id = $1 AND removed_at IS NULL`, user))
	return p, wrap(err, "provider")
}

// providerOrder is the order of the coordinators' list: by organiser, the
// oldest first.
const providerOrder = ` ORDER BY p.organiser, p.added_at, p.id`

// Providers lists the providers not removed: waiting for their link to be
// opened, with an expired link, or linked.
func (t *Tx) Providers(ctx context.Context) ([]polku.Provider, error) {
	return t.providers(ctx, "providers", `SELECT `+providerCols+` FROM providers p WHERE removed_at IS NULL`+providerOrder)
}

// OrganisersIn lists the organisers of activities in municipalities or
// welcoming their families: the organisers whose providers a
// coordinators' group of those municipalities sees.
func (t *Tx) OrganisersIn(ctx context.Context, municipalities []string) ([]string, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT DISTINCT organiser FROM activities WHERE municipality = ANY($1) OR neighbours && $1 ORDER BY 1`, municipalities)
	if err != nil {
		return nil, wrap(err, "organisers in")
	}
	orgs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return orgs, wrap(err, "organisers in")
}

// FindProviders finds the providers not removed that a coordinator names:
// by number (the ID the list shows, "3" or "#3"), or by a part of the
// organiser's name or of the provider's first name, where a whole name
// wins over names it is part of, as in AddProvider.
func (t *Tx) FindProviders(ctx context.Context, name string) ([]polku.Provider, error) {
	name = strings.TrimSpace(name)
	if id, err := strconv.ParseInt(strings.TrimPrefix(name, "#"), 10, 64); err == nil {
		return t.providers(ctx, "find providers", `SELECT `+providerCols+` FROM providers p WHERE id = $1 AND removed_at IS NULL`, id)
	}
	return t.providers(ctx, "find providers", `
		WITH live AS (SELECT * FROM providers WHERE removed_at IS NULL),
		exact AS (SELECT * FROM live WHERE lower(organiser) = lower($2) OR lower(first_name) = lower($2)),
		found AS (
			SELECT * FROM exact
			UNION ALL
			SELECT * FROM live WHERE (organiser ILIKE '%' || $1 || '%' OR first_name ILIKE '%' || $1 || '%')
				AND NOT EXISTS (SELECT 1 FROM exact))
		SELECT `+providerCols+` FROM found p`+providerOrder, escapeLike(name), name)
}

// RemoveProvider marks a provider removed: from now on their checks are
// answered as anyone's who is not a provider, and a link not yet opened
// stops working. The visits they recorded stay. ENOTFOUND when there is
// no such provider or it was removed already.
func (t *Tx) RemoveProvider(ctx context.Context, id, by int64) (polku.Provider, error) {
	p, err := scanProvider(t.tx.QueryRow(ctx, `
		UPDATE providers p SET removed_at = $2, removed_by = $3, link_code = NULL
		WHERE id = $1 AND removed_at IS NULL RETURNING `+providerCols, id, t.db.Now(), by))
	return p, wrap(err, "remove provider")
}

// CheckWindow is how far back a provider's card checks are counted.
const CheckWindow = time.Hour

// Checked audits a provider's card check with its outcome, never the code.
func (t *Tx) Checked(ctx context.Context, user int64, o polku.CheckOutcome) error {
	return t.Audit(ctx, user, "verify", 0, string(o))
}

// CheckLimit reports whether the provider (their Telegram user) made limit
// checks within the CheckWindow before now, counted from the audit so that
// every process sees the same ones; and if so, when the oldest of them
// leaves the window and another check is allowed. The outcomes in
// polku.Uncounted are not counted. One provider's checks all come from
// their private chat, whose updates are applied one at a time, so two
// checks cannot both see the last free place.
func (t *Tx) CheckLimit(ctx context.Context, user int64, limit int) (free time.Time, limited bool, err error) {
	if limit < 1 {
		return time.Time{}, false, polku.Errorf(polku.EINVALID, "check limit %d", limit)
	}
	uncounted := make([]string, len(polku.Uncounted))
	for i, o := range polku.Uncounted {
		uncounted[i] = string(o)
	}
	// The limit-th newest counted check: while it is in the window, the
	// window holds limit checks.
	var at time.Time
	err = t.tx.QueryRow(ctx, `
		SELECT at FROM audit WHERE action = 'verify' AND coordinator = $1 AND at > $2 AND detail <> ALL ($3)
		ORDER BY at DESC, id DESC OFFSET $4 LIMIT 1`, user, t.db.Now().Add(-CheckWindow), uncounted, limit-1).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, wrap(err, "check limit")
	}
	return at.Add(CheckWindow), true, nil
}

// ProviderActivities lists an organiser's scheduled activities, those with
// a session today first: where a card visit is recorded.
func (t *Tx) ProviderActivities(ctx context.Context, organiser string, now time.Time) ([]polku.Activity, error) {
	day := t.db.midnight(now)
	rows, err := t.tx.Query(ctx, `
		SELECT a.id, a.data->'title' FROM activities a
		WHERE a.organiser = $1 AND a.status = 'scheduled'
		ORDER BY NOT EXISTS (SELECT 1 FROM sessions s WHERE s.activity_id = a.id AND s.status = 'scheduled'
		                     AND s.starts_at >= $2 AND s.starts_at < $3), a.id
		LIMIT 8`, organiser, day, day.AddDate(0, 0, 1))
	if err != nil {
		return nil, wrap(err, "provider activities")
	}
	acts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (polku.Activity, error) {
		var a polku.Activity
		err := r.Scan(&a.ID, &a.Title)
		return a, err
	})
	return acts, wrap(err, "provider activities")
}
