package slack

import (
	"cmp"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"samverkan/adapters/internal/seal"
	"samverkan/bot"
)

// Slack's Block Kit limits, from its reference.
const (
	MaxBlocks      = 50
	MaxSectionText = 3000
	MaxFields      = 10
	MaxFieldText   = 2000
	MaxButtonText  = 75
	MaxHeaderText  = 150
	MaxFallback    = 3000
	MaxActions     = 25 // elements in one actions block
)

// message is one chat.postMessage worth of a rendered neutral message.
type message struct {
	Text        string // notification fallback
	Blocks      []slack.Block
	Attachments []slack.Attachment // only the TLP colour bar
}

// Escape makes user text inert in mrkdwn: &, < and > are escaped as Slack
// asks, so <!everyone>, <!channel> and <@U…> written by users never ping.
func Escape(s string) string {
	return mrkdwnEscape.Replace(s)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}
func plainText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

// ButtonTTL is how long a button works; the action is authorised anew
// when it is pressed, so this only bounds how long a token is worth
// keeping.
const ButtonTTL = 30 * 24 * time.Hour

// render turns a neutral message into Block Kit messages for recipient
// (the user a direct message or an answer goes to; "" for a channel)
// within Slack's limits: text in sections of at most 3000 characters, at
// most 10 fields of 2000 per section, at most 50 blocks per message. When
// one message is not enough, the next continues with the title marked
// (2/3) and the TLP label, its obligation and the exercise marker
// repeated; nothing is cut. Every text Slack parses is escaped, so no
// text the bot did not build itself can mention anyone.
func (a *Adapter) render(m bot.Message, recipient string) []message {
	var marker []string
	if m.Exercise != "" {
		marker = append(marker, "*"+Escape(m.Exercise)+"*")
	}
	if m.TLP != bot.TLPNone {
		marker = append(marker, "*"+m.TLP.Label()+"*")
	}
	if m.Obligation != "" {
		marker = append(marker, "_"+Escape(m.Obligation)+"_")
	}
	var body []slack.Block
	for _, chunk := range splitNonEmpty(Escape(m.Text), MaxSectionText) {
		body = append(body, slack.NewSectionBlock(mrkdwn(chunk), nil, nil))
	}
	var fields []*slack.TextBlockObject
	for _, f := range m.Fields {
		title := "*" + Escape(f.Title) + "*\n"
		for i, chunk := range splitNonEmpty(Escape(f.Value), MaxFieldText-utf8.RuneCountInString(title)) {
			if i > 0 {
				title = "*" + Escape(f.Title) + " (forts.)*\n"
			}
			fields = append(fields, mrkdwn(title+chunk))
		}
	}
	for len(fields) > 0 {
		n := min(len(fields), MaxFields)
		body = append(body, slack.NewSectionBlock(nil, fields[:n], nil))
		fields = fields[n:]
	}
	for _, s := range m.Sections {
		head := ""
		if s.Exercise && m.Exercise != "" {
			head += "*" + Escape(m.Exercise) + "* "
		}
		if s.TLP != bot.TLPNone {
			head += "*" + s.TLP.Label() + "* "
		}
		if s.Title != "" {
			head += "*" + Escape(s.Title) + "*"
		}
		if head != "" {
			head = strings.TrimSpace(head) + "\n"
		}
		for i, chunk := range splitNonEmpty(Escape(s.Text), MaxSectionText-utf8.RuneCountInString(head)) {
			if i == 0 {
				chunk = head + chunk
			}
			body = append(body, slack.NewSectionBlock(mrkdwn(chunk), nil, nil))
		}
	}
	var buttons []slack.BlockElement
	exp := a.botNow().Add(ButtonTTL)
	for i, b := range m.Buttons {
		forUser := ""
		if b.Personal {
			if recipient == "" {
				continue // nobody may press a personal button in a channel
			}
			forUser = recipient
		}
		sealed, err := seal.Seal(a.Key, string(bot.Slack), seal.Button, forUser, exp, b.Action)
		if err != nil {
			continue
		}
		btn := slack.NewButtonBlockElement(fmt.Sprintf("samverkan_%d", i), sealed, plainText(bot.Shorten(b.Label, MaxButtonText)))
		switch b.Style {
		case "primary":
			btn.Style = slack.StylePrimary
		case "danger":
			btn.Style = slack.StyleDanger
		}
		buttons = append(buttons, btn)
	}
	// Every message: [header] [marker context] body… [buttons] [marker context].
	overhead := 0
	if m.Title != "" {
		overhead++
	}
	if len(marker) > 0 {
		overhead++
	}
	if m.Exercise != "" {
		overhead++
	}
	actionBlocks := (len(buttons) + MaxActions - 1) / MaxActions
	overhead += actionBlocks
	per := MaxBlocks - overhead
	var pages [][]slack.Block
	for len(body) > per {
		pages = append(pages, body[:per])
		body = body[per:]
	}
	pages = append(pages, body)
	out := make([]message, len(pages))
	for i, page := range pages {
		var blocks []slack.Block
		title := m.Title
		if len(pages) > 1 {
			title = strings.TrimSpace(fmt.Sprintf("%s (%d/%d)", title, i+1, len(pages)))
		}
		// The exercise marker and TLP label come first, before the title.
		if len(marker) > 0 {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(strings.Join(marker, "  ·  "))))
		}
		if title != "" {
			blocks = append(blocks, slack.NewHeaderBlock(plainText(bot.Shorten(title, MaxHeaderText))))
		}
		blocks = append(blocks, page...)
		if i == len(pages)-1 {
			for j := 0; j < len(buttons); j += MaxActions {
				blocks = append(blocks, slack.NewActionBlock(fmt.Sprintf("samverkan_actions_%d", j/MaxActions), buttons[j:min(j+MaxActions, len(buttons))]...))
			}
		}
		if m.Exercise != "" {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn("*"+Escape(m.Exercise)+"*")))
		}
		msg := message{Blocks: blocks, Text: fallback(m, title, marker)}
		if c := m.TLP.Colour(); c != "" {
			msg.Attachments = []slack.Attachment{{Color: c, Fallback: m.TLP.Label(), Text: m.TLP.Label()}}
		}
		out[i] = msg
	}
	return out
}

