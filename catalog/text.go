package catalog

import (
	"bytes"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// The texts a family reads (titles, descriptions, places, contacts) end
// up in Telegram messages as they are, so both readers make them plain:
// no markup and no control characters.

// rawText are the elements whose contents the HTML tokenizer reads as
// raw text up to their end tag: none of it is for a reader (scripts,
// styles, a pasted document's title, fallbacks), so it is dropped.
var rawText = map[string]bool{
	"iframe": true, "noembed": true, "noframes": true, "noscript": true, "plaintext": true,
	"script": true, "style": true, "textarea": true, "title": true, "xmp": true,
}

// blocks are the elements that separate words: "<p>a</p><p>b</p>" is
// "a b", while inline elements join ("<b>T</b>ervetuloa", or Word's
// spans around half a word, is one word).
var blocks = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "br": true, "caption": true,
	"center": true, "dd": true, "details": true, "dialog": true, "dir": true, "div": true, "dl": true,
	"dt": true, "fieldset": true, "figcaption": true, "figure": true, "footer": true, "form": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "header": true,
	"hgroup": true, "hr": true, "legend": true, "li": true, "main": true, "menu": true, "nav": true,
	"ol": true, "p": true, "pre": true, "section": true, "summary": true, "table": true,
	"tbody": true, "td": true, "tfoot": true, "th": true, "thead": true, "tr": true, "ul": true,
}

// plainText makes plain text of an HTML fragment: text is kept, entities
// decoded; tags, comments (Word's conditional comments with what they
// hold) and the contents of raw-text elements such as script and style
// go; block elements separate words. White space collapses to single
// spaces, since Polku shows short plain texts, and control characters
// go. A "<" that opens no tag is text ("ages < 5"), and so is a tag left
// open at the end with no ">" after it ("unclosed <b").
func plainText(s string) string {
	// Control characters go before tokenizing, so that removing one can
	// never join "<" and a letter into a tag.
	z := html.NewTokenizer(strings.NewReader(controlsOut(s)))
	var b strings.Builder
	skip := "" // the raw-text element whose contents are being dropped
	for {
		switch z.Next() {
		case html.ErrorToken:
			// The end (a string reader fails with nothing else). The
			// tokenizer drops a tag cut off by it, which is text when
			// nothing closed it.
			if rest := z.Raw(); skip == "" && !bytes.ContainsRune(rest, '>') {
				appendText(&b, string(rest))
			}
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			if skip == "" {
				// Again: an entity may write one (&#1;).
				appendText(&b, controlsOut(string(z.Text())))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			// A self-closing <script/> still opens raw text, as the
			// tokenizer reads it.
			name := tagName(z)
			if rawText[name] && skip == "" {
				skip = name
			}
			if blocks[name] || rawText[name] {
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name := tagName(z)
			if name == skip {
				skip = ""
			}
			if blocks[name] || rawText[name] {
				b.WriteByte(' ')
			}
		}
	}
}

func tagName(z *html.Tokenizer) string {
	name, _ := z.TagName()
	return string(name)
}

// appendText adds a text, keeping a "<" the text before ended with from
// opening a tag with it: in "<<b>b>" the tag goes, and what is left must
// not be "<b>".
func appendText(b *strings.Builder, t string) {
	if t == "" {
		return
	}
	if s := b.String(); strings.HasSuffix(s, "<") && opensTag(t[0]) {
		b.WriteByte(' ')
	}
	b.WriteString(t)
}

// opensTag reports whether c after "<" makes a tag, an end tag or a
// comment of it.
func opensTag(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!' || c == '?'
}

// cellText is the plain text of a CSV cell a family reads. A cell with
// markup (a tag, a comment, an entity) is HTML, copied from a web page or
// exported by another system, and is read as Linked Events texts are; in
// a plain cell the line breaks the coordinator typed stay.
func cellText(s string) string {
	if hasMarkup(s) {
		return plainText(s)
	}
	return strings.TrimSpace(controlsOut(s))
}

// hasMarkup reports whether s is more than text to the HTML tokenizer.
func hasMarkup(s string) bool {
	if html.UnescapeString(s) != s {
		return true
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.TextToken:
		default:
			return true
		}
	}
}

// controlsOut removes control characters except the line feed. Those
// that are white space stay apart words and lines: a tab (and vertical
// tab, form feed, next line) becomes a space and a carriage return a
// line feed, as the HTML tokenizer reads it. Bytes that
// are not UTF-8 become U+FFFD.
func controlsOut(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t', r == '\v', r == '\f', r == '\u0085':
			return ' '
		case r == '\r':
			return '\n'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}
