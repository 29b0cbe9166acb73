package telegramtest

import (
	"bytes"
	"image"
	"image/jpeg"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// Telegram's file limits for bots: uploads of up to 50 MB, getFile for files
// of up to 20 MB, and download links valid for at least an hour. The fake
// holds links to exactly that hour, so a bot that keeps links for later
// finds out here rather than in production.
const (
	maxUpload   = 50 << 20
	maxDownload = 20 << 20
	linkTTL     = time.Hour
)

// folders are where Telegram puts each kind of file in a file_path, and the
// extension it gives files whose own name does not decide it.
var folders = map[string]struct{ dir, ext string }{
	"photo":      {"photos", ".jpg"},
	"document":   {"documents", ""},
	"sticker":    {"stickers", ".webp"},
	"voice":      {"voice", ".oga"},
	"video":      {"videos", ".mp4"},
	"video_note": {"video_notes", ".mp4"},
	"audio":      {"music", ""},
	"animation":  {"animations", ".mp4"},
}

// mimeTypes are the MIME types Telegram gives documents by extension. The
// table comes before the system's, so that a test's file gets the same type
// on every machine.
var mimeTypes = map[string]string{
	".ics":  "text/calendar",
	".csv":  "text/csv",
	".txt":  "text/plain",
	".html": "text/html",
	".json": "application/json",
	".pdf":  "application/pdf",
	".zip":  "application/zip",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".odt":  "application/vnd.oasis.opendocument.text",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".mp3":  "audio/mpeg",
	".ogg":  "audio/ogg",
	".oga":  "audio/ogg",
	".mp4":  "video/mp4",
}

// mimeOf is the MIME type of a file named name: by extension, else sniffed
// from data when there is any.
func mimeOf(name string, data []byte) string {
	ext := strings.ToLower(path.Ext(name))
	if t := mimeTypes[ext]; t != "" {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	if len(data) > 0 {
		t, _, _ := strings.Cut(http.DetectContentType(data), ";")
		return t
	}
	return "application/octet-stream"
}

// contentLocked is the file's bytes. Files the simulated users send without
// content (stickers, voice, SendPhoto) get a placeholder of their declared
// size on first use: a real JPEG for photos, padded, and text otherwise.
func (f *file) contentLocked() []byte {
	if f.data == nil {
		if f.kind == "photo" {
			f.data = jpegOf(f.width, f.height, f.size)
		} else {
			f.data = filler(f.name, f.size)
		}
	}
	return f.data
}

// jpegOf encodes a grey width×height JPEG, padded with zeros after its end
// marker to size bytes, which decoders ignore.
func jpegOf(width, height, size int) []byte {
	img := image.NewGray(image.Rect(0, 0, max(width, 1), max(height, 1)))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 50})
	if b.Len() < size {
		b.Write(make([]byte, size-b.Len()))
	}
	return b.Bytes()
}

// filler is size bytes of text naming the file they stand in for.
func filler(name string, size int) []byte {
	line := []byte("telegramtest placeholder for " + name + "\n")
	return bytes.Repeat(line, size/len(line)+1)[:size]
}

// pathLocked gives f a file_path, as getFile does, and makes it
// downloadable for linkTTL from now.
func (s *Server) pathLocked(f *file) string {
	if f.path == "" {
		fo := folders[f.kind]
		ext := fo.ext
		if ext == "" {
			ext = cleanExt(f.name)
		}
		n := s.pathSeq[fo.dir]
		s.pathSeq[fo.dir]++
		f.path = fo.dir + "/file_" + strconv.Itoa(n) + ext
		s.paths[f.path] = f
	}
	f.linkUntil = s.now().Add(linkTTL)
	return f.path
}

// cleanExt is the extension of name when it is one a URL can carry as is.
func cleanExt(name string) string {
	ext := path.Ext(name)
	if len(ext) < 2 || len(ext) > 10 {
		return ""
	}
	for i := 1; i < len(ext); i++ {
		if !isAlnum(ext[i]) {
			return ""
		}
	}
	return strings.ToLower(ext)
}

func (s *Server) getFile(r *request) (any, *apiError) {
	id := strings.TrimSpace(r.arg("file_id"))
	if id == "" {
		return nil, badRequest("file_id not specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[id]
	if f == nil {
		return nil, badRequest("invalid file_id")
	}
	if f.size > maxDownload {
		return nil, badRequest("file is too big")
	}
	return struct {
		FileID       string `json:"file_id"`
		FileUniqueID string `json:"file_unique_id"`
		FileSize     int    `json:"file_size,omitempty"`
		FilePath     string `json:"file_path"`
	}{f.id, f.uniqueID, f.size, s.pathLocked(f)}, nil
}

// serveFile serves GET /file/bot<token>/<file_path> as Telegram's file
// server does: the bytes for a path getFile gave in the last hour, 401 for
// another token (a revoked one too) and 404 for anything else, with the
// Bot API's JSON errors.
func (s *Server) serveFile(w http.ResponseWriter, hr *http.Request, r *request, rest string) {
	token, p, _ := strings.Cut(rest, "/")
	var aerr *apiError
	var f *file
	var data []byte
	s.mu.Lock()
	switch {
	case token != s.token:
		aerr = errUnauthorized
	case hr.Method != http.MethodGet && hr.Method != http.MethodHead:
		aerr = errNotFound
	default:
		if f = s.paths[p]; f == nil || s.now().After(f.linkUntil) {
			aerr = errNotFound
		} else {
			data = f.contentLocked()
		}
	}
	s.mu.Unlock()
	if aerr != nil {
		s.record(r, aerr.code, aerr)
		writeJSON(w, aerr.code, errorBody(aerr))
		return
	}
	s.record(r, http.StatusOK, nil)
	w.Header().Set("Content-Type", mimeOf(f.path, nil))
	http.ServeContent(w, hr, path.Base(f.path), time.Time{}, bytes.NewReader(data))
}

// File returns a copy of the bytes of a file by its file_id, such as
// Message.FileID of a document the bot sent: what the bot uploaded, what a
// user sent with SendFile, or the placeholder the fake made up.
func (s *Server) File(fileID string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[fileID]
	if f == nil {
		return nil, false
	}
	return bytes.Clone(f.contentLocked()), true
}

// SendFile sends the file name with content data and a caption from u, as
// a document with its MIME type by extension, and returns the update_id.
// data is copied. It returns 0 and sends nothing for empty data, since
// Telegram's apps do not send empty files.
func (s *Server) SendFile(u User, name string, data []byte, caption string) int64 {
	if len(data) == 0 {
		return 0
	}
	return s.Send(u.ID, 0, u, Content{Kind: "document", FileName: name, Data: data, Caption: caption})
}
