package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"polku/catalog"
	"polku/flows"
	"polku/locales"
	"polku/store"
)

// maxImport is the largest catalogue file the bot takes, in bytes.
const maxImport = 10 << 20

// maxProblems is how many problems of a broken file one answer lists.
const maxProblems = 30

// importDocument imports a catalogue file an operator sent to the bot and
// answers with what it did, or with every problem of the file (then
// nothing is imported). The import is its own transaction and idempotent,
// so a retried update imports the same catalogue again and changes
// nothing.
func (b *Bot) importDocument(ctx context.Context, tx *store.Tx, chat int64, conv flows.Conversation, doc *models.Document) error {
	lang := conv.Lang
	var texts []flows.Text
	data, err := b.download(ctx, doc)
	class, _ := classify(err, chat)
	switch {
	case errors.Is(err, errTooBig):
		texts = []flows.Text{{ID: "import.too_big", Data: map[string]any{"MaxMB": maxImport >> 20}}}
	case class == failRefused:
		// Telegram will not give this file (gone, or too big for a bot):
		// trying again cannot help, so the operator is told at once.
		b.log.Warn("catalogue file could not be downloaded", "chat_id", chat, "err", err)
		texts = []flows.Text{flows.T("import.download_failed")}
	case err != nil:
		return err
	default:
		texts, err = b.importData(ctx, lang, doc.FileName, data)
		if err != nil {
			return err
		}
	}
	saved, err := stored(conv)
	if err != nil {
		return err
	}
	calls := b.render.replies(lang, chat, "", flows.Result{Replies: []flows.Reply{{Text: texts}}})
	outs := make([]store.Out, len(calls))
	for i, c := range calls {
		outs[i] = store.Out{ChatID: chat, Priority: store.PriorityReply, Payload: encode(c)}
	}
	return tx.Save(ctx, saved, outs)
}

var errTooBig = errors.New("file too big")

// telegramDownloadMax is the largest file Telegram lets a bot download.
const telegramDownloadMax = 20 << 20

// download fetches a file a person sent, through the Bot API. Its errors
// carry their class (see classify): the link holds the token, which the
// client masks.
func (b *Bot) download(ctx context.Context, doc *models.Document) ([]byte, error) {
	if doc.FileSize > maxImport || doc.FileSize > telegramDownloadMax {
		return nil, errTooBig
	}
	f, err := b.tg.GetFile(ctx, &tgbot.GetFileParams{FileID: doc.FileID})
	if err != nil {
		return nil, fail(fmt.Errorf("getFile: %w", err), 0)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.tg.FileDownloadLink(f), nil)
	if err != nil {
		return nil, b.http.errorf("download file: %w", err)
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, &tgError{class: failTransient, err: fmt.Errorf("download file: %w", err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &tgError{class: httpStatus(resp.StatusCode), err: fmt.Errorf("download file: %s", resp.Status)}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxImport+1))
	if err != nil {
		return nil, &tgError{class: failTransient, err: fmt.Errorf("download file: %w", err)}
	}
	if len(data) > maxImport {
		return nil, errTooBig
	}
	return data, nil
}

// notACatalogue tells a file that is no catalogue at all (most required
// columns missing from the first line) from a catalogue with mistakes.
func notACatalogue(problems catalog.Problems) bool {
	missing := 0
	for _, p := range problems {
		if p.Line <= 1 && p.Code == catalog.CodeMissingColumn {
			missing++
		}
	}
	return missing >= 5
}

// importData reads and imports a catalogue file and says what happened.
func (b *Bot) importData(ctx context.Context, lang, name string, data []byte) ([]flows.Text, error) {
	offer := catalog.Offer{Municipalities: b.cfg.Municipalities, Now: b.Now()}
	acts, warnings, err := offer.Read(name, bytes.NewReader(data), b.cfg.Location, catalog.LEOptions{})
	var problems catalog.Problems
	switch {
	case errors.As(err, &problems):
		if notACatalogue(problems) {
			return []flows.Text{flows.T("import.unreadable")}, nil
		}
		n := len(problems)
		return []flows.Text{
			{ID: "import.failed", Data: map[string]any{"Count": n}, Count: &n},
			{ID: "import.lines", Data: map[string]any{"Lines": strings.Join(b.render.problemLines(lang, problems), "\n")}},
		}, nil
	case err != nil:
		return []flows.Text{flows.T("import.unreadable")}, nil
	}
	res, err := b.db.ImportCatalogue(ctx, acts, b.Now(), b.cfg.Reminders)
	if err != nil {
		return nil, err
	}
	b.count.imports.Add(1)
	b.log.Info("catalogue imported", "activities", res.Activities, "sessions", res.Sessions, "added", res.Added, "changed", res.Changed, "notices", res.Notices, "warnings", len(warnings))
	b.WakeJobs()
	texts := []flows.Text{{ID: "import.done", Data: map[string]any{
		"Activities": res.Activities, "Sessions": res.Sessions, "Added": res.Added,
		"Changed": res.Changed, "Unchanged": res.Unchanged, "Notices": res.Notices,
	}}}
	if len(warnings) > 0 {
		texts = append(texts, flows.Text{ID: "import.warnings", Data: map[string]any{"Lines": strings.Join(b.render.problemLines(lang, warnings), "\n")}})
	}
	return texts, nil
}

// ProblemLines says the problems (or warnings) of an import in lang, one
// line each, as the bot answers an operator who sent a file: polku import
// prints the same lines, so that both speak of a file in the same words.
func ProblemLines(loc *locales.Bundle, lang string, ps catalog.Problems) []string {
	return renderer{loc: loc}.problemLines(lang, ps)
}

// problemLines is ProblemLines, at most maxProblems lines and "…".
func (r renderer) problemLines(lang string, ps catalog.Problems) []string {
	lines := make([]string, 0, min(len(ps), maxProblems+1))
	for i, p := range ps {
		if i == maxProblems {
			lines = append(lines, "…")
			break
		}
		problem := r.loc.Message(lang, "import.problem."+p.Code, map[string]any{"Value": p.Value, "Want": p.Want}, nil)
		var t flows.Text
		switch {
		case p.Line > 0:
			t = flows.Text{ID: "import.problem", Data: map[string]any{"Line": p.Line, "Column": p.Column, "Problem": problem}}
		case p.Column != "":
			// A Linked Events event has no line: it is named by its ID.
			t = flows.Text{ID: "import.problem_event", Data: map[string]any{"Event": p.Column, "Problem": problem}}
		default:
			t = flows.Text{ID: "import.problem_file", Data: map[string]any{"Problem": problem}}
		}
		lines = append(lines, r.text(lang, t))
	}
	return lines
}
