package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"polku"
)

// configCheck is `polku config check [FILE]`: it reads a service's file
// (POLKU_CONFIG's when no FILE is given) as start-up would, with the same
// environment, and prints a summary of the service that fits one screen,
// or returns every problem of the file, each with its line.
func configCheck(args []string, getenv func(string) string, stdout io.Writer) error {
	get := getter(getenv)
	file := get("POLKU_CONFIG", "")
	if len(args) == 2 {
		file = args[1]
	}
	if len(args) == 0 || args[0] != "check" || len(args) > 2 || file == "" {
		return errors.New("usage: polku config check FILE (without FILE: POLKU_CONFIG's file)")
	}
	// The environment's own problems are start-up's to tell; here they
	// only leave its settings at their defaults.
	var ignored []error
	loc, _ := reminders(get, &ignored)
	co := coordinators(get, loc, &ignored)
	langs := languages(get, &ignored)
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	s, grants, err := readService(file, string(text), get, co, langs, loc)
	if err != nil {
		n := 1
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			n = len(j.Unwrap())
		}
		return fmt.Errorf("%s: %s:\n%w", file, plural(n, "problem", "problems"), err)
	}
	summary(stdout, file, s, grants, get)
	return nil
}

// summary writes what a service's file describes, in a screen: its size,
// its regions, which municipalities each coordinators' group serves, its
// roles, and what the environment sets over the file.
func summary(w io.Writer, file string, s polku.Service, grants []polku.Grant, get func(name, def string) string) {
	langs := spoken(s)
	lang := langs[0]
	groups := s.Groups()
	size := plural(len(s.Municipalities), "municipality", "municipalities")
	if len(s.Regions) > 0 {
		size += " in " + plural(len(s.Regions), "region", "regions")
	}
	fmt.Fprintf(w, "%s: no problems.\n%s: %s; %s; languages %s; %s.\n", file, s.Name.In(lang), size,
		plural(len(groups), "coordinators' group", "coordinators' groups"), strings.Join(langs, ", "), plural(len(grants), "role", "roles"))
	names := func(ms []polku.Municipality) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Name.In(lang))
		}
		return strings.Join(out, ", ")
	}
	if len(s.Regions) > 0 {
		fmt.Fprintln(w, "Regions:")
		for _, r := range s.Regions {
			in := s.InRegion(r.ID)
			fmt.Fprintf(w, "  %s (%s), %d: %s\n", r.Name.In(lang), r.ID, len(in), names(in))
		}
	}
	if len(groups) == 0 {
		fmt.Fprintln(w, "No coordinators' group: cases are stored, but no group is told.")
	} else {
		fmt.Fprintln(w, "Coordinators' groups:")
	}
	for _, g := range groups {
		var served []string
		for _, id := range s.Served(g) {
			if id == polku.Other {
				served = append(served, `"somewhere else"`)
			} else {
				served = append(served, s.NameOf(id, lang))
			}
		}
		fmt.Fprintf(w, "  %d: %s\n", g, strings.Join(served, ", "))
	}
	if len(grants) > 0 {
		count := map[polku.Role]int{}
		for _, g := range grants {
			count[g.Role]++
		}
		var roles []string
		for _, r := range []polku.Role{polku.RoleOperator, polku.RoleManager, polku.RoleProvider, polku.RoleReferrer} {
			if count[r] > 0 {
				roles = append(roles, plural(count[r], string(r), string(r)+"s"))
			}
		}
		fmt.Fprintf(w, "Roles: %s.\n", strings.Join(roles, ", "))
	}
	var set []string
	for _, o := range overrides {
		if get(o.Variable, "") != "" {
			set = append(set, fmt.Sprintf("%s (%s)", o.Key, o.Variable))
		}
	}
	if len(set) > 0 {
		fmt.Fprintf(w, "The environment sets [defaults] %s.\n", strings.Join(set, ", "))
	}
}

// plural is n with the word for it.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
