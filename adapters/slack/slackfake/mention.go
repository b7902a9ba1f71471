package slackfake

import (
	"encoding/json"
	"strings"
)

// Mentions returns the mentions Slack would turn live in a message the
// bot sent: "<!channel>", "<!here>", "<!everyone>", "<!subteam^…>" and
// "<@U…>" in the fields Slack parses — the top-level text, mrkdwn text
// objects of blocks (section text and fields, context elements), and
// attachments' text, pretext, fallback and field values. plain_text
// objects are not parsed for mentions.
func Mentions(c Call) []string {
	var texts []string
	texts = append(texts, c.Str("text"))
	for _, b := range c.Blocks() {
		texts = append(texts, mrkdwnIn(b)...)
	}
	for _, a := range c.Attachments() {
		for _, k := range []string{"text", "pretext", "fallback"} {
			if s, ok := a[k].(string); ok {
				texts = append(texts, s)
			}
		}
		if fs, ok := a["fields"].([]any); ok {
			for _, f := range fs {
				if m, ok := f.(map[string]any); ok {
					if s, ok := m["value"].(string); ok {
						texts = append(texts, s)
					}
				}
			}
		}
	}
	var out []string
	for _, t := range texts {
		for {
			i := strings.IndexByte(t, '<')
			if i < 0 {
				break
			}
			t = t[i+1:]
			for _, p := range []string{"!channel", "!here", "!everyone", "!subteam^", "@"} {
				if strings.HasPrefix(t, p) {
					out = append(out, "<"+p)
				}
			}
		}
	}
	return out
}

// mrkdwnIn collects the mrkdwn texts of one block, at any depth.
func mrkdwnIn(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if x["type"] == "mrkdwn" {
			if s, ok := x["text"].(string); ok {
				out = append(out, s)
			}
		}
		for _, y := range x {
			out = append(out, mrkdwnIn(y)...)
		}
	case []any:
		for _, y := range x {
			out = append(out, mrkdwnIn(y)...)
		}
	case string:
		// A JSON-encoded block list inside a form field.
		if strings.HasPrefix(x, "[") || strings.HasPrefix(x, "{") {
			var inner any
			if json.Unmarshal([]byte(x), &inner) == nil {
				out = append(out, mrkdwnIn(inner)...)
			}
		}
	}
	return out
}

// Fired lists the live mentions in everything the bot sent: every Web
// API call and every response_url post, as "method: <!channel".
func (s *Server) Fired() []string {
	var out []string
	for _, c := range s.Calls("") {
		for _, m := range Mentions(c) {
			out = append(out, c.Method+": "+m)
		}
	}
	for _, h := range s.Hooks() {
		for _, m := range Mentions(Call{Method: "response_url", Params: h}) {
			out = append(out, "response_url: "+m)
		}
	}
	return out
}
