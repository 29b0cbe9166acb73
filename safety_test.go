package polku

import (
	"reflect"
	"strings"
	"testing"
)

func TestSafetyWordsDefault(t *testing.T) {
	w := DefaultSafetyWords()
	urgent := map[string][]string{
		"fi": {
			"Kotona on väkivaltaa",
			"PERHEVÄKIVALTA on arkea meillä",
			"lähisuhde-väkivalta",
			"Isä lyö meitä",
			"Hän löi minua eilen.",
			"mies on hakannut minut",
			"poikaa on pahoinpidelty",
			"Minua on hyväksikäytetty",
			"Tytöllä on itsetuhoisia ajatuksia",
			"Poika viiltelee itseään",
			"olen ajatellut itsemurhaa",
			"itsemurhayritys viime vuonna",
			"En jaksa elää enää 😢",
			"haluan kuolla",
			"Hän uhkailee meitä",
		},
		"sv": {
			"Pappa slår mig",
			"Det finns våld hemma",
			"familjevåldet blir värre",
			"Jag vill dö.",
			"Jag har självmordstankar",
			"Jag skär mig ibland",
			"barnmisshandel",
			"Han misshandlade henne",
			"sexuella övergrepp",
		},
		"en": {
			"My dad HITS ME!!",
			"he hit me.",
			"domestic violence",
			"I was abused as a kid",
			"I want to die 😞",
			"I've been self-harming",
			"self harm",
			"I don’t want to live anymore",
			"thinking about suicide",
			"I might kill myself",
			"he threatened to kill us",
		},
		"uk": {
			"Тато б’є мене",
			"Тато бʼє мене",
			"Тато б'є мене",
			"Мене побили в школі",
			"домашнє насильство",
			"думки про самогубство",
			"Я хочу померти",
			"я не хочу жити",
			"він зґвалтував її",
			"він згвалтував її",
			"хочу накласти на себе руки",
			"💔ВБИТИ СЕБЕ💔",
		},
	}
	innocent := map[string][]string{
		"fi": {
			"Lapset soittavat lyömäsoittimia",
			"Joukkue oli lyömätön!",
			"Meillä on tapana käydä metsässä",
			"Hakkaraiset tulevat mukaan",
			"Lapsi ahdistuu helposti uusissa paikoissa",
			"Haluan kuulla lisää kerhosta",
			"Raskausaikana oli pahoinvointia",
			"Haluamme elää terveellisesti ja liikkua 🌲",
			"Mummo kuoli viime vuonna",
		},
		"sv": {
			"Vi vill döpa vår dotter",
			"Vi vill dölja ingenting",
			"Jag slår på tv:n",
			"Det slog mig att vi borde gå oftare",
			"Vi skär morötter",
			"Barnen älskar att måla",
		},
		"en": {
			"I want to diet",
			"We'd love a violin class!",
			"The kids love hitting the piñata",
			"What a hit! Meeting friends was great",
			"It beats me why the bus was late",
			"We went to the therapist",
			"A busy week",
		},
		"uk": {
			"Ми п'ємо чай у п’ятницю",
			"Насилу встигли на автобус",
			"Діти люблять малювати",
			"Хочу жити у Фінляндії",
			"Побачимося в суботу",
		},
	}
	for lang, texts := range urgent {
		for _, s := range texts {
			if !w.Match(s, nil) {
				t.Errorf("%s: %q is not urgent", lang, s)
			}
		}
	}
	for lang, texts := range innocent {
		for _, s := range texts {
			if w.Match(s, nil) {
				t.Errorf("%s: %q is urgent", lang, s)
			}
		}
	}
	for _, lang := range Languages() {
		if len(w[lang]) == 0 {
			t.Errorf("no default safety words for %s", lang)
		}
	}
}

// TestSafetyWordsDefaultParse checks that every default stem is written
// as ParseSafetyWords would store it, so an operator can copy them into
// the environment.
func TestSafetyWordsDefaultParse(t *testing.T) {
	for lang, stems := range DefaultSafetyWords() {
		if !isLangCode(lang) {
			t.Errorf("language %q", lang)
		}
		for _, s := range stems {
			got, err := parseStem(s)
			if err != nil || got != s {
				t.Errorf("%s: stem %q parses as %q, %v", lang, s, got, err)
			}
		}
	}
	a, b := DefaultSafetyWords(), DefaultSafetyWords()
	a["fi"][0] = "changed"
	if b["fi"][0] == "changed" {
		t.Error("DefaultSafetyWords shares its slices between calls")
	}
}

