package shell

import (
	"fmt"
	"strings"

	"samverkan/bot"
	"samverkan/commands"
)

// Render writes a message as terminal text: exercise marker first and
// last, the TLP label and its obligation before the content (and each
// part's label before that part), buttons as the commands to type.
func Render(m bot.Message, e *commands.Engine) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	if m.Exercise != "" {
		line("*** " + m.Exercise + " ***")
	}
	if m.TLP != bot.TLPNone {
		line("[" + m.TLP.Label() + "]")
	}
	if m.Obligation != "" {
		line("(" + m.Obligation + ")")
	}
	if m.Title != "" {
		line("== " + m.Title + " ==")
	}
	if m.Text != "" {
		line(m.Text)
	}
	for _, f := range m.Fields {
		if strings.Contains(f.Value, "\n") {
			line(f.Title + ":")
			for _, l := range strings.Split(f.Value, "\n") {
				line("  " + l)
			}
		} else {
			line(f.Title + ": " + f.Value)
		}
	}
	for _, s := range m.Sections {
		head := s.Title
		if s.TLP != bot.TLPNone {
			head = strings.TrimSpace("[" + s.TLP.Label() + "] " + head)
		}
		if s.Exercise && m.Exercise != "" {
			head = strings.TrimSpace(m.Exercise + " " + head)
		}
		if head != "" {
			line("-- " + head + " --")
		}
		line(s.Text)
	}
	for _, btn := range m.Buttons {
		line(fmt.Sprintf("[%s] → %s %s", btn.Label, e.Root, e.ActionText(btn.Action, e.Lang)))
	}
	if m.Exercise != "" {
		line("*** " + m.Exercise + " ***")
	}
	return b.String()
}
