package telegramtest

import (
	"bytes"
	"encoding/json"
	"net"
	"net/url"
	"strings"
)

// markup is a parsed reply_markup: an inline keyboard, a reply keyboard, a
// ReplyKeyboardRemove or a ForceReply.
type markup struct {
	inline     [][]ibutton
	inlineJSON json.RawMessage // {"inline_keyboard":...} as Telegram returns it in messages

	keyboard    [][]kbutton
	resize      bool
	oneTime     bool
	persistent  bool
	placeholder string

	remove     bool
	forceReply bool
}

type ibutton struct {
	text  string
	kind  string          // "url", "callback_data", "web_app", ...
	value json.RawMessage // the value of that field
	url   string
	data  string
}

type kbutton struct {
	text            string
	requestContact  bool
	requestLocation bool
}

type field struct {
	name  string
	value json.RawMessage
}

// objectFields lists the fields of a JSON object in order, or reports that
// data is not an object. data must be valid JSON.
func objectFields(data []byte) ([]field, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var fields []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, false
		}
		fields = append(fields, field{name, raw})
	}
	return fields, true
}

func fieldMap(fields []field) map[string]json.RawMessage {
	m := make(map[string]json.RawMessage, len(fields))
	for _, f := range fields {
		if !isNull(f.value) {
			m[f.name] = f.value
		}
	}
	return m
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func jsonKind(raw json.RawMessage) byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0
	}
	switch c := raw[0]; c {
	case '{', '[', '"', 'n':
		return c
	case 't', 'f':
		return 'b'
	}
	return '0'
}

func asArray(raw json.RawMessage) ([]json.RawMessage, bool) {
	if jsonKind(raw) != '[' {
		return nil, false
	}
	var items []json.RawMessage
	return items, json.Unmarshal(raw, &items) == nil
}

