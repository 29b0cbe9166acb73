package bot

import (
	"context"
	"slices"
	"strings"

	"polku"
	"polku/flows"
	"polku/report"
	"polku/staff"
	"polku/store"
)

// Who holds which role, and the roles' commands in a private chat with
// the bot. A person's roles are the configuration's (Config.Roles; the
// named managers of Config.Managers as the service's managers, the
// operators of Config.Operators), those granted in Telegram (the store's),
// a provider's organiser, and, where it is asked, membership of the
// managers' group (the service's managers). staff decides what each may
// do (staff.Roles, staff.Grants, staff.Managers).

// service is the whole service's scope.
var service = polku.Scope{Kind: polku.ScopeService}

// rolesOf are the roles user holds now; inGroup asks Telegram whether
// they are a member of the managers' group too (the group's own updates,
// and the coordinators' group's, where a manager is asked as before).
func (b *Bot) rolesOf(ctx context.Context, tx *store.Tx, user int64, inGroup bool) (staff.Roles, error) {
	var r staff.Roles
	for _, g := range b.cfg.Roles {
		if g.User == user {
			r = append(r, g)
		}
	}
	if slices.Contains(b.cfg.Managers, user) {
		r = append(r, polku.Grant{User: user, Role: polku.RoleManager, Scope: service})
	}
	if b.operator(user) {
		r = append(r, polku.Grant{User: user, Role: polku.RoleOperator, Scope: service})
	}
	granted, err := tx.GrantsOf(ctx, user)
	if err != nil {
		return nil, err
	}
	r = append(r, granted...)
	if p, err := tx.ProviderByUser(ctx, user); err == nil {
		r = append(r, p.Grant())
	} else if polku.ErrorCode(err) != polku.ENOTFOUND {
		return nil, err
	}
	if inGroup && b.cfg.ManagersGroup != 0 && !r.Reaches(polku.RoleManager, service, b.cfg.Service) {
		member, err := b.member(ctx, b.cfg.ManagersGroup, user)
		if err != nil {
			return nil, err
		}
		if member {
			r = append(r, polku.Grant{User: user, Role: polku.RoleManager, Scope: service})
		}
	}
	return r, nil
}

// staffCommands are the commands of the staff in a private chat: what a
// referrer is refused, and anyone without a role has as a family (an
// unknown command).
var staffCommands = []string{"report", "costs", "audit", "campaign", "campaigns", "grant", "roles", "revoke"}

// staffChat handles a staff member's update in their private chat with
// the bot: a grant's link, an operator's catalogue file, a manager's or
// an operator's command, a referrer's /codes. It reports whether the
// update was one (handled); the family flows and the providers get every
// other.
func (b *Bot) staffChat(ctx context.Context, tx *store.Tx, chat int64, conv flows.Conversation, x incoming) (bool, error) {
	command := ""
	if x.in.Kind == flows.KindCommand {
		command = x.in.Command
	}
	captioned := x.in.Kind == flows.KindUnsupported && x.media == "photo" && strings.HasPrefix(x.caption, "/")
	if command == "" && x.document == nil && !captioned {
		return false, nil
	}
	in := staffInput(x)
	in.Lang = conv.Lang
	if code, ok := strings.CutPrefix(x.in.Text, staff.GrantLink); ok && command == "start" {
		ms, err := b.grants.Take(ctx, tx, in, code)
		if err != nil {
			return true, err
		}
		return true, tx.Finish(ctx, b.privateOuts(chat, conv.Lang, ms))
	}
	r, err := b.rolesOf(ctx, tx, x.from, false)
	if err != nil {
		return true, err
	}
	if x.document != nil && r.Has(polku.RoleOperator) {
		return true, b.importDocument(ctx, tx, chat, conv, x.document)
	}
	var ms []staff.Message
	switch {
	case command == "codes" && r.Has(polku.RoleReferrer):
		ms, err = b.grants.Codes(ctx, codesTx{tx, b}, in, r)
	case !r.Staff() && r.Has(polku.RoleReferrer) && slices.Contains(staffCommands, command):
		ms, err = b.grants.RefuseReferrer(ctx, codesTx{tx, b}, in)
	case !r.Staff():
		return false, nil
	case command == "grant" || command == "roles" || command == "revoke":
		ms, err = b.grants.Command(ctx, tx, in, r)
	default:
		// The report, the costs, the audit log and campaigns in their
		// language.
		roles := func() (staff.Roles, error) { return r, nil }
		outs, ok, err := b.managerCommand(ctx, tx, x, conv.Lang, roles)
		if err == nil && !ok && r.Has(polku.RoleManager) {
			outs, ok, err = b.campaignIn(ctx, tx, x, conv.Lang, b.reachOf(r))
		}
		if err != nil || !ok {
			return ok, err
		}
		return true, tx.Finish(ctx, outs)
	}
	if err != nil {
		return true, err
	}
	return true, tx.Finish(ctx, b.privateOuts(chat, conv.Lang, ms))
}

