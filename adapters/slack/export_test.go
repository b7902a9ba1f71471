package slack

import "samverkan/bot"

// RenderForTest exposes the Block Kit rendering to the package's tests.
func RenderForTest(a *Adapter, m bot.Message) []map[string]any {
	var out []map[string]any
	for _, msg := range a.render(m, "") {
		out = append(out, map[string]any{"text": msg.Text, "blocks": msg.Blocks})
	}
	return out
}
