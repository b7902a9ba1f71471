package bot

import (
	"fmt"
	"strings"
	"time"
)

// sectionTitle is a section's name in the bot's language.
func (b *Bot) sectionTitle(key string) string { return b.T("section." + key) }

// ReportMessage shows one report; internal sections are marked as such.
// Callers pass r.Shared() when internal sections must not be shown.
func (b *Bot) ReportMessage(r Report, actorName string) Message {
	m := Message{
		Title: b.T("report.title", "Actor", actorName, "Version", r.Version, "N", r.Number),
		TLP:   r.TLP,
		Fields: []Field{
			{Title: b.T("report.author"), Value: r.AuthorName, Short: true},
			{Title: b.T("report.time"), Value: r.At.In(b.loc()).Format("2006-01-02 15:04"), Short: true},
		},
	}
	for _, s := range r.Sections {
		if s.Text == "" {
			continue
		}
		title := b.sectionTitle(s.Key)
		if !s.Shared {
			title += " " + b.T("report.internal_mark")
		}
		m.Sections = append(m.Sections, Section{Title: title, Text: s.Text})
	}
	if r.Exercise {
		m.Exercise = b.T("exercise.marker")
	}
	return m
}

// CompiledMessage shows the common picture under its strictest label.
func (b *Bot) CompiledMessage(c *Compiled) Message {
	m := Message{
		Title: b.T("report.compiled_title", "Forum", c.Forum.Name),
		Text:  b.T("report.compiled_text", "Time", c.At.In(b.loc()).Format("2006-01-02 15:04"), "N", len(c.Reports), "Of", len(c.Forum.Actors)),
		TLP:   c.TLP,
	}
	for _, r := range c.Reports {
		for _, s := range r.Sections {
			m.Sections = append(m.Sections, Section{
				Title: b.T("report.compiled_section", "Actor", c.Names[r.Actor], "Section", b.sectionTitle(s.Key), "Author", r.AuthorName, "Time", b.clockDay(r), "Label", r.TLP.Label()),
				Text:  s.Text,
			})
		}
	}
	var missing, stale []string
	for _, a := range c.Missing {
		missing = append(missing, c.Names[a])
	}
	for _, a := range c.Stale {
		stale = append(stale, c.Names[a])
	}
	m.Fields = append(m.Fields, Field{Title: b.T("report.missing"), Value: orDash(strings.Join(missing, ", "))})
	if len(stale) > 0 {
		m.Fields = append(m.Fields, Field{Title: b.T("report.stale"), Value: strings.Join(stale, ", ")})
	}
	if c.Forum.Exercise {
		m.Exercise = b.T("exercise.marker")
	}
	return m
}

func (b *Bot) clockDay(r Report) string { return r.At.In(b.loc()).Format("2006-01-02 15:04") }

func (b *Bot) loc() *time.Location {
	if b.Location != nil {
		return b.Location
	}
	return Stockholm()
}

// CompiledMarkdown is the common picture as a Markdown document, for
// export. The TLP label opens the document and every actor's part.
func (b *Bot) CompiledMarkdown(c *Compiled) string {
	var w strings.Builder
	if c.Forum.Exercise {
		fmt.Fprintf(&w, "**%s**\n\n", b.T("exercise.marker"))
	}
	if c.TLP != TLPNone {
		fmt.Fprintf(&w, "**%s**\n\n", c.TLP.Label())
	}
	fmt.Fprintf(&w, "# %s\n\n%s\n", b.T("report.compiled_title", "Forum", c.Forum.Name), b.T("report.compiled_text", "Time", c.At.In(b.loc()).Format("2006-01-02 15:04"), "N", len(c.Reports), "Of", len(c.Forum.Actors)))
	for _, r := range c.Reports {
		fmt.Fprintf(&w, "\n## %s\n\n**%s** · %s · %s · v%d (#%d)\n", c.Names[r.Actor], r.TLP.Label(), r.AuthorName, b.clockDay(r), r.Version, r.Number)
		for _, s := range r.Sections {
			fmt.Fprintf(&w, "\n### %s\n\n%s\n", b.sectionTitle(s.Key), s.Text)
		}
	}
	var missing []string
	for _, a := range c.Missing {
		missing = append(missing, c.Names[a])
	}
	fmt.Fprintf(&w, "\n## %s\n\n%s\n", b.T("report.missing"), orDash(strings.Join(missing, ", ")))
	if c.Forum.Exercise {
		fmt.Fprintf(&w, "\n**%s**\n", b.T("exercise.marker"))
	}
	return w.String()
}
