package bot

// FieldType is the kind of input a form field takes.
type FieldType string

// Form field types every platform can render.
const (
	FieldText     FieldType = "text"
	FieldTextarea FieldType = "textarea"
	FieldSelect   FieldType = "select"
)

// Form is a platform-neutral form: a Mattermost dialog, a Slack modal, or
// guided prompts in the terminal. Submitting it runs Command with the field
// values as key=value arguments, so a form and a typed command share one
// code path and one set of checks.
type Form struct {
	Command string `json:"command"`
	Title   string `json:"title"`
	Submit  string `json:"submit"`
	// Cancel is the label of the way out, where a platform shows one.
	Cancel string      `json:"cancel,omitempty"`
	Fields []FormField `json:"fields"`
	// Intro is shown above the fields (e.g. the template's guiding questions).
	Intro string `json:"intro,omitempty"`
	// Hidden values travel with the form, protected, and are submitted
	// with the fields (e.g. the forum the form is for).
	Hidden map[string]string `json:"hidden,omitempty"`
}

// FormField is one input of a form.
type FormField struct {
	Name     string    `json:"name"`
	Label    string    `json:"label"`
	Help     string    `json:"help,omitempty"`
	Type     FieldType `json:"type"`
	Options  []Option  `json:"options,omitempty"`
	Optional bool      `json:"optional,omitempty"`
	Default  string    `json:"default,omitempty"`
	MaxLen   int       `json:"max_len,omitempty"`
	// OnlyWhen, when set, makes the field matter only when another field
	// has a given value (recipients only for TLP:RED). The terminal skips
	// it otherwise; dialogs, which cannot hide fields, show it optional.
	OnlyWhen *FieldValue `json:"only_when,omitempty"`
}

// FieldValue is a form field and one of its values.
type FieldValue struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// Option is one choice of a select field.
type Option struct {
	Label string `json:"label"`
	Value string `json:"value"`
}
