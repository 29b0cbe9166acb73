package bot

import (
	"context"
	"errors"
	"time"

	"polku"
)

// tokenProbe is how often a refused token is tried again while /healthz
// is asked: a token revoked in BotFather stays refused, but a 401 that
// came and went must not fail the health check for good.
const tokenProbe = 30 * time.Second

// errTokenRefused is what serve exits with when Telegram refuses the token
// at start. It never holds the token.
var errTokenRefused = polku.Errorf(polku.EINVALID, "Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): "+
	"the token is wrong or was revoked; copy the bot's current token from @BotFather and start again")

// CheckToken asks Telegram who the bot is (getMe), so that a token
// Telegram refuses stops serve at start with a clear error instead of a
// bot that runs and reaches nobody. Another failure (Telegram or the
// network down) is returned as EUNAVAILABLE: the caller may carry on,
// since polling and the sender try again.
func (b *Bot) CheckToken(ctx context.Context) error {
	var me struct {
		Username string `json:"username"`
	}
	err := b.call(ctx, "getMe", map[string]any{}, &me)
	switch class, _ := classify(err, 0); {
	case err == nil:
		b.me.Lock()
		if b.user == "" && b.cfg.Username == "" {
			b.user = me.Username
		}
		b.me.Unlock()
		return nil
	case class == failToken:
		return errTokenRefused
	default:
		return polku.Errorf(polku.EUNAVAILABLE, "getMe: %v", err)
	}
}

// IsTokenRefused says whether err is CheckToken's refused token.
func IsTokenRefused(err error) bool { return errors.Is(err, errTokenRefused) }

// noteToken records what a Bot API call said of the token: a 401 marks it
// refused (told once, at ERROR: nothing reaches anyone until an operator
// acts), a success clears that.
func (b *Bot) noteToken(err error) {
	if err == nil {
		if b.token.refused.Load() && b.token.refused.Swap(false) {
			b.log.Info("Telegram accepts the bot token again")
		}
		return
	}
	if class, _ := classify(err, 0); class != failToken {
		return
	}
	b.token.mu.Lock()
	b.token.probed = b.wall()
	b.token.mu.Unlock()
	if !b.token.refused.Swap(true) {
		b.log.Error("Telegram refuses the bot token (401): nothing is received or sent; set TELEGRAM_BOT_TOKEN to the token @BotFather gives and restart")
	}
}

// TokenRefused says whether Telegram refuses the bot's token now, for
// /healthz: while it does, the bot reaches nobody. While refused, it asks
// Telegram again at most every tokenProbe.
func (b *Bot) TokenRefused(ctx context.Context) bool {
	if !b.token.refused.Load() {
		return false
	}
	b.token.mu.Lock()
	due := b.wall().Sub(b.token.probed) >= tokenProbe
	if due {
		b.token.probed = b.wall()
	}
	b.token.mu.Unlock()
	if due {
		_ = b.CheckToken(ctx)
	}
	return b.token.refused.Load()
}
