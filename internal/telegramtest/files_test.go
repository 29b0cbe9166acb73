package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/jpeg"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

const calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Polku//FI\r\nBEGIN:VEVENT\r\nUID:1@polku\r\nSUMMARY:Uinti\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// download fetches a link as a bot would, returning the status and body.
func download(ctx context.Context, t *testing.T, link string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// lastUpdate is the newest update the fake queued, as the bot receives it.
func lastUpdate(ctx context.Context, t *testing.T, s *Server) models.Update {
	t.Helper()
	_, a := call(ctx, t, s, "getUpdates", map[string]any{"offset": -1})
	var ups []models.Update
	if err := json.Unmarshal(a.Result, &ups); err != nil || len(ups) != 1 {
		t.Fatalf("updates = %s, %v", a.Result, err)
	}
	return ups[0]
}

func TestGetFileAndDownloadRoundTrip(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "hi")

	var png bytes.Buffer
	if err := encodePNG(&png, 40, 30); err != nil {
		t.Fatal(err)
	}
	pngBytes := png.Bytes()
	tests := []struct {
		name     string
		send     func() (fileID string)
		wantPath string
		want     []byte // nil: check only that it is a JPEG
	}{
		{
			name: "the bot's document",
			send: func() string {
				m, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID,
					Document: &models.InputFileUpload{Filename: "uinti.ics", Data: strings.NewReader(calendar)}})
				if err != nil {
					t.Fatal(err)
				}
				return m.Document.FileID
			},
			wantPath: "documents/file_0.ics",
			want:     []byte(calendar),
		},
		{
			name: "a user's document",
			send: func() string {
				s.SendFile(alice, "lista.csv", []byte("a,b\n1,2\n"), "")
				return lastUpdate(ctx, t, s).Message.Document.FileID
			},
			wantPath: "documents/file_1.csv",
			want:     []byte("a,b\n1,2\n"),
		},
		{
			name: "the bot's photo",
			send: func() string {
				m, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: alice.ID,
					Photo: &models.InputFileUpload{Filename: "kuva.png", Data: bytes.NewReader(pngBytes)}})
				if err != nil {
					t.Fatal(err)
				}
				return m.Photo[len(m.Photo)-1].FileID
			},
			wantPath: "photos/file_0.jpg",
			want:     pngBytes,
		},
		{
			name: "a user's photo",
			send: func() string {
				s.SendPhoto(alice, "")
				p := lastUpdate(ctx, t, s).Message.Photo
				return p[len(p)-1].FileID
			},
			wantPath: "photos/file_1.jpg",
		},
		{
			name: "a user's photo thumbnail",
			send: func() string {
				return lastUpdate(ctx, t, s).Message.Photo[0].FileID
			},
			wantPath: "photos/file_2.jpg",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.send()
			f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: id})
			if err != nil {
				t.Fatal(err)
			}
			if f.FileID != id || f.FileUniqueID == "" || f.FilePath != tt.wantPath {
				t.Errorf("file = %+v, want file_id %s and path %s", f, id, tt.wantPath)
			}
			status, got := download(ctx, t, b.FileDownloadLink(f))
			if status != http.StatusOK {
				t.Fatalf("download: %d %s", status, got)
			}
			if int64(len(got)) != f.FileSize {
				t.Errorf("downloaded %d bytes, file_size %d", len(got), f.FileSize)
			}
			if tt.want != nil && !bytes.Equal(got, tt.want) {
				t.Errorf("downloaded %q, want %q", got, tt.want)
			}
			if tt.want == nil {
				if _, err := jpeg.DecodeConfig(bytes.NewReader(got)); err != nil {
					t.Errorf("a photo is not a JPEG: %v", err)
				}
			}
			kept, ok := s.File(id)
			if !ok || !bytes.Equal(kept, got) {
				t.Errorf("File(%s) = %d bytes, %v; want what was downloaded", id, len(kept), ok)
			}
		})
	}
	again, err := b.GetFile(ctx, &bot.GetFileParams{FileID: lastUpdate(ctx, t, s).Message.Photo[0].FileID})
	if err != nil || again.FilePath != "photos/file_2.jpg" {
		t.Errorf("getFile again = %+v, %v; want the same path", again, err)
	}
}

