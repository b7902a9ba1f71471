package commands

import (
	"context"

	"samverkan/bot"
	"samverkan/catalog"
)

// boardCommands runs the board's personal links.
type boardCommands struct{ *Engine }

// registerBoard registers the status board's command: a personal,
// one-time link by direct message.
func (e *Engine) registerBoard() {
	c := boardCommands{e}
	e.Register(&Command{Path: []Word{{"tavla", "board"}}, Params: []Param{pForumOptional}, Perm: bot.PermMember, Help: "help.board", Run: c.board})
}

func (e boardCommands) board(ctx context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.forumFor(r, a, "tavla")
	if err != nil {
		return Reply{}, err
	}
	if _, err := e.Bot.Boards.Link(ctx, r.Caller, forum, e.BoardURL); err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("board.link_sent", "Forum", forum, "Minutes", int(bot.BoardLinkTTL.Minutes()))}}, nil
}

// pFormat chooses a file's format: PDF or Markdown (the default).
var pFormat = Param{Name: Word{"format", "format"}, Meta: Word{"pdf", "pdf"}, Kind: KindChoice, Positional: true, Optional: true, Help: "param.format",
	Choices: []bot.Option{{Label: "format.pdf", Value: "pdf"}, {Label: "format.md", Value: "md"}}}

func deref(m *bot.Message) bot.Message {
	if m == nil {
		return bot.Message{}
	}
	return *m
}
