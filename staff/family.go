package staff

import (
	"context"
	"strings"

	"polku"
	"polku/flows"
)

// The family's side of a case, in the transaction of the family's update:
// opening (or reopening) the case, copying the family's messages to its
// topic, and taking the topic away when the family withdraws or erases
// its data.

// MaxCaseBacklog is how many messages may wait for a case's topic before
// what the family sends is held.
const MaxCaseBacklog = 10

// CaseTx is what the family's side of a case needs of the store, in the
// transaction of the family's update.
type CaseTx interface {
	// OpenCase opens the family's case, or opens it again, and says
	// what it did and how the case was before.
	OpenCase(ctx context.Context, r CaseRequest) (c, before polku.Case, did Opening, err error)
	// FamilyCase is the family's case; LockFamilyCase the same, locked
	// to be erased. ENOTFOUND for none.
	FamilyCase(ctx context.Context) (polku.Case, error)
	LockFamilyCase(ctx context.Context) (polku.Case, error)
	// CallRequested is the number a family asked to be called at.
	CallRequested(ctx context.Context, chat int64) (string, error)
	FamilyChat(ctx context.Context, chat int64) (FamilyChat, error)
	// OnDuty are the coordinators on duty.
	OnDuty(ctx context.Context) ([]polku.Coordinator, error)
	// Holding is how many of a case's messages are held; Backlog how
	// many wait to be sent to its topic; Hold holds one more.
	Holding(ctx context.Context, caseID int64) (int, error)
	Backlog(ctx context.Context, caseID int64) (int, error)
	Hold(ctx context.Context, caseID int64, message int) error
	Count(ctx context.Context, kind, municipality string) error
	// CountCase counts what happened to a case for the report, by its
	// municipality: "opened", "closed_OUTCOME", "feedback_SCORE".
	CountCase(ctx context.Context, what, municipality string) error
	// CountCaseShared moves an open case's count as opened to its
	// municipality, told now that its answers are shared.
	CountCaseShared(ctx context.Context, c polku.Case) error
}

// CaseRequest is what a family's update asks of its case.
type CaseRequest struct {
	Share, Urgent       bool
	Municipality, Bands string
}

// Opening is what opening a case did.
type Opening int

const (
	// WasOpen: the case was open already.
	WasOpen Opening = iota
	// New: a new case.
	New
	// Reopened: a closed case opened again.
	Reopened
)

// Cases is what the coordinators get of a family's case.
type Cases struct {
	cfg Config
}

// NewCases returns the family's side of cases with cfg.
func NewCases(cfg Config) *Cases { return &Cases{cfg: cfg} }

// bands lists the age bands of the family's children, for the topic.
func bands(a polku.Answers) string {
	var bs []string
	for _, band := range polku.AgeBands {
		if a.Children[band] > 0 {
			bs = append(bs, string(band))
		}
	}
	return strings.Join(bs, ",")
}