// privateOuts are staff's messages to a private chat, in lang.
func (b *Bot) privateOuts(chat int64, lang string, ms []staff.Message) []store.Out {
	outs := make([]store.Out, 0, len(ms))
	for _, m := range ms {
		outs = append(outs, b.chatOut(chat, 0, out{Method: "send", Text: b.lines(lang, m.Lines)}))
	}
	return outs
}

// codesTx is the store's transaction as a referrer's /codes needs it:
// the counts protected as the report protects its figures.
type codesTx struct {
	*store.Tx
	b *Bot
}

// Codes are an organisation's referral codes, each one's families who
// started and who finished protected as the report protects its figures
// (report.ReferralCells).
func (t codesTx) Codes(ctx context.Context, organisation string) ([]staff.CodeCount, error) {
	refs, err := t.Tx.ReferralsOf(ctx, organisation)
	if err != nil {
		return nil, err
	}
	out := make([]staff.CodeCount, len(refs))
	for i, r := range refs {
		started, finished := report.ReferralCells(r.Started, r.Finished)
		out[i] = staff.CodeCount{Code: r.Code, Started: figure(started), Finished: figure(finished)}
	}
	return out, nil
}

// figure is a protected count as staff shows it.
func figure(c report.Cell) staff.Figure {
	return staff.Figure{N: int(c.X), Shown: c.Shown(), Small: c.Small()}
}

// municipalitiesOf are the municipalities scope sc covers, for the store's queries:
// nil for the whole service (every figure, those of no municipality
// told too), never nil for a part of it, however small.
func (b *Bot) municipalitiesOf(sc polku.Scope) []string {
	if sc.Kind == polku.ScopeService || sc.Kind == "" {
		return nil
	}
	return append([]string{}, sc.Municipalities(b.cfg.Service)...)
}

// reachOf are the municipalities r's manager's scopes cover together;
// nil when one of them is the whole service.
func (b *Bot) reachOf(r staff.Roles) []string {
	var ms []string
	for _, sc := range r.Scopes(polku.RoleManager) {
		m := b.municipalitiesOf(sc)
		if m == nil {
			return nil
		}
		for _, id := range m {
			if !slices.Contains(ms, id) {
				ms = append(ms, id)
			}
		}
	}
	if ms == nil {
		ms = []string{}
	}
	return ms
}

// auditScopes are the scopes of the audit rows a manager of sc reads: its
// own and its municipalities'; nil for the whole service's.
func (b *Bot) auditScopes(sc polku.Scope) []string {
	ms := b.municipalitiesOf(sc)
	if ms == nil {
		return nil
	}
	out := []string{sc.String()}
	for _, m := range ms {
		if s := (polku.Scope{Kind: polku.ScopeMunicipality, ID: m}).String(); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