func TestUserSendFile(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	tests := []struct {
		name, file, caption string
		data                []byte
		wantMime            string
	}{
		{"calendar", "uinti.ics", "Tästä", []byte(calendar), "text/calendar"},
		{"pdf", "ohje.PDF", "", []byte("%PDF-1.4\n"), "application/pdf"},
		{"no extension sniffed", "README", "", []byte("plain words\n"), "text/plain"},
		{"directories dropped", "a/b/c.txt", "", []byte("x"), "text/plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if id := s.SendFile(alice, tt.file, tt.data, tt.caption); id == 0 {
				t.Fatal("no update")
			}
			m := lastUpdate(ctx, t, s).Message
			d := m.Document
			if d == nil {
				t.Fatalf("message = %+v, want a document", m)
			}
			wantName := tt.file[strings.LastIndex(tt.file, "/")+1:]
			if d.FileName != wantName || d.MimeType != tt.wantMime || d.FileSize != int64(len(tt.data)) || d.FileID == "" || d.FileUniqueID == "" || m.Caption != tt.caption {
				t.Errorf("document = %+v, caption %q; want %s, %s, %d bytes, caption %q", d, m.Caption, wantName, tt.wantMime, len(tt.data), tt.caption)
			}
			got, ok := s.File(d.FileID)
			if !ok || !bytes.Equal(got, tt.data) {
				t.Errorf("File = %q, %v; want %q", got, ok, tt.data)
			}
			last, _ := s.LastMessage(alice.ID)
			if last.Document != wantName || last.FileID != d.FileID || last.MimeType != tt.wantMime || last.FileSize != len(tt.data) {
				t.Errorf("last message = %+v", last)
			}
		})
	}
	if id := s.SendFile(alice, "empty.txt", nil, ""); id != 0 {
		t.Errorf("an empty file was sent as update %d", id)
	}
	// SendDocument still works, with placeholder content of its size.
	s.SendDocument(alice, "vanha.txt", "")
	d := lastUpdate(ctx, t, s).Message.Document
	got, _ := s.File(d.FileID)
	if d.FileName != "vanha.txt" || int64(len(got)) != d.FileSize || d.FileSize != 2048 {
		t.Errorf("SendDocument: %+v with %d bytes", d, len(got))
	}
}

func TestGetFileErrors(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendFile(alice, "iso.bin", make([]byte, 20<<20+1), "")
	big := lastUpdate(ctx, t, s).Message.Document.FileID
	s.SendFile(alice, "juuri.bin", make([]byte, 20<<20), "")
	limit := lastUpdate(ctx, t, s).Message.Document.FileID

	tests := []struct {
		name, fileID, want string // want "" for success
	}{
		{"over 20 MB", big, "Bad Request: file is too big"},
		{"exactly 20 MB", limit, ""},
		{"unknown", "BQACAgIAAxkBAAIBBGZ", "Bad Request: invalid file_id"},
		{"missing", "", "Bad Request: file_id not specified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.GetFile(ctx, &bot.GetFileParams{FileID: tt.fileID})
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantBadRequest(t, err, tt.want)
		})
	}
}

func TestDownloadErrors(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendFile(alice, "uinti.ics", []byte(calendar), "")
	id := lastUpdate(ctx, t, s).Message.Document.FileID
	s.SendFile(alice, "toinen.ics", []byte(calendar), "")
	unasked := lastUpdate(ctx, t, s).Message.Document.FileID
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: id})
	if err != nil {
		t.Fatal(err)
	}
	base := s.URL() + "/file/bot"
	tests := []struct {
		name       string
		link       string
		advance    time.Duration
		wantStatus int
		wantDesc   string // "" for the file's bytes
	}{
		{"link", b.FileDownloadLink(f), 0, http.StatusOK, ""},
		{"wrong token", base + "42:wrong/" + f.FilePath, 0, http.StatusUnauthorized, "Unauthorized"},
		{"no token", s.URL() + "/file/" + f.FilePath, 0, http.StatusNotFound, "Not Found"},
		{"unknown path", base + s.Token() + "/documents/file_99.ics", 0, http.StatusNotFound, "Not Found"},
		{"file_id as path", base + s.Token() + "/" + unasked, 0, http.StatusNotFound, "Not Found"},
		{"within the hour", b.FileDownloadLink(f), 59 * time.Minute, http.StatusOK, ""},
		{"after the hour", b.FileDownloadLink(f), 2 * time.Minute, http.StatusNotFound, "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Advance(tt.advance)
			status, body := download(ctx, t, tt.link)
			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", status, tt.wantStatus, body)
			}
			if tt.wantDesc == "" {
				if string(body) != calendar {
					t.Errorf("body = %q", body)
				}
				return
			}
			var a answer
			if err := json.Unmarshal(body, &a); err != nil || a.OK || a.ErrorCode != tt.wantStatus || a.Description != tt.wantDesc {
				t.Errorf("body = %s, want error %d %q", body, tt.wantStatus, tt.wantDesc)
			}
		})
	}
	// getFile again renews the link.
	if f, err = b.GetFile(ctx, &bot.GetFileParams{FileID: id}); err != nil {
		t.Fatal(err)
	}
	if status, _ := download(ctx, t, b.FileDownloadLink(f)); status != http.StatusOK {
		t.Errorf("after getFile again: %d", status)
	}
	calls := s.Calls()
	if last := calls[len(calls)-1]; last.Method != "file" || last.Status != http.StatusOK {
		t.Errorf("last call = %+v", last)
	}
}

