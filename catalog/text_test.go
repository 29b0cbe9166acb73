package catalog

import (
	"slices"
	"strings"
	"testing"
)

// wordPaste is what Word puts on the clipboard for two paragraphs and a
// bullet, as it reaches a Linked Events description pasted into an
// editor that keeps HTML.
const wordPaste = `<!--[if gte mso 9]><xml>
 <o:OfficeDocumentSettings>
  <o:AllowPNG/>
 </o:OfficeDocumentSettings>
</xml><![endif]--><!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:View>Normal</w:View>
  <w:Zoom>0</w:Zoom>
  <w:TrackMoves/>
 </w:WordDocument>
</xml><![endif]--><!--[if gte mso 10]>
<style>
 /* Style Definitions */
 table.MsoNormalTable {mso-style-name:"Normaali taulukko"; mso-padding-alt:0cm 5.4pt 0cm 5.4pt;}
</style>
<![endif]-->
<p class="MsoNormal"><span style="font-size:12.0pt;font-family:&quot;Calibri&quot;,sans-serif">Tervetuloa <b>perheiden</b> taide<span class="SpellE">pajaan</span>!<o:p></o:p></span></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoListParagraphCxSpFirst" style="text-indent:-18.0pt;mso-list:l0 level1 lfo1"><![if !supportLists]><span style="font-family:Symbol">·<span style="font:7.0pt &quot;Times New Roman&quot;">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;
</span></span><![endif]>Ikä 4&#8211;12 v<o:p></o:p></p>`

// outlookPaste is a message from Outlook, whole document and all.
const outlookPaste = `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<title>Perhekerho</title>
<style><!--
/* Font Definitions */
@font-face {font-family:"Cambria Math"; panose-1:2 4 5 3 5 4 6 3 2 4;}
p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--></head><body lang="FI" link="#0563C1" vlink="#954F72" style="word-wrap:break-word"><div class="WordSection1"><p class="MsoNormal">Hei,<o:p></o:p></p>
<p class="MsoNormal">Lauantaina klo 10&#8211;12 <a href="https://example.org/?a=1&amp;b=2" title="Avautuu > uuteen ikkunaan">ilmoittaudu t&auml;st&auml;</a>.<o:p></o:p></p>
<table class="MsoNormalTable"><tr><td><p class="MsoNormal">Hinta<o:p></o:p></p></td><td><p class="MsoNormal">5&nbsp;&euro;<o:p></o:p></p></td></tr></table></div></body></html>`

