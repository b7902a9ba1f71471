package bot

// Message is a platform-neutral rich message. Adapters render it as
// Mattermost attachments, Slack Block Kit or terminal text, and split it
// when a platform limit is reached; they never cut it silently.
type Message struct {
	Title    string    `json:"title,omitempty"`
	Text     string    `json:"text,omitempty"`
	Fields   []Field   `json:"fields,omitempty"`
	Sections []Section `json:"sections,omitempty"`
	Buttons  []Button  `json:"buttons,omitempty"`
	// TLP is the label of the whole message: the strictest of what it
	// carries. Renderers write it before the content, on every part.
	TLP TLP `json:"tlp,omitempty"`
	// Obligation says in words what the label asks of recipients (e.g.
	// AMBER+STRICT: share only within your own organisation); renderers
	// show it with the label.
	Obligation string `json:"obligation,omitempty"`
	// Exercise is the marker word (ÖVNING / EXERCISE) when the message
	// holds exercise material; it opens and closes the rendered message.
	Exercise string `json:"exercise,omitempty"`
	// Colour is an accent colour (#RRGGBB) when no TLP colour applies.
	Colour string `json:"colour,omitempty"`
}

// Field is a short labelled value shown side by side with others.
type Field struct {
	Title string `json:"title"`
	Value string `json:"value"`
	Short bool   `json:"short,omitempty"`
}

// Section is a titled block of longer text. A section that carries one
// actor's labelled content (a part of the compiled picture) names its
// label, so that it is shown directly before that content, and whether it
// is exercise material.
type Section struct {
	Title    string `json:"title,omitempty"`
	Text     string `json:"text"`
	TLP      TLP    `json:"tlp,omitempty"`
	Exercise bool   `json:"exercise,omitempty"`
}

// Button performs Action as the person who clicks it. A personal button
// may only be pressed by the person it was sent to (a direct message's
// Approve); adapters bind it to that recipient. In the terminal a button
// is shown as the command to type.
type Button struct {
	Label    string `json:"label"`
	Action   Action `json:"action"`
	Style    string `json:"style,omitempty"` // "primary", "danger" or ""
	Personal bool   `json:"personal,omitempty"`
}

// Labels returns every label the message carries: its own and its
// sections'.
func (m Message) Labels() []TLP {
	out := []TLP{m.TLP}
	for _, s := range m.Sections {
		out = append(out, s.TLP)
	}
	return out
}
