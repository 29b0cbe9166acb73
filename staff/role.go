package staff

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"polku"
	"polku/flows"
)

// Roles granted in Telegram, in a private chat with the bot: someone who
// holds the role above makes a one-time link (/grant ROLE SCOPE NAME),
// like a provider's, and the person who opens it in time holds the role;
// /roles lists the grants the asker may see, /revoke N takes one back.
// An operator grants operators and managers of any scope; a manager grants
// managers within its own scope, and referrers. (Coordinators add
// providers with /provider add, as before: a provider is the organiser's
// grant, polku.Provider.Grant.) Every grant, use of a link, revocation
// and refusal is audited with the role and the scope, never the name
// typed. Who holds what now (the configuration's, these, a managers'
// group's members) is the adapter's to say, as Roles.

// Roles are the roles one person holds now, from wherever they come.
type Roles []polku.Grant

// Has reports whether r holds role in any scope.
func (r Roles) Has(role polku.Role) bool {
	return slices.ContainsFunc(r, func(g polku.Grant) bool { return g.Role == role })
}

// Scopes are the scopes r holds role in, in order.
func (r Roles) Scopes(role polku.Role) []polku.Scope {
	var out []polku.Scope
	for _, g := range r {
		if g.Role == role {
			out = append(out, g.Scope)
		}
	}
	return out
}

// Reaches reports whether r holds role in a scope that sc lies within.
func (r Roles) Reaches(role polku.Role, sc polku.Scope, s polku.Service) bool {
	return slices.ContainsFunc(r.Scopes(role), func(outer polku.Scope) bool { return sc.Within(outer, s) })
}

// Staff reports whether r holds a role that may grant, read reports or
// the audit log: an operator's or a manager's.
func (r Roles) Staff() bool { return r.Has(polku.RoleOperator) || r.Has(polku.RoleManager) }

// MayGrant reports whether r may grant g (or revoke it) in s: an operator
// grants operators and managers of any scope, a manager managers within
// its own scope and referrers (a manager of a part of the service, only
// of an organisation with a referral code there: MayRefer, which /grant
// asks too). Providers are the coordinators' to add.
func (r Roles) MayGrant(g polku.Grant, s polku.Service) bool {
	switch g.Role {
	case polku.RoleOperator:
		return r.Has(polku.RoleOperator)
	case polku.RoleManager:
		return r.Has(polku.RoleOperator) || r.Reaches(polku.RoleManager, g.Scope, s)
	case polku.RoleReferrer:
		return r.Has(polku.RoleOperator) || r.Has(polku.RoleManager)
	}
	return false
}

// MayRefer reports whether r may grant the referrer's role of an
// organisation whose referral codes are for the municipalities places (""
// for a code for anyone) in s: an operator and a manager of the whole
// service for any; a manager of a region or a municipality only when one
// of the codes is for a municipality of its area, as the referrer sees the
// counts of its codes. A code for anyone belongs to no area but the
// whole service.
func (r Roles) MayRefer(places []string, s polku.Service) bool {
	if r.Has(polku.RoleOperator) || r.Reaches(polku.RoleManager, polku.Scope{Kind: polku.ScopeService}, s) {
		return true
	}
	return slices.ContainsFunc(places, func(m string) bool {
		return m != "" && r.Reaches(polku.RoleManager, polku.Scope{Kind: polku.ScopeMunicipality, ID: m}, s)
	})
}

// kinds are the kinds of scope each role granted here is given in.
var kinds = map[polku.Role][]polku.ScopeKind{
	polku.RoleOperator: {polku.ScopeService},
	polku.RoleManager:  {polku.ScopeService, polku.ScopeRegion, polku.ScopeMunicipality},
	polku.RoleReferrer: {polku.ScopeOrganisation},
}

// MaxGrantName is the longest name a grant is made for, in characters.
const MaxGrantName = 64

