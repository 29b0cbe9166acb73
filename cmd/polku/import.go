package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"polku"
	"polku/bot"
	"polku/catalog"
	"polku/locales"
)

// importCatalogue imports a catalogue file, a Linked Events API URL or the
// sample catalogue. A file with problems imports nothing: every problem is
// listed with its line, in the words the bot answers an operator with.
// Activities in a municipality the service does not offer are problems;
// sessions already over are warnings.
func importCatalogue(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: polku import FILE|URL|-sample")
	}
	src := args[0]
	offer := catalog.Offer{Municipalities: cfg.Municipalities, Now: cfg.Now()}
	var acts []polku.Activity
	var warnings catalog.Problems
	var err error
	switch {
	case src == "-sample":
		acts = catalog.Sample(cfg.Now(), cfg.Location)
	case strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://"):
		acts, err = catalog.FetchLinkedEvents(ctx, &http.Client{Timeout: time.Minute}, src, catalog.LEOptions{})
		if err == nil {
			acts, warnings, err = offer.Check(acts)
		}
	default:
		var f *os.File
		if f, err = os.Open(src); err != nil {
			return err
		}
		defer f.Close()
		acts, warnings, err = offer.Read(src, f, cfg.Location, catalog.LEOptions{})
	}
	loc, lerr := locales.Load("en")
	if lerr != nil {
		return lerr
	}
	var problems catalog.Problems
	if errors.As(err, &problems) {
		for _, l := range bot.ProblemLines(loc, "en", problems) {
			fmt.Fprintln(stdout, l)
		}
		return fmt.Errorf("%s: %d problem(s); nothing was imported", src, len(problems))
	}
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg, 2)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.ImportCatalogue(ctx, acts, cfg.Now(), cfg.Reminders)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d activities, %d sessions (%d new, %d changed, %d unchanged); %d families will be told of changes\n",
		res.Activities, res.Sessions, res.Added, res.Changed, res.Unchanged, res.Notices)
	for _, l := range bot.ProblemLines(loc, "en", warnings) {
		fmt.Fprintln(stdout, "warning: "+l)
	}
	return nil
}
