package mattermost

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/internal/seal"
	"samverkan/bot"
)

// MaxPart is how many runes of body text one post carries; Mattermost
// allows 16383 in a post, and the rest is room for title, labels and fields.
const MaxPart = 12000

// part is one post of a rendered message.
type part struct {
	Text        string
	Attachments []*model.MessageAttachment
}

// action is what a button's sealed context holds.
type action struct {
	Cmd string `json:"c"`
}

var massMention = regexp.MustCompile(`(?i)([@＠])(channel|all|here|everyone)\b`)

// Defuse stops user text from notifying a whole channel: @channel, @all
// and @here get a zero-width space after the @, and Slack-style <!…>
// escapes lose their meaning.
func Defuse(s string) string {
	s = massMention.ReplaceAllString(s, "$1\u200b$2")
	return strings.ReplaceAll(s, "<!", "<\u200b!")
}

// render turns a neutral message into one or more posts. A plain text
// reply stays plain; anything richer becomes one attachment with the TLP
// colour. Long text is split into numbered parts that each repeat the TLP
// label and the exercise marker; fields go on the first part, buttons on
// the last.
func (a *Adapter) render(m bot.Message) []part {
	if m.Title == "" && len(m.Fields) == 0 && len(m.Sections) == 0 && len(m.Buttons) == 0 && m.TLP == bot.TLPNone && m.Exercise == "" && m.Colour == "" {
		var out []part
		chunks := bot.SplitText(Defuse(m.Text), MaxPart)
		for i, c := range chunks {
			if len(chunks) > 1 {
				c = fmt.Sprintf("(%d/%d)\n%s", i+1, len(chunks), c)
			}
			out = append(out, part{Text: c})
		}
		return out
	}
	var body []string
	if m.Text != "" {
		body = append(body, m.Text)
	}
	for _, s := range m.Sections {
		if s.Title != "" {
			body = append(body, "**"+s.Title+"**\n"+s.Text)
		} else {
			body = append(body, s.Text)
		}
	}
	chunks := bot.SplitText(Defuse(strings.Join(body, "\n\n")), MaxPart)
	colour := m.TLP.Colour()
	if colour == "" {
		colour = m.Colour
	}
	var pre []string
	if m.Exercise != "" {
		pre = append(pre, "**"+m.Exercise+"**")
	}
	if m.TLP != bot.TLPNone {
		pre = append(pre, "**"+m.TLP.Label()+"**")
	}
	out := make([]part, len(chunks))
	for i, c := range chunks {
		att := &model.MessageAttachment{Color: colour, Pretext: strings.Join(pre, " "), Title: Defuse(m.Title), Text: c}
		if len(chunks) > 1 {
			att.Title = strings.TrimSpace(fmt.Sprintf("%s (%d/%d)", att.Title, i+1, len(chunks)))
		}
		if m.Exercise != "" {
			att.Footer = m.Exercise
		}
		if i == 0 {
			for _, f := range m.Fields {
				att.Fields = append(att.Fields, &model.MessageAttachmentField{Title: Defuse(f.Title), Value: Defuse(f.Value), Short: model.SlackCompatibleBool(f.Short)})
			}
		}
		if i == len(chunks)-1 {
			att.Actions = a.actions(m.Buttons)
		}
		att.Fallback = fallback(att)
		out[i] = part{Attachments: []*model.MessageAttachment{att}}
	}
	return out
}

// fallback is the plain text shown in notifications.
func fallback(att *model.MessageAttachment) string {
	s := strings.TrimSpace(att.Pretext + " " + att.Title + " " + att.Text)
	if utf8.RuneCountInString(s) > 300 {
		s = string([]rune(s)[:297]) + "…"
	}
	return s
}

// actions renders buttons whose context carries the command under the
// bot's MAC; the click is run as the clicking user.
func (a *Adapter) actions(buttons []bot.Button) []*model.PostAction {
	var out []*model.PostAction
	for i, b := range buttons {
		sealed, err := seal.Seal(a.Key, action{Cmd: b.Command})
		if err != nil {
			continue
		}
		style := "default"
		switch b.Style {
		case "primary", "danger":
			style = b.Style
		}
		out = append(out, &model.PostAction{
			Id:    fmt.Sprintf("samverkan%d", i),
			Type:  model.PostActionTypeButton,
			Name:  b.Label,
			Style: style,
			Integration: &model.PostActionIntegration{
				URL:     a.PublicURL + PathActions,
				Context: map[string]any{"s": sealed},
			},
		})
	}
	return out
}
