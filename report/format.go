package report

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"polku/report/sdc"
)

// The marks of hidden figures, the same in every language: "< 5" for a
// count of 1 to 4, a dot for anything else hidden (a count hidden to
// protect one, or a share or mean of too small a group).
const (
	MarkSmall  = "< 5"
	MarkHidden = "•"
)

// nbsp is the no-break space: the thousands separator of Finnish and
// Swedish (and Ukrainian), and the space before "%" and "€".
const nbsp = "\u00a0"

// number writes x with the given decimals as lang writes numbers: a
// decimal comma and a no-break space between thousands in Finnish,
// Swedish and Ukrainian, a point and a comma in English.
func number(lang string, x float64, decimals int) string {
	point, group := ",", nbsp
	if lang == "en" {
		point, group = ".", ","
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if x < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("-")
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}

// signed is number with a "+" before a positive value.
func signed(lang string, x float64, decimals int) string {
	s := number(lang, x, decimals)
	if x > 0 && strings.Trim(s, "0.,") != "" {
		return "+" + s
	}
	return s
}

// brief writes a cell as text does, but a change without its interval:
// for the summary, where the previous period stands in brackets.
func brief(lang string, c Cell) string {
	if c.Kind == KindChange && c.Shown() {
		return signed(lang, c.X, 1)
	}
	return text(lang, c)
}

// text writes a cell as the report shows it in lang.
func text(lang string, c Cell) string {
	switch c.Why {
	case sdc.Shown:
	case sdc.Small:
		return MarkSmall
	default:
		return MarkHidden
	}
	switch c.Kind {
	case KindCount:
		return number(lang, c.X, 0)
	case KindShare:
		if lang == "en" {
			return number(lang, 100*c.X, 0) + "%"
		}
		return number(lang, 100*c.X, 0) + nbsp + "%"
	case KindScore:
		return number(lang, c.X, 1)
	case KindChange:
		return signed(lang, c.X, 1) + " (" + signed(lang, c.Low, 1) + "…" + signed(lang, c.High, 1) + ")"
	case KindMinutes:
		return number(lang, c.X, 0) + nbsp + "min"
	case KindMoney:
		if lang == "en" {
			return "€" + number(lang, c.X, 2)
		}
		return number(lang, c.X, 2) + nbsp + "€"
	}
	return MarkHidden
}

// say is a label in lang, without the picture a chat's button begins
// with: a workbook's header and a chart's font want none.
func say(w Words, lang string, l Label) string {
	if l.ID == "" {
		return l.Text
	}
	return plain(w.Message(lang, l.ID, nil, nil))
}

// plain is a text without the pictures it begins with ("🌲 Nature"):
// symbols such as emoji, the marks and joiners that compose them, and the
// space after them; "≥ 10" keeps its sign.
func plain(s string) string {
	return strings.TrimLeftFunc(s, func(r rune) bool {
		return unicode.Is(unicode.So, r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r)
	})
}

// header is a column's header in lang: the figure, and the period it is
// of.
func header(w Words, lang string, r Report, c Column) string {
	p := r.Period
	if c.Previous {
		p = r.Previous
	}
	return say(w, lang, c.Label) + " " + p.String()
}
