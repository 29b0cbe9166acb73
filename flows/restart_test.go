package flows

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"polku"
)

func TestDraft(t *testing.T) {
	e := New(Config{})
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	c := e.NewConversation("fi", now)
	if c.Draft() {
		t.Fatal("a new conversation is not a draft")
	}
	c.Answers.Municipality = "Kuusamo"
	if !c.Draft() {
		t.Fatal("an answer given and no profile: a draft")
	}
	c.Profile = true
	if c.Draft() {
		t.Fatal("a saved profile is not a draft")
	}
}

// TestAnswersEmptyCountsEveryField guards answersEmpty against a field
// added to polku.Answers that its JSON would not leave out when unset.
func TestAnswersEmptyCountsEveryField(t *testing.T) {
	if !answersEmpty(polku.Answers{}) {
		t.Fatal("zero answers must be empty")
	}
	typ := reflect.TypeFor[polku.Answers]()
	for i := range typ.NumField() {
		var a polku.Answers
		f := reflect.ValueOf(&a).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.Map:
			m := reflect.MakeMap(f.Type())
			m.SetMapIndex(reflect.Zero(f.Type().Key()), reflect.Zero(f.Type().Elem()))
			f.Set(m)
		default:
			t.Fatalf("field %s of kind %s: teach this test and answersEmpty about it", typ.Field(i).Name, f.Kind())
		}
		if answersEmpty(a) {
			t.Errorf("answers with only %s set count as empty", typ.Field(i).Name)
		}
	}
}

func TestRestart(t *testing.T) {
	e := New(Config{})
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	c := e.NewConversation("sv", now)
	c.LangChosen, c.State, c.Seq = true, "children", 7
	c.Answers.Municipality = "Kuusamo"
	// Talking to a person, or a question open, is not kept either.
	c.Mode = ModeTalking | ModePaused
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Restart(data)
	if err != nil {
		t.Fatal(err)
	}
	var got Conversation
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := Conversation{Flow: c.Flow, State: Welcome, Lang: "sv", LangChosen: true, Seq: 8, Updated: c.Updated}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("restarted:\n got %+v\nwant %+v", got, want)
	}
	if got.Draft() {
		t.Fatal("a restarted conversation is no draft")
	}
	if !e.Valid(got) {
		t.Fatal("the engine must accept a restarted conversation")
	}
	if _, err := Restart([]byte("{")); err == nil {
		t.Fatal("broken JSON must be an error")
	}
}
