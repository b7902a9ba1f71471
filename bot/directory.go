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
}

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
