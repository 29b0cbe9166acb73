package bot

import (
	"encoding/json"

	"polku/flows"
	"polku/store"
)

// stored is the conversation as the store keeps it: the flows' document,
// and beside it what the store asks of it (language, talking, draft), so
// that the store never reads the flows' JSON.
func stored(c flows.Conversation) (store.Conversation, error) {
	data, err := json.Marshal(c)
	return store.Conversation{Data: data, Lang: c.Lang, Talking: c.Talking(), Draft: c.Draft()}, err
}
