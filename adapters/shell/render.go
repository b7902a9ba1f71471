package shell

import (
	"fmt"
	"strings"

	"samverkan/bot"
)

// Render writes a message as terminal text: exercise marker first and
// last, the TLP label before the content, buttons as the commands to type.
func Render(m bot.Message, root string) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	if m.Exercise != "" {
		line("*** " + m.Exercise + " ***")
	}
	if m.TLP != bot.TLPNone {
		line("[" + m.TLP.Label() + "]")
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
		if s.Title != "" {
			line("-- " + s.Title + " --")
		}
		line(s.Text)
	}
	for _, btn := range m.Buttons {
		line(fmt.Sprintf("[%s] → %s %s", btn.Label, root, btn.Command))
	}
	if m.Exercise != "" {
		line("*** " + m.Exercise + " ***")
	}
	return b.String()
}