// GrantTx is what granting needs of the store.
type GrantTx interface {
	// AddGrant makes a grant with a one-time link that works linkDays.
	AddGrant(ctx context.Context, g polku.Grant, name string, by int64, linkDays int) (polku.Granted, error)
	// TakeGrant gives the role of a link to the user who opened it:
	// ENOTFOUND for a link unknown, used, expired or revoked.
	TakeGrant(ctx context.Context, code string, user int64, firstName string) (polku.Granted, error)
	// Grants are the grants not revoked, oldest first.
	Grants(ctx context.Context) ([]polku.Granted, error)
	// Granted is a grant by its number; ENOTFOUND for none.
	Granted(ctx context.Context, id int64) (polku.Granted, error)
	// RevokeGrant takes a grant back; ENOTFOUND when it is gone already.
	RevokeGrant(ctx context.Context, id, by int64) (polku.Granted, error)
	// Organisations are the referral codes' organisations a part of a
	// name names.
	Organisations(ctx context.Context, name string) ([]string, error)
	// CodeMunicipalities are the municipalities an organisation's
	// referral codes are for, "" for a code for anyone.
	CodeMunicipalities(ctx context.Context, organisation string) ([]string, error)
	// AuditIn records an action about a scope.
	AuditIn(ctx context.Context, who int64, action string, sc polku.Scope, detail string) error
}

// Grants is the granting of roles in Telegram for a service.
type Grants struct {
	cfg     Config
	service polku.Service
}

// NewGrants returns the granting of roles in service, with cfg's clock,
// link and link days (a grant's link works as long as a provider's).
func NewGrants(cfg Config, service polku.Service) *Grants {
	return &Grants{cfg: cfg, service: service}
}

// GrantLink is the start parameter's prefix of a grant's link.
const GrantLink = "role_"

// Take answers "/start role_CODE" of in.User: the role the link gives, or
// why it gives none. Whoever opens a working link holds its role: what
// the granter might grant was checked when the link was made, and the
// link is the granter's to revoke (or an operator's) until it is opened.
// A referrer's role is its organisation's whatever its codes say later: a
// code moved out of the granter's area changes only what /codes counts
// (the organisation's codes as they are then), not who holds the role.
func (gr *Grants) Take(ctx context.Context, tx GrantTx, in Input, code string) ([]Message, error) {
	g, err := tx.TakeGrant(ctx, code, in.User, in.Name)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return []Message{say(L("role.link_invalid", nil))}, tx.AuditIn(ctx, in.User, "grant_link_refused", polku.Scope{}, "")
	}
	if err != nil {
		return nil, err
	}
	return []Message{say(L("role.taken", map[string]any{"Role": roleName(g.Role), "Scope": gr.scopeName(g.Scope, in.Lang)}),
			L("role.taken_help."+string(g.Role), nil))},
		tx.AuditIn(ctx, in.User, "grant_taken", g.Scope, grantDetail(g))
}

// Command answers /grant, /roles and /revoke of in.User, who holds r.
func (gr *Grants) Command(ctx context.Context, tx GrantTx, in Input, r Roles) ([]Message, error) {
	if !r.Staff() {
		return []Message{say(L("role.not_staff", nil))}, tx.AuditIn(ctx, in.User, in.Command+"_refused", polku.Scope{}, "")
	}
	switch in.Command {
	case "grant":
		return gr.grant(ctx, tx, in, r)
	case "roles":
		return gr.list(ctx, tx, in, r)
	case "revoke":
		return gr.revoke(ctx, tx, in, r)
	}
	return nil, nil
}

// grant is "/grant ROLE SCOPE NAME".
func (gr *Grants) grant(ctx context.Context, tx GrantTx, in Input, r Roles) ([]Message, error) {
	fields := strings.Fields(in.Arg)
	if len(fields) < 3 {
		return []Message{say(L("role.usage", nil))}, nil
	}
	role := polku.Role(strings.ToLower(fields[0]))
	name := strings.Join(fields[2:], " ")
	if _, ok := kinds[role]; !ok || len([]rune(name)) > MaxGrantName {
		return []Message{say(L("role.usage", nil))}, nil
	}
	sc, ms, err := gr.scope(ctx, tx, role, fields[1])
	if ms != nil || err != nil {
		return ms, err
	}
	g := polku.Grant{Role: role, Scope: sc}
	if !r.MayGrant(g, gr.service) {
		return []Message{say(L("role.refused", map[string]any{"Role": roleName(role), "Scope": gr.scopeName(sc, in.Lang)}))},
			tx.AuditIn(ctx, in.User, "grant_refused", sc, grantDetail(polku.Granted{Grant: g}))
	}
	if role == polku.RoleReferrer {
		places, err := tx.CodeMunicipalities(ctx, sc.ID)
		if err != nil {
			return nil, err
		}
		if !r.MayRefer(places, gr.service) {
			return []Message{say(L("role.referrer_outside", map[string]any{"Organisation": sc.ID}))},
				tx.AuditIn(ctx, in.User, "grant_refused", sc, grantDetail(polku.Granted{Grant: g}))
		}
	}
	made, err := tx.AddGrant(ctx, g, name, in.User, gr.cfg.ProviderLinkDays)
	if err != nil {
		return nil, err
	}
	link, err := gr.cfg.Link(ctx, GrantLink+made.LinkCode)
	if err != nil {
		return nil, err
	}
	return []Message{say(L("role.granted", map[string]any{
			"Number": made.ID, "Name": name, "Role": roleName(role), "Scope": gr.scopeName(sc, in.Lang),
			"Until": flows.When{Start: made.LinkUntil}, "Link": link,
		}))},
		tx.AuditIn(ctx, in.User, "grant", sc, grantDetail(made))
}