func TestSendDocumentLimits(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "hi")
	upload := func(data string) models.InputFile {
		return &models.InputFileUpload{Filename: "uinti.ics", Data: strings.NewReader(data)}
	}
	tests := []struct {
		name    string
		params  *bot.SendDocumentParams
		advance time.Duration // before the call, for the flood limit
		want    string        // "" for success
	}{
		{"caption of 1024", &bot.SendDocumentParams{Document: upload(calendar), Caption: strings.Repeat("c", 1024)}, time.Minute, ""},
		{"caption of 1025", &bot.SendDocumentParams{Document: upload(calendar), Caption: strings.Repeat("c", 1025)}, time.Minute, "Bad Request: message caption is too long"},
		{"caption of 513 emoji", &bot.SendDocumentParams{Document: upload(calendar), Caption: strings.Repeat("😀", 513)}, time.Minute, "Bad Request: message caption is too long"},
		{"caption counted after HTML", &bot.SendDocumentParams{Document: upload(calendar), Caption: "<b>" + strings.Repeat("c", 1024) + "</b>", ParseMode: models.ParseModeHTML}, time.Minute, ""},
		{"empty file", &bot.SendDocumentParams{Document: upload("")}, time.Minute, "Bad Request: file must be non-empty"},
		{"over 50 MB", &bot.SendDocumentParams{Document: upload(strings.Repeat("x", 50<<20+1))}, time.Minute, "413 Request Entity Too Large"},
		{"burst 1", &bot.SendDocumentParams{Document: upload(calendar)}, time.Minute, ""},
		{"burst 2", &bot.SendDocumentParams{Document: upload(calendar)}, 0, ""},
		{"burst 3", &bot.SendDocumentParams{Document: upload(calendar)}, 0, ""},
		{"flood", &bot.SendDocumentParams{Document: upload(calendar)}, 0, "Too Many Requests: retry after 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Advance(tt.advance)
			tt.params.ChatID = alice.ID
			_, err := b.SendDocument(ctx, tt.params)
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	var tooMany *bot.TooManyRequestsError
	_, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Document: upload(calendar)})
	if !errors.As(err, &tooMany) {
		t.Errorf("err = %v, want *bot.TooManyRequestsError", err)
	}
}

func TestBotDocumentIsObservable(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "/kalenteri")
	_, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID,
		Document: &models.InputFileUpload{Filename: "uinti.ics", Data: strings.NewReader(calendar)},
		Caption:  "Lisää <b>kalenteriin</b>", ParseMode: models.ParseModeHTML})
	if err != nil {
		t.Fatal(err)
	}
	got, ok := s.LastMessage(alice.ID)
	want := Message{Media: "document", Document: "uinti.ics", Caption: "Lisää kalenteriin", MimeType: "text/calendar", FileSize: len(calendar)}
	if !ok || !got.FromBot || got.Media != want.Media || got.Document != want.Document || got.Caption != want.Caption ||
		got.MimeType != want.MimeType || got.FileSize != want.FileSize {
		t.Fatalf("last message = %+v, want %+v", got, want)
	}
	data, ok := s.File(got.FileID)
	if !ok || string(data) != calendar {
		t.Errorf("File = %q, %v; want the calendar", data, ok)
	}
	data[0] = 'X' // a copy: the fake's bytes stay
	if again, _ := s.File(got.FileID); string(again) != calendar {
		t.Error("File returned the fake's own slice")
	}
	if ev := s.Events(0); len(ev) != 1 || ev[0].Message.FileID != got.FileID {
		t.Errorf("events = %+v", ev)
	}
	if _, ok := s.File("nonsense"); ok {
		t.Error("File found an unknown file_id")
	}
}
