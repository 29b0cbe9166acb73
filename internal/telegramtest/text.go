package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// Telegram's length limits, in UTF-16 code units after entities are parsed.
const (
	maxTextLength    = 4096
	maxCaptionLength = 1024
	maxAnswerLength  = 200
)

// utf16Len is the length of s in UTF-16 code units, as Telegram counts.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// formatted is a text with its entities as Telegram stores it.
type formatted struct {
	text     string
	entities []models.MessageEntity
}

func (f formatted) equal(g formatted) bool {
	if f.text != g.text || len(f.entities) != len(g.entities) {
		return false
	}
	for i := range f.entities {
		a, b := f.entities[i], g.entities[i]
		if a.Type != b.Type || a.Offset != b.Offset || a.Length != b.Length || a.URL != b.URL || a.Language != b.Language || a.CustomEmojiID != b.CustomEmojiID {
			return false
		}
	}
	return true
}

// parseText applies parse_mode, or the explicit entities, to a text or a
// caption and trims it, as the Bot API does. MarkdownV2 and Markdown are
// accepted but not interpreted.
func parseText(text, parseMode, entitiesArg string) (formatted, *apiError) {
	mode := strings.ToLower(strings.TrimSpace(parseMode))
	var f formatted
	switch {
	case text != "" && mode != "" && mode != "none":
		switch mode {
		case "html":
			t, ents, err := parseHTML(text)
			if err != nil {
				return formatted{}, badRequest("Can't parse entities: " + err.Error())
			}
			f = formatted{t, ents}
		case "markdown", "markdownv2":
			f = formatted{text: text}
		default:
			return formatted{}, badRequest("Unsupported parse_mode")
		}
	default:
		ents, msg := parseEntities(entitiesArg)
		if msg != "" {
			return formatted{}, badRequest("Can't parse MessageEntity: " + msg)
		}
		f = formatted{text, ents}
	}
	return f.trim(), nil
}

// parseEntities reads an entities or caption_entities parameter as the Bot
// API does: a parameter that is not a JSON array is ignored, and each
// entity needs its offset, length and type, and the fields its type needs.
// msg is the reason an entity is refused.
func parseEntities(arg string) (ents []models.MessageEntity, msg string) {
	data := []byte(strings.TrimSpace(arg))
	if len(data) == 0 || !json.Valid(data) {
		return nil, ""
	}
	items, ok := asArray(data)
	if !ok {
		return nil, ""
	}
	for _, it := range items {
		if jsonKind(it) != '{' {
			return nil, "expected an Object"
		}
		fields, _ := objectFields(it)
		m := fieldMap(fields)
		var e models.MessageEntity
		if e.Offset, msg = intField(m, "offset"); msg != "" {
			return nil, msg
		}
		if e.Length, msg = intField(m, "length"); msg != "" {
			return nil, msg
		}
		typ, msg := stringField(m, "type", true)
		switch {
		case msg != "":
			return nil, msg
		case typ == "":
			return nil, "Type is not specified"
		case !knownEntity[models.MessageEntityType(typ)]:
			return nil, "Unsupported type specified"
		}
		e.Type = models.MessageEntityType(typ)
		switch e.Type {
		case models.MessageEntityTypePre:
			e.Language, msg = stringField(m, "language", false)
		case models.MessageEntityTypeTextLink:
			e.URL, msg = stringField(m, "url", true)
		case models.MessageEntityTypeCustomEmoji:
			e.CustomEmojiID, msg = stringField(m, "custom_emoji_id", true)
		case models.MessageEntityTypeTextMention:
			raw, ok := m["user"]
			switch {
			case !ok:
				msg = `Can't find field "user"`
			case jsonKind(raw) != '{':
				msg = `Field "user" must be of type Object`
			default:
				uf, _ := objectFields(raw)
				var id string
				if id, msg = stringField(fieldMap(uf), "id", true); msg == "" {
					uid, err := strconv.ParseInt(id, 10, 64)
					if err != nil {
						msg = `Field "id" must be a Number`
					}
					e.User = &models.User{ID: uid}
				}
			}
		}
		if msg != "" {
			return nil, msg
		}
		ents = append(ents, e)
	}
	return ents, ""
}

// intField reads a required integer field as TDLib does: a number, or a
// string holding one.
func intField(m map[string]json.RawMessage, name string) (int, string) {
	raw, ok := m[name]
	if !ok {
		return 0, `Can't find field "` + name + `"`
	}
	var v string
	switch jsonKind(raw) {
	case '"':
		_ = json.Unmarshal(raw, &v)
	case '0':
		v = string(bytes.TrimSpace(raw))
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, `Field "` + name + `" must be a Number`
	}
	return int(n), ""
}

