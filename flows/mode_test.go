package flows

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestModeStoredAsBefore: a conversation stored before the flags became a
// Mode reads with the same flags and is stored again as the same JSON.
func TestModeStoredAsBefore(t *testing.T) {
	for _, tc := range []struct {
		old  string
		mode Mode
	}{
		{`{"flow":"intake","state":"done","lang":"fi","seq":9,"answers":{},"updated":"2026-11-22T10:00:00Z"}`, 0},
		{`{"flow":"intake","state":"done","lang":"sv","seq":9,"answers":{},"paused":true,"updated":"2026-11-22T10:00:00Z"}`, ModePaused},
		{`{"flow":"intake","state":"done","lang":"en","seq":9,"answers":{},"erasing":true,"updated":"2026-11-22T10:00:00Z"}`, ModeErasing},
		{`{"flow":"intake","state":"done","lang":"uk","seq":9,"answers":{},"talk":true,"share":"yes","updated":"2026-11-22T10:00:00Z"}`, ModeTalking},
		{`{"flow":"intake","state":"done","lang":"fi","seq":9,"answers":{},"talk":true,"sharing":true,"updated":"2026-11-22T10:00:00Z"}`, ModeTalking | ModeSharing},
		{`{"flow":"intake","state":"summary","lang":"fi","seq":9,"answers":{"municipality":"Kuusamo"},"paused":true,"erasing":true,"talk":true,"share":"no","sharing":true,"told":"2026-11-22","kept":[3,4],"updated":"2026-11-22T10:00:00Z"}`,
			ModePaused | ModeErasing | ModeTalking | ModeSharing},
	} {
		var c Conversation
		if err := json.Unmarshal([]byte(tc.old), &c); err != nil {
			t.Fatal(err)
		}
		if c.Mode != tc.mode {
			t.Errorf("%s: mode %b, want %b", tc.old, c.Mode, tc.mode)
		}
		if c.Talking() != tc.mode.Has(ModeTalking) || c.Sharing() != tc.mode.Has(ModeSharing) ||
			c.Erasing() != tc.mode.Has(ModeErasing) || c.Paused() != tc.mode.Has(ModePaused) {
			t.Errorf("%s: the methods disagree with mode %b", tc.old, c.Mode)
		}
		got, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if !sameJSON(t, got, []byte(tc.old)) {
			t.Errorf("stored again as\n%s\nwant\n%s", got, tc.old)
		}
		// As a pointer (the store's way) too.
		if p, _ := json.Marshal(&c); !bytes.Equal(p, got) {
			t.Errorf("as a pointer: %s", p)
		}
	}
}

// sameJSON compares two JSON texts as PostgreSQL's jsonb does: the same
// keys and values, in any order.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	ca, _ := json.Marshal(x)
	cb, _ := json.Marshal(y)
	return bytes.Equal(ca, cb)
}

// TestUnmarshalKeepsUnnamedFlags: as for any other field, JSON that does
// not name a flag leaves it as it was.
func TestUnmarshalKeepsUnnamedFlags(t *testing.T) {
	c := Conversation{Mode: ModeTalking | ModeErasing}
	if err := json.Unmarshal([]byte(`{"erasing":false,"paused":true}`), &c); err != nil {
		t.Fatal(err)
	}
	if want := ModeTalking | ModePaused; c.Mode != want {
		t.Errorf("mode %b, want %b", c.Mode, want)
	}
}

func TestModeSet(t *testing.T) {
	var m Mode
	m.Set(ModeTalking|ModeSharing, true)
	m.Set(ModeSharing, false)
	if !m.Has(ModeTalking) || m.Has(ModeSharing) || m.Has(ModeErasing|ModePaused) {
		t.Errorf("mode %b", m)
	}
}
