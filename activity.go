package polku

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Category is a kind of activity in the catalogue. The first seven match
// the intake's interests one to one; CategoryFamily (family time) has no
// interest of its own.
type Category string

// The categories of the catalogue.
const (
	CategoryNature  Category = "nature"
	CategoryArt     Category = "art"
	CategoryMusic   Category = "music"
	CategoryCrafts  Category = "crafts"
	CategoryCulture Category = "culture" // culture and history
	CategorySport   Category = "sport"   // movement and sport
	CategoryAnimals Category = "animals"
	CategoryFamily  Category = "family" // family time
)

// Categories lists every category in display order.
var Categories = []Category{CategoryNature, CategoryArt, CategoryMusic, CategoryCrafts, CategoryCulture, CategorySport, CategoryAnimals, CategoryFamily}

// Audience says for whom an activity is.
type Audience string

// The audiences of the catalogue.
const (
	AudienceFamily   Audience = "family"   // the whole family together
	AudienceChildren Audience = "children" // children alone: a break for the parents
	AudienceParents  Audience = "parents"  // parents (or carers) only
)

// Audiences lists every audience.
var Audiences = []Audience{AudienceFamily, AudienceChildren, AudienceParents}

// PriceKind says how an activity is paid.
type PriceKind string

// The kinds of price.
const (
	PriceFree PriceKind = "free"
	// PriceCard is free with the wellbeing card, paid otherwise.
	PriceCard PriceKind = "card"
	PricePaid PriceKind = "paid"
)

// Price is what taking part costs one person.
type Price struct {
	Kind PriceKind `json:"kind"`
	// Cents is the amount in euro cents when the activity is paid (also
	// for PriceCard: what it costs without the card).
	Cents int `json:"cents,omitempty"`
}

// Access is an accessibility feature of a place or an activity.
type Access string

// The accessibility features of the catalogue.
const (
	AccessStepFree    Access = "step_free"
	AccessHearingLoop Access = "hearing_loop"
	AccessSensory     Access = "sensory_friendly"
	AccessToilet      Access = "accessible_toilet"
)

// Accesses lists every accessibility feature.
var Accesses = []Access{AccessStepFree, AccessHearingLoop, AccessSensory, AccessToilet}

// Status is the status of an activity or a session, as in Linked Events.
type Status string

// The statuses.
const (
	StatusScheduled Status = "scheduled"
	StatusCancelled Status = "cancelled"
	StatusPostponed Status = "postponed"
)

// Coords are a place's WGS84 coordinates.
type Coords struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Place is where an activity happens.
type Place struct {
	Name    string  `json:"name"`
	Address string  `json:"address,omitempty"`
	Coords  *Coords `json:"coords,omitempty"`
}

// Activity is one offer of the service catalogue (palvelutarjotin). It
// follows Linked Events where that fits: an event with sub-events is an
// activity with sessions.
type Activity struct {
	// ID is the store's key; zero before the activity is stored.
	ID int64 `json:"id,omitempty"`
	// Organiser and ExternalID (the organiser's own ID of the activity)
	// identify the activity across imports.
	Organiser   string     `json:"organiser"`
	ExternalID  string     `json:"external_id"`
	Title       Localized  `json:"title"`
	Description Localized  `json:"description,omitempty"`
	Categories  []Category `json:"categories"`
	// Municipality is the municipality's name as the intake offers it
	// (for example "Kuusamo").
	Municipality string `json:"municipality"`
	// Neighbours are the other municipalities whose families are welcome
	// too ("neighbouring municipalities welcome"): a family there is
	// offered the activity after its own municipality's.
	Neighbours []string `json:"neighbours,omitempty"`
	Place      Place    `json:"place"`
	// AgeMin and AgeMax bound the children's ages in years, inclusive.
	AgeMin   int      `json:"age_min"`
	AgeMax   int      `json:"age_max"`
	Audience Audience `json:"audience"`
	Price    Price    `json:"price"`
	Access   []Access `json:"access,omitempty"`
	// Languages are the languages spoken in the activity (BCP 47 base
	// codes); none listed means Finnish.
	Languages []string `json:"languages,omitempty"`
	Status    Status   `json:"status"`
	// Contact is the organiser's public contact (phone, e-mail or web
	// address), never a person's private one.
	Contact  string    `json:"contact,omitempty"`
	InfoURL  string    `json:"info_url,omitempty"`
	Sessions []Session `json:"sessions"`
}

// MaxAge is the oldest age Polku serves.
const MaxAge = 17

// Session is one time an activity happens.
type Session struct {
	// ID is the store's key; zero before the session is stored.
	ID int64 `json:"id,omitempty"`
	// ExternalID identifies the session within its activity across
	// imports: the organiser's ID, or derived from the start time.
	ExternalID string    `json:"external_id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	// Capacity is how many people (children and adults) fit.
	Capacity int `json:"capacity"`
	// EnrolFrom and EnrolUntil bound the enrolment; zero means from now
	// on, and until the start.
	EnrolFrom  time.Time `json:"enrol_from,omitzero"`
	EnrolUntil time.Time `json:"enrol_until,omitzero"`
	Status     Status    `json:"status"`
	// Taken and Waiting are filled by the store: seats taken by confirmed
	// sign-ups, and people on the waiting list.
	Taken   int `json:"taken,omitempty"`
	Waiting int `json:"waiting,omitempty"`
}

// SeatsLeft is how many seats are still free.
func (s Session) SeatsLeft() int { return max(0, s.Capacity-s.Taken) }

// Open reports whether families can sign up for the session at now
// (with a seat or on the waiting list).
func (s Session) Open(now time.Time) bool {
	if s.Status != StatusScheduled || !s.Start.After(now) {
		return false
	}
	if !s.EnrolFrom.IsZero() && now.Before(s.EnrolFrom) {
		return false
	}
	if !s.EnrolUntil.IsZero() && !now.Before(s.EnrolUntil) {
		return false
	}
	return true
}

// Upcoming returns the sessions open for sign-up at now, soonest first.
func (a Activity) Upcoming(now time.Time) []Session {
	var out []Session
	if a.Status != StatusScheduled {
		return nil
	}
	for _, s := range a.Sessions {
		if s.Open(now) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(x, y Session) int {
		if c := x.Start.Compare(y.Start); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(x.ID, y.ID), strings.Compare(x.ExternalID, y.ExternalID))
	})
	return out
}

// Welcomes reports whether the families of municipality m are offered a:
// it is m's own, or m is one of its Neighbours (neighbour is then true).
// Names compare as the intake and the catalogue write them, in any case.
func (a Activity) Welcomes(m string) (ok, neighbour bool) {
	m = strings.TrimSpace(m)
	if m == "" {
		return false, false
	}
	if strings.EqualFold(m, strings.TrimSpace(a.Municipality)) {
		return true, false
	}
	if slices.ContainsFunc(a.Neighbours, func(n string) bool { return strings.EqualFold(m, strings.TrimSpace(n)) }) {
		return true, true
	}
	return false, false
}

// FictionalMark ends the name of an organiser made up for the sample
// catalogue and the templates ("Esimerkkiopisto (kuvitteellinen)"), so a
// demo never passes for a real service. It is part of the organiser's
// identity; families read it in their own language (OrganiserName).
const FictionalMark = " (kuvitteellinen)"

// OrganiserName is the organiser's name without FictionalMark, and
// whether the organiser is made up.
func (a Activity) OrganiserName() (name string, fictional bool) {
	name, fictional = strings.CutSuffix(a.Organiser, FictionalMark)
	return name, fictional
}