var knownEntity = map[models.MessageEntityType]bool{
	"mention": true, "hashtag": true, "cashtag": true, "bot_command": true, "url": true,
	"email": true, "phone_number": true, "bold": true, "italic": true, "underline": true,
	"strikethrough": true, "spoiler": true, "blockquote": true, "expandable_blockquote": true,
	"code": true, "pre": true, "text_link": true, "text_mention": true, "custom_emoji": true,
	"bank_card_number": true,
}

// trim removes leading and trailing white space and moves the entities with
// the text, as Telegram does with every message.
func (f formatted) trim() formatted {
	t := strings.TrimLeftFunc(f.text, unicode.IsSpace)
	left := utf16Len(f.text[:len(f.text)-len(t)])
	t = strings.TrimRightFunc(t, unicode.IsSpace)
	if left == 0 && len(t) == len(f.text) {
		return f
	}
	n := utf16Len(t)
	var ents []models.MessageEntity
	for _, e := range f.entities {
		start := max(e.Offset-left, 0)
		end := min(e.Offset+e.Length-left, n)
		if end > start {
			e.Offset, e.Length = start, end-start
			ents = append(ents, e)
		}
	}
	return formatted{t, ents}
}

// htmlTags are the tags Telegram's HTML parse mode supports.
var htmlTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "s": true, "strike": true,
	"del": true, "u": true, "ins": true, "tg-spoiler": true, "tg-emoji": true, "span": true,
	"pre": true, "code": true, "blockquote": true,
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 || c == '\v' || c == '\f'
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// decodeEntity reads the HTML character reference at s[pos] ('&'). It
// reports ok=false for anything Telegram leaves as a literal '&'.
func decodeEntity(s string, pos int) (code rune, next int, ok bool) {
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	end := pos + 1
	var res uint64
	if at(pos+1) == '#' {
		end++
		if at(pos+2) == 'x' {
			end++
			for {
				c := at(end)
				var d uint64
				switch {
				case '0' <= c && c <= '9':
					d = uint64(c - '0')
				case 'a' <= c && c <= 'f':
					d = uint64(c-'a') + 10
				case 'A' <= c && c <= 'F':
					d = uint64(c-'A') + 10
				default:
					d = 16
				}
				if d == 16 {
					break
				}
				res = min(res*16+d, 1<<40)
				end++
			}
		} else {
			for '0' <= at(end) && at(end) <= '9' {
				res = min(res*10+uint64(at(end)-'0'), 1<<40)
				end++
			}
		}
		if res == 0 || res >= 0x10ffff || end-pos >= 10 {
			return 0, 0, false
		}
	} else {
		for 'a' <= at(end) && at(end) <= 'z' || 'A' <= at(end) && at(end) <= 'Z' {
			end++
		}
		switch s[pos+1 : end] {
		case "lt":
			res = '<'
		case "gt":
			res = '>'
		case "amp":
			res = '&'
		case "quot":
			res = '"'
		default:
			return 0, 0, false
		}
	}
	if at(end) == ';' {
		end++
	}
	return rune(res), end, true
}

type htmlError string

func (e htmlError) Error() string { return string(e) }

func htmlErrorf(format string, args ...any) error { return htmlError(fmt.Sprintf(format, args...)) }

