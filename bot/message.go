package bot

// TLP is a Traffic Light Protocol 2.0 label.
type TLP string

// TLP 2.0 labels, written exactly as FIRST prescribes.
const (
	TLPNone        TLP = ""
	TLPClear       TLP = "CLEAR"
	TLPGreen       TLP = "GREEN"
	TLPAmber       TLP = "AMBER"
	TLPAmberStrict TLP = "AMBER+STRICT"
	TLPRed         TLP = "RED"
)

// Label is the label as it must be shown, e.g. "TLP:AMBER".
func (t TLP) Label() string {
	if t == TLPNone {
		return ""
	}
	return "TLP:" + string(t)
}

// Colour is the label's FIRST colour as #RRGGBB.
func (t TLP) Colour() string {
	switch t {
	case TLPRed:
		return "#FF2B2B"
	case TLPAmber, TLPAmberStrict:
		return "#FFC000"
	case TLPGreen:
		return "#33FF00"
	case TLPClear:
		return "#FFFFFF"
	}
	return ""
}

// Message is a platform-neutral rich message. Adapters render it as
// Mattermost attachments, Slack Block Kit or terminal text, and split it
// when a platform limit is reached; they never cut it silently.
type Message struct {
	Title    string    `json:"title,omitempty"`
	Text     string    `json:"text,omitempty"`
	Fields   []Field   `json:"fields,omitempty"`
	Sections []Section `json:"sections,omitempty"`
	Buttons  []Button  `json:"buttons,omitempty"`
	TLP      TLP       `json:"tlp,omitempty"`
	// Exercise is the marker word (ÖVNING / EXERCISE) when the message
	// belongs to an exercise; it opens and closes the rendered message.
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

// Section is a titled block of longer text.
type Section struct {
	Title string `json:"title,omitempty"`
	Text  string `json:"text"`
}

// Button runs Command as the person who clicks it. In the terminal it is
// shown as the command to type.
type Button struct {
	Label   string `json:"label"`
	Command string `json:"command"`
	Style   string `json:"style,omitempty"` // "primary", "danger" or ""
}
