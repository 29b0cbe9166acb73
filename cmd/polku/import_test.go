package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"polku/internal/pgtest"
)

const importHeader = "organiser,id,title_fi,categories,municipality,place,price,date,start,end,capacity\n"

// polku import says what is wrong with a file in the words the bot uses
// (one catalogue of messages), refuses a municipality the service does not
// offer, takes one written in lower case, and warns of a session that is
// already over.
func TestImportTellsWhatIsWrong(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	vars := env(map[string]string{"DATABASE_URL": url, "POLKU_LOG_LEVEL": "warn"})
	tests := []struct {
		name, file string
		ok         bool
		want       []string
	}{
		{"muonio.csv", importHeader +
			"Esimerkki ry (kuvitteellinen),retki,Retki,luonto,kuusamo,Metsä,free,2099-12-05,10:00,12:00,10\n" +
			"Esimerkki ry (kuvitteellinen),kerho,Kerho,avaruus,Muonio,Talo,free,2099-12-05,10:00,12:00,0\n", false, []string{
			`Line 3, column categories: unknown category “avaruus” (use nature, art, music, crafts, culture, sport, animals or family)`,
			`Line 3, column municipality: “Muonio” is not one of the service's municipalities (Kuusamo, Kalajoki): no family would see this activity`,
			`Line 3, column capacity: the number of places must be a whole number, at least 1 (the file has “0”)`,
		}},
		{"quote.csv", importHeader + "Esimerkki ry,retki,\"Retki,luonto,Kuusamo,Metsä,free,2099-12-05,10:00,12:00,10\n", false, []string{
			`Line 2: unclosed quote: a cell starts with " and never ends`,
		}},
		{"cp1252.csv", importHeader + "Esimerkki ry,retki,K\xe4sity\xf6,luonto,Kuusamo,Metsä,free,2099-12-05,10:00,12:00,10\n", false, []string{
			`Line 2: the file is not UTF-8 text: in Excel, save it as “CSV UTF-8” and send that file`,
		}},
		{"past.csv", importHeader +
			"Esimerkki ry (kuvitteellinen),retki,Retki,luonto,kuusamo,Metsä,free,2099-12-05,10:00,12:00,10\n" +
			"Esimerkki ry (kuvitteellinen),vanha,Vanha retki,luonto,Kuusamo,Metsä,free,12.12.2020,10:00,12:00,10\n", true, []string{
			"imported 2 activities, 2 sessions",
			"warning: Line 3, column date: already over: 2020-12-12. It is imported, but families cannot sign up for it",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), []string{"import", write(tt.name, tt.file)}, vars, nil, &out, &out)
			if (err == nil) != tt.ok {
				t.Errorf("err = %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks\n%s\ngot\n%s", w, out.String())
				}
			}
		})
	}
	// "kuusamo" was stored as the bot offers it, so families see it.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var m string
	if err := conn.QueryRow(ctx, `SELECT municipality FROM activities WHERE external_id = 'retki'`).Scan(&m); err != nil || m != "Kuusamo" {
		t.Errorf("municipality %q (%v), want Kuusamo", m, err)
	}
}
