package polku

import (
	"strings"
	"time"
)

// Who may do what on the staff's side. Coordinators are the members of a
// coordinators' group (Telegram says who); the other roles are granted,
// in the configuration file or in Telegram by someone who holds the role
// above (see Grant), and every grant is audited.

// Role is a staff role.
type Role string

// The roles.
const (
	// RoleOperator imports the catalogue, reads the audit log and grants
	// managers.
	RoleOperator Role = "operator"
	// RoleManager reads the reports (and the audit log) of its scope: a
	// municipality, a region or the whole service.
	RoleManager Role = "manager"
	// RoleProvider checks wellbeing cards and sees the sign-ups of one
	// organiser's sessions; several people may hold it for one organiser.
	RoleProvider Role = "provider"
	// RoleReferrer is a professional's organisation: it sees the counts of
	// its own referral codes, nothing else.
	RoleReferrer Role = "referrer"
)

// ScopeKind is what a scope names.
type ScopeKind string

// The kinds of scope.
const (
	ScopeService      ScopeKind = "service"
	ScopeRegion       ScopeKind = "region"
	ScopeMunicipality ScopeKind = "municipality"
	// ScopeOrganiser is a provider's organiser of the catalogue;
	// ScopeOrganisation a referrer's organisation of its referral codes.
	ScopeOrganiser    ScopeKind = "organiser"
	ScopeOrganisation ScopeKind = "organisation"
)

// Scope is what a role reaches: the whole service, or one region,
// municipality, organiser or organisation by its ID or name.
type Scope struct {
	Kind ScopeKind
	ID   string
}

// String writes the scope as the configuration file does: "service",
// "region:kainuu", "municipality:Kuusamo".
func (sc Scope) String() string {
	if sc.Kind == ScopeService || sc.Kind == "" {
		return string(ScopeService)
	}
	return string(sc.Kind) + ":" + sc.ID
}

// ParseScope reads a scope as String writes it.
func ParseScope(v string) (Scope, error) {
	v = strings.TrimSpace(v)
	if v == string(ScopeService) {
		return Scope{Kind: ScopeService}, nil
	}
	kind, id, ok := strings.Cut(v, ":")
	id = strings.TrimSpace(id)
	switch k := ScopeKind(strings.TrimSpace(kind)); {
	case !ok || id == "":
	case k == ScopeRegion, k == ScopeMunicipality, k == ScopeOrganiser, k == ScopeOrganisation:
		return Scope{Kind: k, ID: id}, nil
	}
	return Scope{}, Errorf(EINVALID, "scope %q: want service, region:ID, municipality:ID, organiser:NAME or organisation:NAME", v)
}

// Municipalities lists the municipalities a scope reaches in s (all of
// them, Other included, for the service), nil for a scope of an organiser
// or organisation.
func (sc Scope) Municipalities(s Service) []string {
	switch sc.Kind {
	case ScopeService, "":
		return append(s.IDs(), Other)
	case ScopeRegion:
		var ids []string
		for _, m := range s.InRegion(sc.ID) {
			ids = append(ids, m.ID)
		}
		return ids
	case ScopeMunicipality:
		if m, ok := s.Municipality(sc.ID); ok {
			return []string{m.ID}
		}
	}
	return nil
}

// Within reports whether sc lies inside outer in s: the service holds
// every scope, a region its own municipalities, and every scope holds
// itself. A municipality or region is compared by its ID, a municipality
// case-insensitively, as Service.Municipality finds one.
func (sc Scope) Within(outer Scope, s Service) bool {
	switch {
	case outer.Kind == ScopeService || outer.Kind == "":
		return true
	case sc.Kind == ScopeService || sc.Kind == "":
		return false
	case sc.Kind == outer.Kind:
		if sc.Kind == ScopeMunicipality {
			return strings.EqualFold(sc.ID, outer.ID)
		}
		return sc.ID == outer.ID
	case sc.Kind == ScopeMunicipality && outer.Kind == ScopeRegion:
		m, ok := s.Municipality(sc.ID)
		return ok && m.Region == outer.ID
	}
	return false
}

// Grant gives a Telegram user a role in a scope.
type Grant struct {
	User  int64
	Role  Role
	Scope Scope
}

// Granted is a grant made in Telegram, as the store keeps it: a one-time
// link until someone opens it, then that person's role until it is
// revoked.
type Granted struct {
	ID int64
	// Grant is the role and scope given; its User is 0 until the link
	// was opened.
	Grant
	// Name is who the grant is for, as the granter wrote it; FirstName
	// the Telegram first name of the person who opened the link, as it
	// was then.
	Name, FirstName string
	// By granted it At; the link works until LinkUntil (LinkCode is ""
	// once it was opened); Taken is when it was, Revoked when the grant
	// was taken back (zero while it holds).
	By                   int64
	LinkCode             string
	At, LinkUntil, Taken time.Time
	Revoked              time.Time
}

// GrantState is where a grant made in Telegram is.
type GrantState string

// The states of a grant.
const (
	GrantWaiting GrantState = "waiting" // the link is not opened yet
	GrantExpired GrantState = "expired" // the link was not opened in time
	GrantHeld    GrantState = "held"    // someone holds the role
	GrantRevoked GrantState = "revoked" // taken back
)

// State says where the grant is at now. A link works until LinkUntil
// (exclusive), as a provider's does.
func (g Granted) State(now time.Time) GrantState {
	switch {
	case !g.Revoked.IsZero():
		return GrantRevoked
	case g.User != 0:
		return GrantHeld
	case !now.Before(g.LinkUntil):
		return GrantExpired
	}
	return GrantWaiting
}

// Grant is the provider's role as a grant: RoleProvider for its
// organiser, held by its Telegram user (0 until the link was opened).
func (p Provider) Grant() Grant {
	return Grant{User: p.UserID, Role: RoleProvider, Scope: Scope{Kind: ScopeOrganiser, ID: p.Organiser}}
}
