package bot

import (
	"fmt"
	"strings"
)

// sectionTitle is a section's name in the bot's language.
func (k *core) sectionTitle(key string) string { return k.T("section." + key) }

// ReportMessage shows one report under its label; internal sections are
// marked as such. Callers pass r.Shared() when internal sections must not
// be shown.
func (k *core) ReportMessage(r Report, actorName string) Message {
	m := Message{
		Title: k.T("report.title", "Actor", actorName, "Version", r.Version, "N", r.Number),
		TLP:   r.TLP,
		Fields: []Field{
			{Title: k.T("report.author"), Value: r.AuthorName, Short: true},
			{Title: k.T("report.time"), Value: r.At.In(k.loc()).Format("2006-01-02 15:04"), Short: true},
		},
	}
	for _, s := range r.Sections {
		if s.Text == "" {
			continue
		}
		title := k.sectionTitle(s.Key)
		if !s.Shared {
			title += " " + k.T("report.internal_mark")
		}
		m.Sections = append(m.Sections, Section{Title: title, Text: s.Text})
	}
	if r.Exercise {
		m.Exercise = k.T("exercise.marker")
	}
	return k.labelled(m)
}

// CompiledMessage shows the common picture: each part under its own
// label, exercise parts marked, the strictest label on the whole.
func (k *core) CompiledMessage(c *Compiled) Message {
	k = k.in(c.Forum)
	m := Message{
		Title: k.T("report.compiled_title", "Forum", c.Forum.Name),
		Text:  k.T("report.compiled_text", "Time", c.At.In(k.loc()).Format("2006-01-02 15:04"), "N", len(c.Reports), "Of", len(c.Forum.Actors)),
		TLP:   c.TLP,
	}
	for _, r := range c.Reports {
		for _, s := range r.Sections {
			m.Sections = append(m.Sections, Section{
				Title:    k.T("report.compiled_section", "Actor", c.Names[r.Actor], "Section", k.sectionTitle(s.Key), "Author", r.AuthorName, "Time", k.clockDay(r)),
				Text:     s.Text,
				TLP:      r.TLP,
				Exercise: r.Exercise,
			})
		}
	}
	for _, kid := range c.Children {
		for _, r := range kid.Reports {
			for _, s := range r.Sections {
				m.Sections = append(m.Sections, Section{
					Title:    k.T("rollup.section", "Forum", kid.Forum.Name, "Actor", kid.Names[r.Actor], "Section", k.sectionTitle(s.Key), "Time", k.clockDay(r)),
					Text:     s.Text,
					TLP:      r.TLP,
					Exercise: r.Exercise,
				})
			}
		}
	}
	var missing, stale []string
	for _, a := range c.Missing {
		missing = append(missing, c.Names[a])
	}
	for _, a := range c.Stale {
		stale = append(stale, c.Names[a])
	}
	m.Fields = append(m.Fields, Field{Title: k.T("report.missing"), Value: orDash(strings.Join(missing, ", "))})
	if len(c.Children) > 0 {
		m.Fields = append(m.Fields, Field{Title: k.T("rollup.children"), Value: k.childLines(c)})
	}
	if len(stale) > 0 {
		m.Fields = append(m.Fields, Field{Title: k.T("report.stale"), Value: strings.Join(stale, ", ")})
	}
	if c.Withheld > 0 {
		m.Fields = append(m.Fields, Field{Title: k.T("report.withheld_title"), Value: k.T("report.withheld_text", "Count", c.Withheld)})
	}
	if c.Exercise {
		m.Exercise = k.T("exercise.marker")
	}
	return k.labelled(m)
}

func (k *core) clockDay(r Report) string { return r.At.In(k.loc()).Format("2006-01-02 15:04") }