// parseHTML is Telegram's HTML parse mode (tdlib's parse_html): it returns
// the visible text and its entities, or the error Telegram gives, with byte
// offsets into s.
func parseHTML(s string) (string, []models.MessageEntity, error) {
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	type open struct {
		tag, arg string
		offset   int // UTF-16 offset in the result
		begin    int // byte offset in the result
	}
	var (
		out      = make([]byte, 0, len(s))
		utf16    int
		stack    []open
		entities []models.MessageEntity
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '&' {
			if code, next, ok := decodeEntity(s, i); ok {
				if 0xd800 <= code && code <= 0xdfff {
					return "", nil, htmlError("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units")
				}
				utf16++
				if code > 0xffff {
					utf16++
				}
				out = utf8.AppendRune(out, code)
				i = next - 1
				continue
			}
		}
		if c != '<' {
			if c&0xc0 != 0x80 {
				utf16++
				if c >= 0xf0 {
					utf16++
				}
			}
			out = append(out, c)
			continue
		}

		begin := i
		i++
		if at(i) != '/' {
			for !isHTMLSpace(at(i)) && at(i) != '>' {
				i++
			}
			if at(i) == 0 {
				return "", nil, htmlErrorf("Unclosed start tag at byte offset %d", begin)
			}
			tag := strings.ToLower(s[begin+1 : i])
			if !htmlTags[tag] {
				return "", nil, htmlErrorf("Unsupported start tag %q at byte offset %d", tag, begin)
			}
			arg := ""
			for at(i) != '>' {
				for at(i) != 0 && isHTMLSpace(at(i)) {
					i++
				}
				if at(i) == '>' {
					break
				}
				nameBegin := i
				for !isHTMLSpace(at(i)) && at(i) != '=' && at(i) != '>' {
					i++
				}
				name := s[nameBegin:i]
				if name == "" {
					return "", nil, htmlErrorf("Empty attribute name in the tag %q at byte offset %d", tag, begin)
				}
				for at(i) != 0 && isHTMLSpace(at(i)) {
					i++
				}
				if at(i) != '=' {
					if tag == "blockquote" && name == "expandable" {
						arg = "expandable"
						continue
					}
					return "", nil, htmlErrorf("Expected equal sign in declaration of an attribute of the tag %q at byte offset %d", tag, begin)
				}
				i++
				for at(i) != 0 && isHTMLSpace(at(i)) {
					i++
				}
				if at(i) == 0 {
					return "", nil, htmlErrorf("Unclosed start tag %q at byte offset %d", tag, begin)
				}
				var value string
				if q := at(i); q != '\'' && q != '"' {
					tokenBegin := i
					for isAlnum(at(i)) || at(i) == '.' || at(i) == '-' {
						i++
					}
					value = strings.ToLower(s[tokenBegin:i])
					if !isHTMLSpace(at(i)) && at(i) != '>' {
						return "", nil, htmlErrorf("Unexpected end of name token at byte offset %d", tokenBegin)
					}
				} else {
					i++
					var v []byte
					for at(i) != q && at(i) != 0 {
						if at(i) == '&' {
							if code, next, ok := decodeEntity(s, i); ok {
								v = utf8.AppendRune(v, code)
								i = next
								continue
							}
						}
						v = append(v, s[i])
						i++
					}
					if at(i) == q {
						i++
					}
					value = string(v)
				}
				if at(i) == 0 {
					return "", nil, htmlErrorf("Unclosed start tag at byte offset %d", begin)
				}
				switch {
				case tag == "a" && name == "href":
					arg = value
				case tag == "code" && name == "class" && strings.HasPrefix(value, "language-"):
					arg = value[len("language-"):]
				case tag == "span" && name == "class" && strings.HasPrefix(value, "tg-"):
					arg = value[len("tg-"):]
				case tag == "tg-emoji" && name == "emoji-id":
					arg = value
				}
			}
			if tag == "span" && arg != "spoiler" {
				return "", nil, htmlErrorf(`Tag "span" must have class "tg-spoiler" at byte offset %d`, begin)
			}
			stack = append(stack, open{tag: tag, arg: arg, offset: utf16, begin: len(out)})
			continue
		}

		// An end tag.
		if len(stack) == 0 {
			return "", nil, htmlErrorf("Unexpected end tag at byte offset %d", begin)
		}
		for !isHTMLSpace(at(i)) && at(i) != '>' {
			i++
		}
		endTag := strings.ToLower(s[begin+2 : i])
		for isHTMLSpace(at(i)) && at(i) != 0 {
			i++
		}
		if at(i) != '>' {
			return "", nil, htmlErrorf("Unclosed end tag at byte offset %d", begin)
		}
		top := stack[len(stack)-1]
		if endTag != "" && endTag != top.tag {
			return "", nil, htmlErrorf(`Unmatched end tag at byte offset %d, expected "</%s>", found "</%s>"`, begin, top.tag, endTag)
		}
		stack = stack[:len(stack)-1]
		if utf16 <= top.offset {
			continue
		}
		e := models.MessageEntity{Offset: top.offset, Length: utf16 - top.offset}
		switch top.tag {
		case "i", "em":
			e.Type = models.MessageEntityTypeItalic
		case "b", "strong":
			e.Type = models.MessageEntityTypeBold
		case "s", "strike", "del":
			e.Type = models.MessageEntityTypeStrikethrough
		case "u", "ins":
			e.Type = models.MessageEntityTypeUnderline
		case "tg-spoiler", "span":
			e.Type = models.MessageEntityTypeSpoiler
		case "blockquote":
			e.Type = models.MessageEntityTypeBlockquote
			if top.arg == "expandable" {
				e.Type = models.MessageEntityTypeExpandableBlockquote
			}
		case "tg-emoji":
			id, err := strconv.ParseInt(top.arg, 10, 64)
			if err != nil || id == 0 {
				return "", nil, htmlError("Invalid custom emoji identifier specified")
			}
			e.Type, e.CustomEmojiID = models.MessageEntityTypeCustomEmoji, top.arg
		case "a":
			link := top.arg
			if link == "" {
				link = string(out[top.begin:])
			}
			if id, ok := mentionLink(link); ok {
				e.Type = models.MessageEntityTypeTextMention
				e.User = &models.User{ID: id}
			} else if checked, ok := checkedLink(link); ok {
				e.Type, e.URL = models.MessageEntityTypeTextLink, checked
			} else {
				continue
			}
		case "pre":
			if n := len(entities); n > 0 && entities[n-1].Type == models.MessageEntityTypeCode &&
				entities[n-1].Offset == e.Offset && entities[n-1].Length == e.Length && entities[n-1].Language != "" {
				entities[n-1].Type = models.MessageEntityTypePre
				continue
			}
			e.Type = models.MessageEntityTypePre
		case "code":
			if n := len(entities); n > 0 && entities[n-1].Type == models.MessageEntityTypePre &&
				entities[n-1].Offset == e.Offset && entities[n-1].Length == e.Length && top.arg != "" {
				entities[n-1].Language = top.arg
				continue
			}
			e.Type, e.Language = models.MessageEntityTypeCode, top.arg
		}
		entities = append(entities, e)
	}
	if len(stack) > 0 {
		return "", nil, htmlErrorf("Can't find end tag corresponding to start tag %q", stack[len(stack)-1].tag)
	}
	for i := range entities {
		if entities[i].Type == models.MessageEntityTypeCode {
			entities[i].Language = ""
		}
	}
	sort.SliceStable(entities, func(i, j int) bool {
		if entities[i].Offset != entities[j].Offset {
			return entities[i].Offset < entities[j].Offset
		}
		return entities[i].Length > entities[j].Length
	})
	return string(out), entities, nil
}

