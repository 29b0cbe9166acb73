package flows

import "encoding/json"

// The chat's mode: what it is in the middle of besides the intake's state
// (talking to a person, answering whether the coordinators may see the
// answers, confirming an erasure, or the question whether to continue
// after a pause). The flags are independent: a family talks to a person
// while the share question is open. Stored, they stay the four booleans
// they always were (talk, sharing, erasing, paused), so that conversations
// saved before read the same.

// Mode is a set of the flags below.
type Mode uint8

// The flags of a Mode.
const (
	// ModeTalking: what the family writes goes to the coordinators.
	ModeTalking Mode = 1 << iota
	// ModeSharing: "may the coordinators see your answers?" waits for an
	// answer.
	ModeSharing
	// ModeErasing: "delete my data?" waits for confirmation.
	ModeErasing
	// ModePaused: the "continue or start over" question is open.
	ModePaused
)

// Has reports whether any of the flags f is set.
func (m Mode) Has(f Mode) bool { return m&f != 0 }

// Set sets the flags f, or clears them when on is false.
func (m *Mode) Set(f Mode, on bool) {
	if on {
		*m |= f
	} else {
		*m &^= f
	}
}

// Talking reports whether what the family writes goes to the coordinators.
func (c Conversation) Talking() bool { return c.Mode.Has(ModeTalking) }

// Sharing reports whether "may the coordinators see your answers?" waits
// for an answer.
func (c Conversation) Sharing() bool { return c.Mode.Has(ModeSharing) }

// Erasing reports whether "delete my data?" waits for confirmation.
func (c Conversation) Erasing() bool { return c.Mode.Has(ModeErasing) }

// Paused reports whether the "continue or start over" question is open.
func (c Conversation) Paused() bool { return c.Mode.Has(ModePaused) }

// stored is a Conversation without its methods: its JSON is its fields'.
type stored Conversation

// storedMode is the Mode as it is stored.
type storedMode struct {
	Paused  bool `json:"paused,omitempty"`
	Erasing bool `json:"erasing,omitempty"`
	Talk    bool `json:"talk,omitempty"`
	Sharing bool `json:"sharing,omitempty"`
}

func (m Mode) stored() storedMode {
	return storedMode{Paused: m.Has(ModePaused), Erasing: m.Has(ModeErasing), Talk: m.Has(ModeTalking), Sharing: m.Has(ModeSharing)}
}

func (s storedMode) mode() Mode {
	var m Mode
	m.Set(ModePaused, s.Paused)
	m.Set(ModeErasing, s.Erasing)
	m.Set(ModeTalking, s.Talk)
	m.Set(ModeSharing, s.Sharing)
	return m
}

// MarshalJSON stores the conversation with its mode as four booleans.
func (c Conversation) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		stored
		storedMode
	}{stored(c), c.Mode.stored()})
}

// UnmarshalJSON reads a stored conversation. As for any other field, a
// flag the JSON does not name keeps its value.
func (c *Conversation) UnmarshalJSON(data []byte) error {
	v := struct {
		*stored
		storedMode
	}{(*stored)(c), c.Mode.stored()}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	c.Mode = v.storedMode.mode()
	return nil
}