func TestPlainText(t *testing.T) {
	tests := map[string]string{
		"<p>Hei&nbsp;<b>kaikki</b></p><p>Tervetuloa!</p>": "Hei kaikki Tervetuloa!",
		"ages < 5 &amp; > 2":                              "ages < 5 & > 2",
		"a<br>b<br/>c":                                    "a b c",
		"x<script>alert(1)</script>y<style>p{}</style>z":  "x y z",
		"<a href=\"https://example.org\">linkki</a>":      "linkki",
		"  lots   of\n\n space\t":                         "lots of space",
		"&lt;b&gt;not a tag&lt;/b&gt;":                    "<b>not a tag</b>",
		"unclosed <b":                                     "unclosed <b",
		"<SCRIPT>x</SCRIPT>ok":                            "ok",
		"<script>never closed":                            "",

		// Word and Outlook.
		wordPaste:    "Tervetuloa perheiden taidepajaan! · Ikä 4–12 v",
		outlookPaste: "Hei, Lauantaina klo 10–12 ilmoittaudu tästä. Hinta 5 €",
		`<p class=MsoNormal><span lang=FI style='mso-ansi-language:FI'>Luonto<span class=GramE>retki</span><o:p></o:p></span></p>`: "Luontoretki",

		// ">" in attribute values.
		`<a title="a > b">x</a>`:                     "x",
		`<img alt="<b>" src="kuva.png">kuva`:         "kuva",
		`<p data-x='1>2' class=x>z</p>`:              "z",
		`<span title="&quot;>&quot;">lainaus</span>`: "lainaus",

		// Comments, also with ">" and tags in them.
		"ennen<!-- a > b --> jälkeen":                                    "ennen jälkeen",
		"Tervetu<!-- kesken -->loa":                                      "Tervetuloa",
		"a<!--[if gte mso 9]><xml><w:Zoom>0</w:Zoom></xml><![endif]-->b": "ab",
		"a <!-- never closed <b>x</b>":                                   "a",
		"a <!> b <!x> c <?xml version=\"1.0\"?> d":                       "a b c d",
		"<!DOCTYPE html><p>sivu</p>":                                     "sivu",

		// Unclosed and broken tags.
		"<p>kesken":                      "kesken",
		"<b>lihavoitu ilman loppua":      "lihavoitu ilman loppua",
		"Lapset <kouluikäiset":           "Lapset <kouluikäiset",
		`loppu <a href="x>y`:             "loppu",
		"a </":                           "a </",
		"<<b>b>":                         "< b>",
		"<title>never closed":            "",
		"<plaintext><b>x</b>":            "",
		"<script/>var x</script>näkyy":   "näkyy",
		"<textarea><p>x</p></textarea>y": "y",

		// Lists, nested and unclosed.
		"<ul><li>Ikä<ul><li>4–6 v</li><li>7–12 v</li></ul></li><li>Hinta 5 €</li></ul>": "Ikä 4–6 v 7–12 v Hinta 5 €",
		"<ol><li>yksi<li>kaksi</ol>kolme":                                               "yksi kaksi kolme",
		"<h2>Otsikko</h2><div>teksti</div><table><tr><td>a</td><td>b</td></tr></table>": "Otsikko teksti a b",

		// Entities.
		"&auml;iti &ndash; is&auml; &#8211; &#x2013; &euro;": "äiti – isä – – €",
		"&amp;lt;p&amp;gt;": "&lt;p&gt;",
		"AT&T &amp R&D":     "AT&T & R&D",

		// Control characters.
		"a\x00b\x07c\u0085d\u009fe":                      "abc de",
		"x<\x01b>piilo</b>y":                             "xpiiloy",
		"rivi\r\ntoinen\rkolmas\tneljäs\vviides\fkuudes": "rivi toinen kolmas neljäs viides kuudes",
	}
	for in, want := range tests {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCellText(t *testing.T) {
	tests := map[string]string{
		"Perhe & lapset":                   "Perhe & lapset",
		"ikä <10 v, <kouluikäiset":         "ikä <10 v, <kouluikäiset",
		"rivi 1\nrivi 2":                   "rivi 1\nrivi 2",
		"rivi 1\r\nrivi 2\rrivi 3":         "rivi 1\nrivi 2\nrivi 3",
		"sarake\tväli":                     "sarake väli",
		"\x01 alku ja loppu \x7f":          "alku ja loppu",
		"a\x00b\u0085c\vd":                 "ab c d",
		"<p>Tervetuloa</p>\n<p>kaikki</p>": "Tervetuloa kaikki",
		"Tom &amp; Jerry":                  "Tom & Jerry",
		"kuvaus<!-- muistiinpano -->":      "kuvaus",
	}
	for in, want := range tests {
		if got := cellText(in); got != want {
			t.Errorf("cellText(%q) = %q, want %q", in, got, want)
		}
	}
}

// What families read comes out of a CSV file without markup or control
// characters, whatever a spreadsheet or a copy from a web page put in.
func TestCSVTextsPlain(t *testing.T) {
	file := "organiser;id;title_fi;title_sv;description_fi;categories;municipality;place;address;price;date;start;end;capacity;contact\n" +
		"Esimerkki ry;k1;<b>Perhe</b>kerho\a;\"Familje\tklubb\";\"Rivi 1\r\nRivi 2\x00\x1b\";music;Kuusamo;Talo\x7f;<span>Esimerkkitie 3</span>;free;2026-12-03;17:00;18:00;10;\"040 000 0000\x00\"\n" +
		"Esimerkki ry;k2;Paja;;\"<p>Tervetuloa</p><!--[if gte mso 9]><xml><w:Zoom>0</w:Zoom></xml><![endif]-->\n<p>kaikki &amp; kaverit</p>\";art;Kuusamo;Talo;;free;2026-12-03;17:00;18:00;10;\n"
	acts, err := ReadCSV(strings.NewReader(file), helsinki)
	if err != nil {
		t.Fatal(err)
	}
	type texts struct{ titleFi, titleSv, desc, place, address, contact string }
	want := []texts{
		{"Perhekerho", "Familje klubb", "Rivi 1\nRivi 2", "Talo", "Esimerkkitie 3", "040 000 0000"},
		{"Paja", "", "Tervetuloa kaikki & kaverit", "Talo", "", ""},
	}
	for i, a := range acts {
		got := texts{a.Title["fi"], a.Title["sv"], a.Description["fi"], a.Place.Name, a.Place.Address, a.Contact}
		if got != want[i] {
			t.Errorf("activity %s:\n got %q\nwant %q", a.ExternalID, got, want[i])
		}
	}
}

// The same for a Linked Events event, whose texts are HTML.
func TestLETextsPlain(t *testing.T) {
	event := `{"id": "kuv:e900", "publisher": "kuv:org-9",
		"name": {"fi": "Kerho\u0007 <b>perheille</b>\u001b", "sv": "<span title=\"a > b\">Klubb</span>"},
		"short_description": {"fi": "<!--[if gte mso 9]><xml><w:Zoom>0</w:Zoom></xml><![endif]--><p class=MsoNormal>Tervetuloa&#1;!</p>"},
		"provider_contact_info": "maija@example.org\u0000<br>040 000 0000",
		"keywords": [{"id": "kuv:k-perhe", "name": {"fi": "perheet"}}],
		"location": {"id": "kuv:p-1", "name": {"fi": "Talo\u0085 <i>2</i>"}, "street_address": {"fi": "Tie\u0000 3"}},
		"start_time": "2027-01-16T10:00:00Z"}`
	acts, err := ReadLinkedEvents(strings.NewReader(event), leOpt)
	if err != nil {
		t.Fatal(err)
	}
	a := acts[0]
	got := []string{a.Title["fi"], a.Title["sv"], a.Description["fi"], a.Contact, a.Place.Name, a.Place.Address}
	want := []string{"Kerho perheille", "Klubb", "Tervetuloa!", "maija@example.org 040 000 0000", "Talo 2", "Tie 3"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
