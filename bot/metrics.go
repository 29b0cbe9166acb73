package bot

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
)

// counters are what this process did since it started.
type counters struct {
	applied, failed, sent, dropped, limited, blocked, jobs, imports, panics, answersDropped atomic.Int64
	// groupLost counts the times the coordinators' group became
	// unreachable.
	groupLost atomic.Int64
}

// Metrics serves the counters of this process and the database's gauges
// in Prometheus' text format. No label carries personal data.
func (b *Bot) Metrics() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g, err := b.db.ReadGauges(r.Context())
		if err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		for _, m := range []struct {
			name, kind, help string
			value            int64
		}{
			{"polku_updates_applied_total", "counter", "Updates this process applied.", b.count.applied.Load()},
			{"polku_updates_given_up_total", "counter", "Updates this process gave up after repeated failures.", b.count.failed.Load()},
			{"polku_messages_sent_total", "counter", "Messages and edits this process sent to Telegram.", b.count.sent.Load()},
			{"polku_messages_dropped_total", "counter", "Messages Telegram refused for good.", b.count.dropped.Load()},
			{"polku_telegram_429_total", "counter", "Too Many Requests answers from Telegram.", b.count.limited.Load()},
			{"polku_chats_blocked_total", "counter", "Chats found blocked while sending.", b.count.blocked.Load()},
			{"polku_jobs_done_total", "counter", "Reminders, follow-up questions and notices this process turned into messages.", b.count.jobs.Load()},
			{"polku_catalogue_imports_total", "counter", "Catalogue files imported through the bot.", b.count.imports.Load()},
			{"polku_button_answers_dropped_total", "counter", "Answers to button presses dropped because Telegram was slow to take them: only the spinner ran longer.", b.count.answersDropped.Load()},
			{"polku_panics_total", "counter", "Panics this process recovered from, in sending, jobs and their loops.", b.count.panics.Load()},
			{"polku_updates_waiting", "gauge", "Updates in the inbox not yet applied.", g.UpdatesWaiting},
			{"polku_messages_waiting", "gauge", "Messages in the outbox not yet sent.", g.MessagesWaiting},
			{"polku_contact_requests_open", "gauge", "Requests of the intake to be contacted, not yet handled.", g.RequestsOpen},
			{"polku_cases_open", "gauge", "Cases handed to a person and not closed.", g.CasesOpen},
			{"polku_cases_unclaimed", "gauge", "Open cases no coordinator has claimed.", g.CasesUnclaimed},
			{"polku_chats_blocked", "gauge", "Chats that blocked the bot.", g.ChatsBlocked},
			{"polku_families", "gauge", "Families who agreed to the privacy notice.", g.Families},
			{"polku_coordinators_group_unreachable", "gauge", "1 while the bot cannot write in the coordinators' group (removed, or without its rights): cases wait.", g.GroupsDown},
			{"polku_coordinators_group_lost_total", "counter", "Times this process found the coordinators' group unreachable.", b.count.groupLost.Load()},
		} {
			fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %d\n", m.name, m.help, m.name, m.kind, m.name, m.value)
		}
	})
}

// Degraded lists what keeps the bot from doing its whole work while it
// runs (no personal data): an operator's /healthz shows it. Empty when all
// is well.
func (b *Bot) Degraded(ctx context.Context) []string {
	var why []string
	lost := b.lost(ctx)
	for _, g := range b.groups {
		if down, ok := lost[g]; ok {
			why = append(why, fmt.Sprintf("the coordinators' group %d is unreachable since %s: the bot was removed from it or lost its rights; its cases wait",
				g, down.In(b.cfg.Location).Format(time.RFC3339)))
		}
	}
	return why
}