// mentionLink recognises tg://user?id=N links, which become text mentions.
func mentionLink(link string) (int64, bool) {
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "tg" || u.Host != "user" {
		return 0, false
	}
	id, err := strconv.ParseInt(u.Query().Get("id"), 10, 64)
	return id, err == nil && id > 0
}

// checkedLink approximates Telegram's link check: a link without a scheme
// gets http://, and a link that is not a URL makes no entity.
func checkedLink(link string) (string, bool) {
	link = strings.TrimSpace(link)
	if link == "" || strings.ContainsAny(link, " \n\t") {
		return "", false
	}
	if !strings.Contains(link, "://") && !strings.HasPrefix(link, "tg:") && !strings.HasPrefix(link, "mailto:") {
		link = "http://" + link
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", false
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
		if u.Path == "" {
			link += "/"
		}
	case "tg", "ton", "mailto":
	default:
		return "", false
	}
	return link, true
}

// commandEntities finds bot commands in a user's text as Telegram does:
// /[a-zA-Z0-9_]{1,64} with an optional @username of 3 to 32 characters, not
// inside a word.
func commandEntities(text string) []models.MessageEntity {
	var ents []models.MessageEntity
	isWord := func(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
	isCmd := func(c byte) bool { return isAlnum(c) || c == '_' }
	for i := 0; i < len(text); i++ {
		if text[i] != '/' {
			continue
		}
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			if isWord(prev) || prev == '/' || prev == '<' || prev == '>' {
				continue
			}
		}
		j := i + 1
		for j < len(text) && isCmd(text[j]) {
			j++
		}
		if n := j - i - 1; n < 1 || n > 64 {
			continue
		}
		end := j
		if j < len(text) && text[j] == '@' {
			k := j + 1
			for k < len(text) && isCmd(text[k]) {
				k++
			}
			if n := k - j - 1; n < 3 || n > 32 {
				continue
			}
			end = k
		}
		if end < len(text) {
			next, _ := utf8.DecodeRuneInString(text[end:])
			if isWord(next) || next == '/' || next == '<' || next == '>' {
				continue
			}
		}
		ents = append(ents, models.MessageEntity{
			Type:   models.MessageEntityTypeBotCommand,
			Offset: utf16Len(text[:i]),
			Length: utf16Len(text[i:end]),
		})
		i = end - 1
	}
	return ents
}