// Open opens the family's case (or opens it again), and tells the
// coordinators: a new case gets its topic with the summary pinned; a
// reopened one is opened again; an urgent one alerts the coordinators on
// duty.
//
// written reports that the case's summary was written (or rewritten) as it
// is now, so the step need not refresh it again.
func (s *Cases) Open(ctx context.Context, tx CaseTx, conv flows.Conversation, share, urgent bool) (c polku.Case, ms []Message, written bool, err error) {
	req := CaseRequest{Share: share, Urgent: urgent}
	if share {
		if m := conv.Answers.Municipality; m != "other" {
			req.Municipality = m
		}
		req.Bands = bands(conv.Answers)
	}
	c, before, did, err := tx.OpenCase(ctx, req)
	if err != nil {
		return c, nil, false, err
	}
	if did == New {
		if err := tx.Count(ctx, "case_opened", c.Municipality); err != nil {
			return c, nil, false, err
		}
		if err := tx.CountCase(ctx, "opened", c.Municipality); err != nil {
			return c, nil, false, err
		}
	}
	if did == WasOpen && c.Shared && !before.Shared && c.Municipality != before.Municipality {
		// The case was counted as opened before its municipality was
		// told.
		if err := tx.CountCaseShared(ctx, c); err != nil {
			return c, nil, false, err
		}
	}
	if !s.cfg.HasGroup {
		return c, nil, true, nil
	}
	if did == Reopened && before.Group != 0 && c.Group != before.Group {
		// The family lives elsewhere now: the case goes on in that
		// municipality's group, as a new topic; the old group's topic,
		// with the family's words, goes.
		did = New
		if before.Thread != 0 {
			ms = append(ms, Message{To: Thread, Kind: DeleteTopic, Thread: before.Thread, Group: before.Group})
		}
		ms = append(ms, Message{To: Thread, Group: before.Group, Lines: []Line{L("coord.reopened_elsewhere", map[string]any{"ID": c.ID})}})
	}
	switch did {
	case New:
		written = true
		lines, err := s.summary(ctx, tx, c, conv)
		if err != nil {
			return c, nil, false, err
		}
		ms = append(ms, Message{To: Topic, Kind: PinSummary, Case: c.ID, Lines: lines, Buttons: CaseKeys(c)})
	case Reopened:
		ms = append(ms, Message{To: Topic, Kind: ReopenTopic, Case: c.ID},
			Message{To: Topic, Case: c.ID, Lines: []Line{L("case.reopened", nil)}})
	}
	shared := did != New && c.Shared && !before.Shared
	// The topic's title and summary change only with what they show:
	// not for every message the family sends (the group has 20 a minute).
	if shared || urgent && !before.Urgent {
		ms = append(ms, Message{To: Topic, Kind: Retitle, Case: c.ID, Lines: []Line{Raw(TopicTitle(c))}})
	}
	if shared || did == Reopened {
		// The answers now shown, or the buttons of an open case again.
		written = true
		edit, err := s.refresh(ctx, tx, c, conv)
		if err != nil {
			return c, nil, false, err
		}
		ms = append(ms, edit)
	}
	if urgent {
		duty, err := tx.OnDuty(ctx)
		if err != nil {
			return c, nil, false, err
		}
		// The coordinators on duty are mentioned, so Telegram tells them.
		alert := Message{To: Topic, Kind: Alert, Case: c.ID, Lines: []Line{L("case.urgent", map[string]any{"ID": c.ID})}, Mention: duty}
		if len(duty) == 0 {
			alert.Lines = append(alert.Lines, L("case.urgent_nobody", nil))
		}
		ms = append(ms, alert)
	}
	return c, ms, written, nil
}

// summary is the case's summary in the transaction of the family's
// update.
func (s *Cases) summary(ctx context.Context, tx CaseTx, c polku.Case, conv flows.Conversation) ([]Line, error) {
	phone := ""
	if !c.Shared {
		var err error
		if phone, err = tx.CallRequested(ctx, c.ChatID); err != nil {
			return nil, err
		}
	}
	return Summary(c, conv, phone), nil
}

// refresh writes the case's pinned summary again. The summary's message
// is named by the case and found when the edit is sent: it may not have
// been sent yet when the edit is queued.
func (s *Cases) refresh(ctx context.Context, tx CaseTx, c polku.Case, conv flows.Conversation) (Message, error) {
	lines, err := s.summary(ctx, tx, c, conv)
	if err != nil {
		return Message{}, err
	}
	return Message{To: Topic, Kind: EditSummary, Case: c.ID, Lines: lines, Buttons: CaseKeys(c)}, nil
}

// Refresh refreshes the summary of the family's case, if it has one,
// after its answers or its contact choice changed. It runs once, after the
// step's effects are stored, so it shows all of them.
func (s *Cases) Refresh(ctx context.Context, tx CaseTx, conv flows.Conversation) ([]Message, error) {
	if !s.cfg.HasGroup {
		return nil, nil
	}
	c, ok, err := familyCase(ctx, tx)
	if !ok || err != nil {
		return nil, err
	}
	edit, err := s.refresh(ctx, tx, c, conv)
	return []Message{edit}, err
}

