package console

import (
	"context"
	"fmt"

	"polku/internal/telegramtest"
)

// neighbours is how many fictional families :neighbours adds: as many as
// the smallest group a campaign may go to.
const neighbours = 5

// neighbourBase starts the chat IDs of those families, far from the
// player's and from those :new makes.
const neighbourBase = 2_000_000_000_000

// joinSteps are the presses (by label, in English) and texts of a family
// that goes through the questions as quickly as a person can: Kuusamo, one
// child of 7–12, nature, no contact, and yes to news.
var joinSteps = []string{"/start", "[Let's start]", "[Kuusamo]", "[👪 A parent or carer]", "[✅ I agree]", "[➕ 7–12]", "[Done ✔️]", "[🌲 Nature]", "[Done ✔️]",
	"[Done ✔️]", "[Skip]", "[Done ✔️]", "[Done ✔️]", "[Skip]", "[No contact needed]", "[✅ Yes, save]", "[✅ Yes, tell me]"}

// addNeighbours has fictional families go through the questions with the
// real bot, so that the console's person can send a campaign (it goes to
// 5 families at the least) and see a report with some figures. What the
// bot tells them is not shown.
func (c *consoleState) addNeighbours(ctx context.Context) {
	base := neighbourBase + c.now().UnixMilli()*10
	for i := range neighbours {
		u := telegramtest.User{ID: base + int64(i), FirstName: fmt.Sprintf("Neighbour %d", i+1), LanguageCode: "en"}
		for _, step := range joinSteps {
			if err := c.act(ctx, u, step); err != nil {
				fmt.Fprintf(c.out, "(a neighbouring family got stuck at %s: %v)\n", step, err)
				return
			}
		}
	}
	fmt.Fprintf(c.out, "(%d fictional families in Kuusamo with a child of 7–12 finished the questions and said yes to news)\n", neighbours)
}

// act sends one step of u's and waits for the bot to answer it.
func (c *consoleState) act(ctx context.Context, u telegramtest.User, step string) error {
	if len(step) > 2 && step[0] == '[' && step[len(step)-1] == ']' {
		label := step[1 : len(step)-1]
		msg, data, ok := newestButton(c.fake.Messages(u.ID), label)
		if !ok {
			return fmt.Errorf("no button %q", label)
		}
		if _, err := c.fake.Press(u, msg, data); err != nil {
			return err
		}
	} else {
		c.fake.SendText(u, step)
	}
	c.wait(ctx)
	return nil
}

// newestButton is the newest of the bot's messages with a button labelled
// label: the message and the button's data.
func newestButton(msgs []telegramtest.Message, label string) (int, string, bool) {
	for i := len(msgs) - 1; i >= 0; i-- {
		if !msgs[i].FromBot {
			continue
		}
		for _, row := range msgs[i].Inline {
			for _, b := range row {
				if b.Text == label {
					return msgs[i].ID, b.Data, true
				}
			}
		}
	}
	return 0, "", false
}