func asBool(raw json.RawMessage) (bool, bool) {
	switch string(bytes.TrimSpace(raw)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// stringField reads a string field as the Bot API does: numbers are taken as
// their text, a missing required field and any other type are errors.
func stringField(m map[string]json.RawMessage, name string, required bool) (string, string) {
	raw, ok := m[name]
	if !ok {
		if required {
			return "", `Can't find field "` + name + `"`
		}
		return "", ""
	}
	switch jsonKind(raw) {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		return s, ""
	case '0':
		return string(bytes.TrimSpace(raw)), ""
	}
	return "", `Field "` + name + `" must be of type String`
}

func boolField(m map[string]json.RawMessage, name, owner string) (bool, string) {
	raw, ok := m[name]
	if !ok {
		return false, ""
	}
	b, ok := asBool(raw)
	if !ok {
		msg := `Field "` + name + `" must be of type Boolean`
		if owner != "" {
			msg = `Field "` + name + `" of the ` + owner + ` must be of type Boolean`
		}
		return false, msg
	}
	return b, ""
}

// parseMarkup reads a reply_markup parameter as the Bot API does. A markup
// that shows nothing (such as an empty inline keyboard) is nil.
func parseMarkup(arg string) (*markup, *apiError) {
	data := []byte(strings.TrimSpace(arg))
	if len(data) == 0 {
		return nil, nil
	}
	if !json.Valid(data) {
		return nil, badRequest("Can't parse reply keyboard markup JSON object")
	}
	fields, ok := objectFields(data)
	if !ok {
		return nil, badRequest("Object expected as reply markup")
	}
	mk := &markup{}
	var (
		rows, inline   int
		remove, forced bool
	)
	for _, f := range fields {
		var msg string
		switch f.name {
		case "keyboard":
			mk.keyboard, msg = parseKeyboard(f.value)
			rows = countButtons(len(mk.keyboard), func(i int) int { return len(mk.keyboard[i]) })
		case "inline_keyboard":
			mk.inline, msg = parseInlineKeyboard(f.value)
			inline = countButtons(len(mk.inline), func(i int) int { return len(mk.inline[i]) })
		case "resize_keyboard":
			mk.resize, msg = boolField(map[string]json.RawMessage{f.name: f.value}, f.name, "ReplyKeyboardMarkup")
		case "one_time_keyboard":
			mk.oneTime, msg = boolField(map[string]json.RawMessage{f.name: f.value}, f.name, "ReplyKeyboardMarkup")
		case "is_persistent":
			mk.persistent, msg = boolField(map[string]json.RawMessage{f.name: f.value}, f.name, "ReplyKeyboardMarkup")
		case "remove_keyboard", "hide_keyboard":
			remove, msg = boolField(map[string]json.RawMessage{"remove_keyboard": f.value}, "remove_keyboard", "ReplyKeyboardRemove")
		case "force_reply", "force_reply_keyboard":
			forced, msg = boolField(map[string]json.RawMessage{"force_reply": f.value}, "force_reply", "reply markup")
		case "selective", "personal_keyboard":
			_, msg = boolField(map[string]json.RawMessage{"selective": f.value}, "selective", "reply markup")
		case "input_field_placeholder":
			mk.placeholder, msg = stringField(map[string]json.RawMessage{f.name: f.value}, f.name, false)
		}
		if msg != "" {
			return nil, badRequest(msg)
		}
	}
	switch {
	case rows > 0:
		mk.inline = nil
	case inline > 0:
		mk.keyboard = nil
		mk.inlineJSON = inlineJSON(mk.inline)
	case remove:
		mk.inline, mk.keyboard, mk.remove = nil, nil, true
	case forced:
		mk.inline, mk.keyboard, mk.forceReply = nil, nil, true
	default:
		return nil, nil
	}
	return mk, nil
}

func countButtons(rows int, row func(int) int) int {
	n := 0
	for i := range rows {
		n += row(i)
	}
	return n
}

func parseKeyboard(raw json.RawMessage) ([][]kbutton, string) {
	rows, ok := asArray(raw)
	if !ok {
		return nil, `Field "keyboard" of the ReplyKeyboardMarkup must be an Array`
	}
	var kb [][]kbutton
	for _, r := range rows {
		buttons, ok := asArray(r)
		if !ok {
			return nil, `Field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays`
		}
		var row []kbutton
		for _, b := range buttons {
			btn, msg := parseKeyButton(b)
			if msg != "" {
				return nil, "Can't parse keyboard button: " + msg
			}
			row = append(row, btn)
		}
		if len(row) > 0 {
			kb = append(kb, row)
		}
	}
	return kb, ""
}

func parseKeyButton(raw json.RawMessage) (kbutton, string) {
	switch jsonKind(raw) {
	case '"':
		var text string
		_ = json.Unmarshal(raw, &text)
		return kbutton{text: text}, ""
	case '{':
	default:
		return kbutton{}, "KeyboardButton must be a String or an Object"
	}
	fields, _ := objectFields(raw)
	m := fieldMap(fields)
	var b kbutton
	var msg string
	if b.text, msg = stringField(m, "text", true); msg != "" {
		return b, msg
	}
	if b.requestContact, msg = boolField(m, "request_contact", ""); msg != "" {
		return b, msg
	}
	if b.requestLocation, msg = boolField(m, "request_location", ""); msg != "" {
		return b, msg
	}
	return b, ""
}

func parseInlineKeyboard(raw json.RawMessage) ([][]ibutton, string) {
	rows, ok := asArray(raw)
	if !ok {
		return nil, `Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array`
	}
	var kb [][]ibutton
	for _, r := range rows {
		buttons, ok := asArray(r)
		if !ok {
			return nil, `Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`
		}
		var row []ibutton
		for _, b := range buttons {
			ib, msg := parseInlineButton(b)
			if msg != "" {
				return nil, "Can't parse inline keyboard button: " + msg
			}
			row = append(row, ib)
		}
		if len(row) > 0 {
			kb = append(kb, row)
		}
	}
	return kb, ""
}

// inlineKinds are the inline button types other than url and callback_data,
// in the order the Bot API looks for them.
var inlineKinds = []string{
	"web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
	"switch_inline_query_chosen_chat", "callback_game", "pay", "copy_text",
}

func parseInlineButton(raw json.RawMessage) (ibutton, string) {
	if jsonKind(raw) != '{' {
		return ibutton{}, "InlineKeyboardButton must be an Object"
	}
	fields, _ := objectFields(raw)
	m := fieldMap(fields)
	var b ibutton
	var msg string
	if b.text, msg = stringField(m, "text", true); msg != "" {
		return b, msg
	}
	if b.url, msg = stringField(m, "url", false); msg != "" {
		return b, msg
	}
	if b.url != "" {
		b.kind, b.value = "url", quote(b.url)
		return b, ""
	}
	if b.data, msg = stringField(m, "callback_data", false); msg != "" {
		return b, msg
	}
	if b.data != "" {
		b.kind, b.value = "callback_data", quote(b.data)
		return b, ""
	}
	for _, k := range inlineKinds {
		v, ok := m[k]
		if !ok {
			continue
		}
		if k == "copy_text" {
			// go-telegram/bot sends an empty copy_text with every button;
			// only one with a text is a copy button.
			var ct struct {
				Text string `json:"text"`
			}
			if json.Unmarshal(v, &ct) != nil || ct.Text == "" {
				continue
			}
		}
		if k == "pay" {
			if p, _ := asBool(v); !p {
				continue
			}
		}
		b.kind, b.value = k, v
		return b, ""
	}
	return b, "Text buttons are unallowed in the inline keyboard"
}

func quote(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// validButtonURL approximates Telegram's check of a url button.
func validButtonURL(raw string) bool {
	if strings.ContainsAny(raw, " \t\n") {
		return false
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "tg", "ton":
		return true
	case "http", "https":
		h := u.Hostname()
		return strings.Contains(h, ".") || net.ParseIP(h) != nil
	}
	return false
}

// check applies the checks Telegram's servers make after the Bot API parsed
// the markup.
func (mk *markup) check() *apiError {
	if mk == nil {
		return nil
	}
	for _, row := range mk.inline {
		for _, b := range row {
			switch b.kind {
			case "callback_data":
				if len(b.data) > 64 {
					return badRequest("BUTTON_DATA_INVALID")
				}
			case "url":
				if !validButtonURL(b.url) {
					return badRequest("BUTTON_URL_INVALID")
				}
			}
		}
	}
	return nil
}

func inlineJSON(rows [][]ibutton) json.RawMessage {
	var b bytes.Buffer
	b.WriteString(`{"inline_keyboard":[`)
	for i, row := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j, btn := range row {
			if j > 0 {
				b.WriteByte(',')
			}
			text, _ := json.Marshal(btn.text)
			b.WriteString(`{"text":`)
			b.Write(text)
			b.WriteString(`,"`)
			b.WriteString(btn.kind)
			b.WriteString(`":`)
			var compact bytes.Buffer
			if json.Compact(&compact, btn.value) == nil {
				b.Write(compact.Bytes())
			} else {
				b.Write(btn.value)
			}
			b.WriteByte('}')
		}
		b.WriteByte(']')
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func (mk *markup) isInline() bool { return mk != nil && mk.inline != nil }

func (mk *markup) buttons() [][]Button {
	if mk == nil || mk.inline == nil {
		return nil
	}
	out := make([][]Button, len(mk.inline))
	for i, row := range mk.inline {
		out[i] = make([]Button, len(row))
		for j, b := range row {
			out[i][j] = Button{Text: b.text, Data: b.data, URL: b.url}
		}
	}
	return out
}

func (mk *markup) keyButtons() [][]KeyButton {
	if mk == nil || mk.keyboard == nil {
		return nil
	}
	out := make([][]KeyButton, len(mk.keyboard))
	for i, row := range mk.keyboard {
		out[i] = make([]KeyButton, len(row))
		for j, b := range row {
			out[i][j] = KeyButton{Text: b.text, RequestContact: b.requestContact, RequestLocation: b.requestLocation}
		}
	}
	return out
}

func (mk *markup) hasData(data string) bool {
	if mk == nil {
		return false
	}
	for _, row := range mk.inline {
		for _, b := range row {
			if b.kind == "callback_data" && b.data == data {
				return true
			}
		}
	}
	return false
}

// sameInline tells whether two markups show the same inline keyboard, for
// "message is not modified".
func sameInline(a, b *markup) bool {
	var x, y []byte
	if a.isInline() {
		x = a.inlineJSON
	}
	if b.isInline() {
		y = b.inlineJSON
	}
	return bytes.Equal(x, y)
}