// scope reads the scope a grant of role is for, as the granter wrote it:
// "service", "region:ID", "municipality:NAME" or "organisation:NAME" (a
// part of a referral codes' organisation's name), resolved in the service
// (the municipality's and the organisation's names as they are kept). ms
// says why none is, when one is not.
func (gr *Grants) scope(ctx context.Context, tx GrantTx, role polku.Role, arg string) (polku.Scope, []Message, error) {
	sc, err := polku.ParseScope(arg)
	if err != nil || !slices.Contains(kinds[role], sc.Kind) {
		return sc, []Message{say(L("role.scope_usage."+string(role), nil))}, nil
	}
	switch sc.Kind {
	case polku.ScopeRegion:
		for _, rg := range gr.service.Regions {
			if strings.EqualFold(rg.ID, sc.ID) {
				return polku.Scope{Kind: polku.ScopeRegion, ID: rg.ID}, nil, nil
			}
		}
		return sc, []Message{say(L("role.scope_unknown", map[string]any{"Scope": sc.String()}))}, nil
	case polku.ScopeMunicipality:
		if m, ok := gr.service.Municipality(sc.ID); ok {
			return polku.Scope{Kind: polku.ScopeMunicipality, ID: m.ID}, nil, nil
		}
		return sc, []Message{say(L("role.scope_unknown", map[string]any{"Scope": sc.String()}))}, nil
	case polku.ScopeOrganisation:
		orgs, err := tx.Organisations(ctx, sc.ID)
		switch {
		case err != nil:
			return sc, nil, err
		case len(orgs) == 0:
			return sc, []Message{say(L("role.organisation_none", map[string]any{"Name": sc.ID}))}, nil
		case len(orgs) > 1:
			return sc, []Message{say(L("role.organisation_many", map[string]any{"List": "• " + strings.Join(orgs, "\n• ")}))}, nil
		}
		return polku.Scope{Kind: polku.ScopeOrganisation, ID: orgs[0]}, nil, nil
	}
	return polku.Scope{Kind: polku.ScopeService}, nil, nil
}

// mayRevoke reports whether by, holding r, may revoke, and so see in
// /roles, grant g: one it granted itself and may grant still; any, for an operator; a
// manager's of a scope inside its own, for a manager (not a peer's of its
// own scope, nor one made by someone above it for it).
func (gr *Grants) mayRevoke(r Roles, by int64, g polku.Granted) bool {
	if r.Has(polku.RoleOperator) {
		return true
	}
	if g.By == by {
		// Only while the granter may still grant it: a manager whose own
		// area narrowed neither sees nor uses the links it made before.
		return r.MayGrant(g.Grant, gr.service)
	}
	return g.Role == polku.RoleManager && slices.ContainsFunc(r.Scopes(polku.RoleManager), func(sc polku.Scope) bool {
		return g.Scope != sc && g.Scope.Within(sc, gr.service)
	})
}

