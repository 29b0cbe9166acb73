package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"polku"
	"polku/bot"
	"polku/store"
)

// coordination is how the coordinators work: their group, office hours,
// safety words, the wellbeing card's terms and the providers who check it.
type coordination struct {
	Group       int64
	GroupLang   string
	ShowNames   bool
	Hours       polku.OfficeHours
	Safety      polku.SafetyWords
	Crisis      []string
	NudgeAfter  time.Duration
	CardDays    int
	CardVisits  int
	Templates   string
	MemberCache time.Duration
	// ProviderLinkDays is how long a provider's link works, VerifyPerHour
	// how many cards one provider may check within an hour.
	ProviderLinkDays int
	VerifyPerHour    int
}

// coordinators reads the coordinators' settings.
func coordinators(get func(name, def string) string, loc *time.Location, errs *[]error) coordination {
	var c coordination
	if v := get("POLKU_COORDINATORS_GROUP", ""); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id >= 0 {
			*errs = append(*errs, fmt.Errorf("POLKU_COORDINATORS_GROUP: want the supergroup's chat ID, such as -1001234567890, got %q", v))
		}
		c.Group = id
	}
	c.GroupLang = get("POLKU_COORDINATORS_LANGUAGE", "fi")
	switch v := get("POLKU_COORDINATOR_NAMES", "0"); v {
	case "0":
	case "1":
		c.ShowNames = true
	default:
		*errs = append(*errs, fmt.Errorf("POLKU_COORDINATOR_NAMES: 1 or 0, got %q", v))
	}
	var err error
	if c.Hours, err = polku.ParseOfficeHours(get("POLKU_OFFICE_HOURS", "mon-fri 9-16"), get("POLKU_HOLIDAYS", ""), loc); err != nil {
		*errs = append(*errs, fmt.Errorf("POLKU_OFFICE_HOURS / POLKU_HOLIDAYS: %v", err))
	}
	switch v := get("POLKU_SAFETY_WORDS", ""); v {
	case "":
		c.Safety = polku.DefaultSafetyWords()
	case "off":
	default:
		if c.Safety, err = polku.ParseSafetyWords(v); err != nil {
			*errs = append(*errs, fmt.Errorf("POLKU_SAFETY_WORDS: %v", err))
		}
	}
	for _, l := range strings.Split(get("POLKU_CRISIS_LINES", ""), ";") {
		if l = strings.TrimSpace(l); l != "" {
			c.Crisis = append(c.Crisis, l)
		}
	}
	c.CardDays = whole(get, errs, "POLKU_CARD_DAYS", "180", 1, 3660)
	c.CardVisits = whole(get, errs, "POLKU_CARD_VISITS", "10", 0, 1000)
	c.ProviderLinkDays = whole(get, errs, "POLKU_PROVIDER_LINK_DAYS", "7", 1, store.MaxLinkDays)
	c.VerifyPerHour = whole(get, errs, "POLKU_VERIFY_PER_HOUR", "60", 1, 10000)
	for _, d := range []struct {
		name, def string
		to        *time.Duration
	}{{"POLKU_NUDGE_AFTER", "2h", &c.NudgeAfter}, {"POLKU_MEMBER_CACHE", "5m", &c.MemberCache}} {
		v, err := time.ParseDuration(get(d.name, d.def))
		if err != nil || v <= 0 {
			*errs = append(*errs, fmt.Errorf("%s: want a duration such as %s, got %q", d.name, d.def, get(d.name, d.def)))
		}
		*d.to = v
	}
	c.Templates = get("POLKU_TEMPLATES", "")
	if c.Templates != "" {
		if _, err := bot.ReadTemplates(c.Templates); err != nil {
			*errs = append(*errs, fmt.Errorf("POLKU_TEMPLATES: %v", err))
		}
	}
	return c
}