// fallback is the text Slack shows in notifications and where blocks
// cannot be shown.
func fallback(m bot.Message, title string, marker []string) string {
	parts := append([]string{}, marker...)
	if title != "" {
		parts = append(parts, Escape(title))
	}
	if m.Text != "" {
		parts = append(parts, Escape(m.Text))
	}
	s := strings.Join(parts, " ")
	if s == "" {
		s = "samverkan"
	}
	if m.Exercise != "" {
		return bot.Shorten(s, MaxFallback-len([]rune(m.Exercise))-1) + " " + Escape(m.Exercise)
	}
	return bot.Shorten(s, MaxFallback)
}

func splitNonEmpty(s string, max int) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return bot.SplitText(s, max)
}

// modal renders a neutral form as a modal with plain_text_input and
// static_select elements; the command travels sealed in private_metadata.
func (a *Adapter) modal(f *bot.Form, channel, user string) (slack.ModalViewRequest, error) {
	meta, err := seal.Seal(a.Key, string(bot.Slack), seal.Form, user, a.botNow().Add(FormTTL), formState{Cmd: f.Command, Channel: channel, Hidden: f.Hidden})
	if err != nil {
		return slack.ModalViewRequest{}, err
	}
	v := slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plainText(bot.Shorten(f.Title, 24)),
		Submit:          plainText(bot.Shorten(f.Submit, 24)),
		Close:           plainText(bot.Shorten(cmp.Or(f.Cancel, a.t("form.cancel")), 24)),
		CallbackID:      "samverkan",
		PrivateMetadata: meta,
	}
	if f.Intro != "" {
		for _, chunk := range splitNonEmpty(f.Intro, MaxSectionText) {
			v.Blocks.BlockSet = append(v.Blocks.BlockSet, slack.NewSectionBlock(mrkdwn(chunk), nil, nil))
		}
	}
	for _, ff := range f.Fields {
		var el slack.BlockElement
		switch ff.Type {
		case bot.FieldSelect:
			var opts []*slack.OptionBlockObject
			for _, o := range ff.Options {
				opts = append(opts, slack.NewOptionBlockObject(o.Value, plainText(bot.Shorten(o.Label, 75)), nil))
			}
			sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, ff.Name, opts...)
			for _, o := range opts {
				if o.Value == ff.Default {
					sel.InitialOption = o
				}
			}
			el = sel
		default:
			in := slack.NewPlainTextInputBlockElement(nil, ff.Name)
			in.Multiline = ff.Type == bot.FieldTextarea
			in.MaxLength = min(max(ff.MaxLen, 1), 3000)
			if ff.Default != "" {
				in.InitialValue = ff.Default
			}
			el = in
		}
		var hint *slack.TextBlockObject
		if ff.Help != "" {
			hint = plainText(bot.Shorten(ff.Help, 2000))
		}
		blk := slack.NewInputBlock(ff.Name, plainText(bot.Shorten(ff.Label, 2000)), hint, el)
		blk.Optional = ff.Optional
		v.Blocks.BlockSet = append(v.Blocks.BlockSet, blk)
	}
	return v, nil
}

var mrkdwnEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