// familyCase is the family's case; ok is false for none.
func familyCase(ctx context.Context, tx CaseTx) (c polku.Case, ok bool, err error) {
	c, err = tx.FamilyCase(ctx)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return c, false, nil
	}
	return c, err == nil, err
}

// Relay copies a family's message (in chat) to its case's topic, opening
// the case again when it was closed. An edited message is copied again,
// as it reads now, after a line that says so: a copy is the family's
// message whole (media, line breaks), and the line keeps it from passing
// for a new one. Each message copied gets a receipt in the family's chat
// (Received).
//
// A family's messages come faster than the group takes them (about 20 a
// minute) only in a flood; then, past MaxCaseBacklog copies waiting for the
// topic, its messages are held (their numbers kept, in order) and the topic
// gets one notice with a button that brings them in: the backlog stays
// bounded, other cases keep their turn, and nothing is lost. An urgent
// message or an edit is never held.
func (s *Cases) Relay(ctx context.Context, tx CaseTx, chat int64, conv flows.Conversation, e flows.Relay) ([]Message, bool, error) {
	c, ms, written, err := s.Open(ctx, tx, conv, e.Share, e.Urgent)
	if err != nil || !s.cfg.HasGroup {
		return ms, written, err
	}
	if !e.Urgent && !e.Edited {
		held, err := tx.Holding(ctx, c.ID)
		if err != nil {
			return nil, false, err
		}
		waiting, err := tx.Backlog(ctx, c.ID)
		if err != nil {
			return nil, false, err
		}
		if held > 0 || waiting >= MaxCaseBacklog {
			if err := tx.Hold(ctx, c.ID, e.Message); err != nil {
				return nil, false, err
			}
			if held == 0 {
				ms = append(ms, Message{To: Topic, Kind: Held, Case: c.ID})
			}
			return ms, written, nil
		}
	}
	if e.Edited {
		ms = append(ms, Message{To: Topic, Case: c.ID, Lines: []Line{L("case.edited", nil)}})
	}
	// The family sees that the message went on: nothing else answers it
	// while it talks to a person. A held message gets none: it is not on
	// its way to the topic.
	return append(ms, Message{To: Topic, Kind: Copy, Case: c.ID, From: chat, Copied: e.Message},
		Message{To: Family, Kind: Received, Chat: chat, Copied: e.Message}), written, nil
}

// Withdraw takes the family's answers out of the coordinators' sight when
// the family declines the privacy notice (the case stays: the family may
// still talk to a person), or deletes the whole topic when it erases its
// data. It runs before the store forgets the case.
func (s *Cases) Withdraw(ctx context.Context, tx CaseTx, erase bool) ([]Message, error) {
	c, err := tx.FamilyCase(ctx)
	if erase {
		c, err = tx.LockFamilyCase(ctx)
	}
	if polku.ErrorCode(err) == polku.ENOTFOUND || !s.cfg.HasGroup {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if erase {
		// The topic holds copies of what the family wrote: it goes too.
		// The thread is named directly, as the case will be gone. The
		// group is told why in its General topic, so that nobody looks
		// for the case or thinks it lost.
		return []Message{
			{To: Thread, Kind: DeleteTopic, Thread: c.Thread},
			{To: Thread, Lines: []Line{L("case.erased", map[string]any{"ID": c.ID})}},
		}, nil
	}
	if !c.Shared {
		return nil, nil
	}
	c.Shared, c.Municipality, c.Bands = false, "", ""
	fam, err := tx.FamilyChat(ctx, c.ChatID)
	if err != nil {
		return nil, err
	}
	return []Message{
		{To: Topic, Kind: Retitle, Case: c.ID, Lines: []Line{Raw(TopicTitle(c))}},
		{To: Topic, Kind: EditSummary, Case: c.ID, Lines: append(SummaryHead(c, fam.Lang), blank, L("case.withdrawn", nil)), Buttons: CaseKeys(c)},
	}, nil
}