// CompiledMarkdown is the common picture as a Markdown document, for
// export: the exercise marker first and last when any part is exercise,
// the strictest label and its obligation on top, and every actor's part
// under its own label.
func (k *core) CompiledMarkdown(c *Compiled) string {
	k = k.in(c.Forum)
	var w strings.Builder
	marker := k.T("exercise.marker")
	if c.Exercise {
		fmt.Fprintf(&w, "**%s**\n\n", marker)
	}
	if c.TLP != TLPNone {
		fmt.Fprintf(&w, "**%s**\n\n", c.TLP.Label())
		if ob := k.Obligations(labels(c)...); ob != "" {
			fmt.Fprintf(&w, "_%s_\n\n", ob)
		}
	}
	fmt.Fprintf(&w, "# %s\n\n%s\n", k.T("report.compiled_title", "Forum", c.Forum.Name), k.T("report.compiled_text", "Time", c.At.In(k.loc()).Format("2006-01-02 15:04"), "N", len(c.Reports), "Of", len(c.Forum.Actors)))
	for _, r := range c.Reports {
		fmt.Fprintf(&w, "\n## %s\n\n**%s** · %s · %s · v%d (#%d)\n", c.Names[r.Actor], r.TLP.Label(), r.AuthorName, k.clockDay(r), r.Version, r.Number)
		if r.Exercise {
			fmt.Fprintf(&w, "\n**%s**\n", marker)
		}
		for _, s := range r.Sections {
			fmt.Fprintf(&w, "\n### %s\n\n%s\n", k.sectionTitle(s.Key), s.Text)
		}
	}
	for _, kid := range c.Children {
		for _, r := range kid.Reports {
			fmt.Fprintf(&w, "\n## %s\n\n**%s** · %s · %s · v%d (#%d)\n", k.T("rollup.part", "Forum", kid.Forum.Name, "Actor", kid.Names[r.Actor]), r.TLP.Label(), r.AuthorName, k.clockDay(r), r.Version, r.Number)
			for _, s := range r.Sections {
				fmt.Fprintf(&w, "\n### %s\n\n%s\n", k.sectionTitle(s.Key), s.Text)
			}
		}
	}
	var missing []string
	for _, a := range c.Missing {
		missing = append(missing, c.Names[a])
	}
	fmt.Fprintf(&w, "\n## %s\n\n%s\n", k.T("report.missing"), orDash(strings.Join(missing, ", ")))
	if len(c.Children) > 0 {
		fmt.Fprintf(&w, "\n## %s\n\n%s\n", k.T("rollup.children"), strings.ReplaceAll(k.childLines(c), "\n", "  \n"))
	}
	if c.Withheld > 0 {
		fmt.Fprintf(&w, "\n## %s\n\n%s\n", k.T("report.withheld_title"), k.T("report.withheld_text", "Count", c.Withheld))
	}
	if c.Contacts != "" {
		fmt.Fprintf(&w, "\n## %s\n\n%s\n", k.T("report.contacts"), c.Contacts)
	}
	if c.Exercise {
		fmt.Fprintf(&w, "\n**%s**\n", marker)
	}
	return w.String()
}

// childLines tell, one child forum a line, whether it is activated, who
// in it has not reported, and how many parts stayed below.
func (k *core) childLines(c *Compiled) string {
	k = k.in(c.Forum)
	var lines []string
	for _, kid := range c.Children {
		mode := k.T("rollup.normal")
		if kid.Activated {
			mode = k.T("rollup.activated")
		}
		line := k.T("rollup.child", "Forum", kid.Forum.Name, "ID", kid.Forum.ID, "Mode", mode, "Missing", orDash(strings.Join(kid.Missing, ", ")))
		if kid.Held > 0 {
			line += " " + k.T("rollup.held", "Count", kid.Held)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// labels are the labels of the picture's parts.
func labels(c *Compiled) []TLP {
	out := []TLP{c.TLP}
	for _, r := range c.Reports {
		out = append(out, r.TLP)
	}
	for _, kid := range c.Children {
		for _, r := range kid.Reports {
			out = append(out, r.TLP)
		}
	}
	return out
}
