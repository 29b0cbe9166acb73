package polku

import (
	"strings"
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

// Grant gives a Telegram user a role in a scope.
type Grant struct {
	User  int64
	Role  Role
	Scope Scope
}
