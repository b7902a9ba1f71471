package mattermost

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/internal/seal"
	"samverkan/bot"
)

// MaxPart is how many runes of body text one post carries; Mattermost
// allows 16383 in a post, and the rest is room for title, labels and fields.
const MaxPart = 12000

// ButtonTTL is how long a button works; the action is authorised anew
// when it is pressed, so this only bounds how long a token is worth
// keeping.
const ButtonTTL = 30 * 24 * time.Hour

// part is one post of a rendered message.
type part struct {
	Text        string
	Attachments []*model.MessageAttachment
}

// render turns a neutral message into one or more posts for recipient
// (the user a direct message or an answer goes to; "" for a channel). A
// plain text reply stays plain; anything richer becomes one attachment
// with the TLP colour. Long text is split into numbered parts that each
// repeat the TLP label, its obligation and the exercise marker; fields go
// on the first part, buttons on the last. Every text field is defused.
func (a *Adapter) render(m bot.Message, recipient string) []part {
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
		head := ""
		if s.Exercise && m.Exercise != "" {
			head += "**" + m.Exercise + "** "
		}
		if s.TLP != bot.TLPNone {
			head += "**" + s.TLP.Label() + "** "
		}
		if s.Title != "" {
			head += "**" + s.Title + "**"
		}
		if head = strings.TrimSpace(head); head != "" {
			body = append(body, head+"\n"+s.Text)
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
	if m.Obligation != "" {
		pre = append(pre, "_"+m.Obligation+"_")
	}
	out := make([]part, len(chunks))
	for i, c := range chunks {
		att := &model.MessageAttachment{Color: colour, Pretext: Defuse(strings.Join(pre, " ")), Title: Defuse(m.Title), Text: c}
		if len(chunks) > 1 {
			att.Title = strings.TrimSpace(fmt.Sprintf("%s (%d/%d)", att.Title, i+1, len(chunks)))
		}
		if m.Exercise != "" {
			att.Footer = Defuse(m.Exercise)
		}
		if i == 0 {
			for _, f := range m.Fields {
				att.Fields = append(att.Fields, &model.MessageAttachmentField{Title: Defuse(f.Title), Value: Defuse(f.Value), Short: model.SlackCompatibleBool(f.Short)})
			}
		}
		if i == len(chunks)-1 {
			att.Actions = a.actions(m.Buttons, recipient)
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

// actions renders buttons whose context carries the action sealed for
// Mattermost, bound to recipient for personal buttons; the click is
// performed as the clicking user. A personal button with no recipient
// (in a channel) is left out: nobody may press it there.
func (a *Adapter) actions(buttons []bot.Button, recipient string) []*model.PostAction {
	var out []*model.PostAction
	exp := a.now().Add(ButtonTTL)
	for i, b := range buttons {
		forUser := ""
		if b.Personal {
			if recipient == "" {
				continue
			}
			forUser = recipient
		}
		sealed, err := seal.Seal(a.Key, string(bot.Mattermost), seal.Button, forUser, exp, b.Action)
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
			Name:  Defuse(b.Label),
			Style: style,
			Integration: &model.PostActionIntegration{
				URL:     a.PublicURL + PathActions,
				Context: map[string]any{"s": sealed},
			},
		})
	}
	return out
}
