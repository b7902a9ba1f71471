package bot

import "context"

// Directory is what a platform can say about its channels and users; the
// bot uses it to check who would read a TLP:AMBER post before posting.
// Adapters that cannot answer do not implement it.
type Directory interface {
	// ChannelMembers lists the user IDs in a channel, the bot excluded.
	ChannelMembers(ctx context.Context, channel string) ([]string, error)
	// UserName returns a user's name for messages, or the ID.
	UserName(ctx context.Context, userID string) string
	// CanPost checks that the bot may post in a channel: nil, a
	// *NotInChannelError, or another error when the platform cannot say.
	CanPost(ctx context.Context, channel string) error
}

// NotInChannelError says the bot is not a member of a channel, and how to
// add it there (e.g. "/invite @samverkan").
type NotInChannelError struct{ Invite string }

func (e *NotInChannelError) Error() string { return "the bot is not a member of the channel" }

// File is a document sent as an attachment, e.g. an exported picture.
type File struct {
	Name    string `json:"name"`
	Content []byte `json:"content"`
}

// FileSender is a platform that can send files. The outbox delivers items
// with a File through it.
type FileSender interface {
	SendFile(ctx context.Context, key string, to Destination, f File, m Message) (channel, id string, err error)
}