// list is /roles: the asker's own roles, then the grants made in Telegram
// that the asker may revoke, with their numbers.
func (gr *Grants) list(ctx context.Context, tx GrantTx, in Input, r Roles) ([]Message, error) {
	var own []Line
	for _, g := range r {
		own = append(own, L("role.own_line", map[string]any{"Role": roleName(g.Role), "Scope": gr.scopeName(g.Scope, in.Lang)}))
	}
	lines := append([]Line{L("role.own", nil)}, own...)
	gs, err := tx.Grants(ctx)
	if err != nil {
		return nil, err
	}
	now := gr.cfg.Now()
	var shown []Line
	for _, g := range gs {
		if !gr.mayRevoke(r, in.User, g) {
			continue
		}
		data := map[string]any{
			"Number": g.ID, "Name": g.Name, "Role": roleName(g.Role), "Scope": gr.scopeName(g.Scope, in.Lang),
			"Since": flows.When{Start: g.Taken, Day: true}, "Until": flows.When{Start: g.LinkUntil},
		}
		line := L("role.line."+string(g.State(now)), data)
		if g.State(now) == polku.GrantWaiting {
			link, err := gr.cfg.Link(ctx, GrantLink+g.LinkCode)
			if err != nil {
				return nil, err
			}
			line = Line{Parts: []Line{line, Raw("\n" + link)}}
		}
		shown = append(shown, line)
	}
	lines = append(lines, blank)
	if len(shown) == 0 {
		lines = append(lines, L("role.list_none", nil))
	} else {
		lines = append(append(lines, L("role.list", nil)), shown...)
	}
	return []Message{say(append(lines, blank, L("role.list_how", nil))...)}, tx.AuditIn(ctx, in.User, "roles", polku.Scope{}, strconv.Itoa(len(shown)))
}

// revoke is "/revoke N".
func (gr *Grants) revoke(ctx context.Context, tx GrantTx, in Input, r Roles) ([]Message, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(in.Arg), "#"), 10, 64)
	if err != nil || id <= 0 {
		return []Message{say(L("role.revoke_usage", nil))}, nil
	}
	g, err := tx.Granted(ctx, id)
	switch {
	case polku.ErrorCode(err) == polku.ENOTFOUND, err == nil && !g.Revoked.IsZero():
		return []Message{say(L("role.revoke_none", map[string]any{"Number": id}))}, nil
	case err != nil:
		return nil, err
	case !gr.mayRevoke(r, in.User, g):
		// Told as a grant that is not there: the asker may not see it.
		return []Message{say(L("role.revoke_none", map[string]any{"Number": id}))},
			tx.AuditIn(ctx, in.User, "revoke_refused", g.Scope, grantDetail(g))
	}
	g, err = tx.RevokeGrant(ctx, id, in.User)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return []Message{say(L("role.revoke_none", map[string]any{"Number": id}))}, nil
	}
	if err != nil {
		return nil, err
	}
	return []Message{say(L("role.revoked", map[string]any{"Number": g.ID, "Name": g.Name, "Role": roleName(g.Role), "Scope": gr.scopeName(g.Scope, in.Lang)}))},
		tx.AuditIn(ctx, in.User, "revoke", g.Scope, grantDetail(g))
}

// grantDetail is a grant as the audit trail writes it: its number, role
// and scope, never the name it was made for.
func grantDetail(g polku.Granted) string {
	d := string(g.Role) + " " + g.Scope.String()
	if g.ID != 0 {
		d = "#" + strconv.FormatInt(g.ID, 10) + " " + d
	}
	return d
}

// roleName is a role's name to localize.
func roleName(r polku.Role) flows.Text { return flows.T("role.name." + string(r)) }

// scopeName is a scope as a person reads it in lang: the whole service,
// a region's or a municipality's name, an organisation's or organiser's.
func (gr *Grants) scopeName(sc polku.Scope, lang string) any {
	return ScopeName(gr.service, sc, lang)
}

// ScopeName is scope sc of service s as a person reads it in lang (a
// flows.Text for the whole service, else the name).
func ScopeName(s polku.Service, sc polku.Scope, lang string) any {
	switch sc.Kind {
	case polku.ScopeService, "":
		return flows.T("role.scope.service")
	case polku.ScopeRegion:
		if rg, ok := s.Region(sc.ID); ok && len(rg.Name) > 0 {
			return rg.Name.In(lang)
		}
	case polku.ScopeMunicipality:
		return s.NameOf(sc.ID, lang)
	}
	return sc.ID
}