func TestSafetyWordsMatch(t *testing.T) {
	w := SafetyWords{"xx": {"väkival", "*foo", "bar$", "hurt myself", "b'є", "Upper"}}
	tests := []struct {
		text string
		want bool
	}{
		{"väkival", true},
		{"VÄKIVALTAA", true},
		{"(väkivaltaa)", true},
		{"«väkivaltaa»", true},
		{"'väkivaltaa'", true},
		{"🙁väkivaltaa", true},
		{"2väkivaltaa", true},
		{"perheväkivaltaa", false}, // not a word start
		{"perhe-väkivaltaa", true},
		{"väki valtaa", false},
		{"afoob", true},
		{"fo o", false},
		{"bar", true},
		{"bar!", true},
		{"a bar.", true},
		{"barn", false},
		{"rebar", false},
		{"I hurt myself", true},
		{"I hurt\n  myself", true},
		{"I hurt-myself", true},
		{"I hurtmyself", false},
		{"hurting myself", false},
		{"b’є", true},
		{"bʼє", true},
		{"b`є", true},
		{"bє", false},
		{"upper", true},
		{"", false},
		{"väki\u00advaltaa", true},       // soft hyphen
		{"väki\u200evaltaa", true},       // left-to-right mark
		{"\u202eväkivaltaa\u202c", true}, // right-to-left override
		{"väki\u2066valtaa\u2069", true}, // isolate
		{"\u061cväkivaltaa", true},       // Arabic letter mark
		{"väki\u200b\u200c\u2060\ufeffvaltaa", true},
		{"bʹє", true},
		{"b´є", true},
		{"b＇є", true},
		{"bar\u0301", false}, // the mark belongs to the word
		{"a\u0301väkivaltaa", false},
	}
	for _, tt := range tests {
		if got := w.Match(tt.text, nil); got != tt.want {
			t.Errorf("Match(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	if (SafetyWords{"xx": {"", "$", "*", " "}}).Match("anything", nil) {
		t.Error("empty stems match")
	}
	if (SafetyWords{}).Match("väkivaltaa", nil) || SafetyWords(nil).Match("väkivaltaa", nil) {
		t.Error("no stems match")
	}
}

// TestSafetyWordsFold checks that the caller's fold is applied to the text
// and to the stems alike; flows tests the real one (NFC and case folding).
func TestSafetyWordsFold(t *testing.T) {
	w := SafetyWords{"xx": {"väkival", "Straße$"}}
	plain := func(s string) string { return strings.NewReplacer("ä", "a", "ß", "ss").Replace(strings.ToLower(s)) }
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"vakivaltaa", true},
		{"VÄKIVALTAA", true},
		{"strasse", true},
		{"STRASSE!", true},
		{"strassen", false},
	} {
		if got := w.Match(tt.text, plain); got != tt.want {
			t.Errorf("Match(%q, fold) = %v, want %v", tt.text, got, tt.want)
		}
	}
	if w.Match("vakivaltaa", nil) {
		t.Error("Match without a fold folds ä")
	}
}

func TestParseSafetyWords(t *testing.T) {
	tests := []struct {
		spec    string
		want    SafetyWords
		wantErr string
	}{
		{spec: "", want: SafetyWords{}},
		{spec: " ; ", wantErr: `" ; "`},
		{spec: "fi:väkival|itsetuho|tapan;sv:våld|självmord;en:violen|suicid;uk:насильств|самогубств", want: SafetyWords{
			"fi": {"väkival", "itsetuho", "tapan"}, "sv": {"våld", "självmord"}, "en": {"violen", "suicid"}, "uk": {"насильств", "самогубств"},
		}},
		{spec: " FI : Väkival | ItseTuho ; ", want: SafetyWords{"fi": {"väkival", "itsetuho"}}},
		{spec: "fi:foo;fi:bar|FOO", want: SafetyWords{"fi": {"foo", "bar"}}},
		{spec: "fi:lyö$|*väkival|* perhe $", want: SafetyWords{"fi": {"lyö$", "*väkival", "*perhe$"}}},
		{spec: "en:self-harm|Hurt   Myself", want: SafetyWords{"en": {"self harm", "hurt myself"}}},
		{spec: "uk:б’є|бʼють", want: SafetyWords{"uk": {"б'є", "б'ють"}}},
		{spec: "fil:foo", want: SafetyWords{"fil": {"foo"}}},

		{spec: "väkival", wantErr: `"väkival"`},
		{spec: "fi väkival", wantErr: `"fi väkival"`},
		{spec: ":väkival", wantErr: `":väkival"`},
		{spec: "finnish:väkival", wantErr: `"finnish:väkival"`},
		{spec: "f1:väkival", wantErr: `"f1:väkival"`},
		{spec: "fi:", wantErr: `""`},
		{spec: "fi:a", wantErr: `"a"`},
		{spec: "fi:väkival||itsetuho", wantErr: `""`},
		{spec: "fi:väkival|", wantErr: `""`},
		{spec: "fi:*$", wantErr: `"*$"`},
		{spec: "fi:fo*o", wantErr: `"fo*o"`},
		{spec: "fi:fo$o", wantErr: `"fo$o"`},
		{spec: "fi:12", wantErr: `"12"`},
		{spec: "en:violen;sv", wantErr: `"sv"`},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParseSafetyWords(tt.spec)
			if tt.wantErr != "" {
				if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %s naming %s", err, EINVALID, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
