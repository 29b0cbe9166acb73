package flows

import (
	"encoding/json"

	"polku"
)

// Draft reports whether the conversation holds a half-done intake: answers
// given, no profile saved yet. Such answers are kept only for a while
// (Config.Drafts in bot); then the intake starts afresh.
func (c Conversation) Draft() bool {
	return !c.Profile && !answersEmpty(c.Answers)
}

// answersEmpty reports whether no intake answer was given yet: every
// field of the answers is left out of their JSON when unset, so a field
// added later counts without being listed here.
func answersEmpty(a polku.Answers) bool {
	b, err := json.Marshal(a)
	return err == nil && string(b) == "{}"
}

// Restart is a stored conversation whose draft was left too long, started
// afresh: the welcome again, in the language the person had, the answers
// gone. The sequence number grows so that the old question's buttons are
// recognised as stale.
func Restart(data []byte) ([]byte, error) {
	var c Conversation
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, err
	}
	return json.Marshal(Conversation{
		Flow: c.Flow, State: Welcome, Lang: c.Lang, LangChosen: c.LangChosen,
		Seq: c.Seq + 1, Updated: c.Updated,
	})
}
