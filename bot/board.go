package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Boards gives members a read-only status board of a forum on the web:
// a link sent by direct message, exchanged once for a session bound to
// that member, and the board drawn for them by the same queries (and so
// the same gate) as the chat messages it mirrors.
type Boards struct{ *core }

// Buckets of the board's links and sessions, keyed by the SHA-256 of the
// secret so that the database does not hold a usable one.
const (
	BucketBoardLinks    = "board_links"
	BucketBoardSessions = "board_sessions"
)

// Board link and session lifetimes.
const (
	BoardLinkTTL    = 10 * time.Minute
	BoardSessionTTL = 12 * time.Hour
)

// boardGrant is a link not yet used, or a session.
type boardGrant struct {
	Identity Identity  `json:"identity"`
	Forum    string    `json:"forum"`
	Expires  time.Time `json:"expires"`
}

func secretKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func newSecret() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// Link sends the caller, by direct message, a link to the forum's board
// that works once within BoardLinkTTL; base is the bot's public URL.
func (s *Boards) Link(ctx context.Context, c Caller, forumID, base string) (time.Time, error) {
	if base == "" {
		return time.Time{}, Errorf(ECONFLICT, "err.board_no_url")
	}
	secret, err := newSecret()
	if err != nil {
		return time.Time{}, err
	}
	var expires time.Time
	err = s.Update(ctx, c, func(ch *Change) error {
		f, err := ch.forum(forumID, PermMember)
		if err != nil {
			return err
		}
		k := s.in(f)
		if ch.Caller.Member == nil {
			return Errorf(EFORBIDDEN, "err.not_member")
		}
		expires = ch.Now.Add(BoardLinkTTL)
		if err := ch.Put(BucketBoardLinks, secretKey(secret), boardGrant{Identity: ch.Caller.Identity, Forum: f.ID, Expires: expires}); err != nil {
			return err
		}
		id := ch.Caller.Identity
		url := fmt.Sprintf("%s/board/login?t=%s", base, secret)
		msg := Message{Title: k.T("board.link_title", "Forum", f.Name), Text: k.T("board.link_text", "URL", url, "Minutes", int(BoardLinkTTL.Minutes()))}
		err = ch.Send(OutboxItem{Key: "board-link:" + secretKey(secret)[:16], To: Destination{Platform: id.Platform, User: id.UserID},
			Class: Class{Kind: KindReply, Forum: f.ID, TLP: TLPClear}, Message: msg})
		if err != nil {
			return err
		}
		return ch.Audit("board.link", f.ID, nil, "")
	})
	return expires, err
}

// ErrBoardLink means a board link is unknown, used or expired.
var ErrBoardLink = errors.New("this board link is unknown, already used or expired: ask for a new one with the board command")

// Exchange trades a board link for a session, once: it returns the
// session's secret and the forum. A link already used, expired or
// unknown gets ErrBoardLink, and so does one whose member is gone.
func (s *Boards) Exchange(ctx context.Context, link string) (session, forum string, err error) {
	session, err = newSecret()
	if err != nil {
		return "", "", err
	}
	err = s.Update(ctx, SystemCaller(), func(ch *Change) error {
		var g boardGrant
		if err := ch.Get(BucketBoardLinks, secretKey(link), &g); errors.Is(err, ErrNotFound) {
			return ErrBoardLink
		} else if err != nil {
			return err
		}
		if err := ch.Delete(BucketBoardLinks, secretKey(link)); err != nil {
			return err
		}
		if !ch.Now.Before(g.Expires) {
			return nil // deleted, and refused below
		}
		who, err := s.resolve(ch, Caller{Identity: g.Identity})
		if err != nil || who.Member == nil {
			return err
		}
		forum = g.Forum
		g.Expires = ch.Now.Add(BoardSessionTTL)
		if err := ch.Put(BucketBoardSessions, secretKey(session), g); err != nil {
			return err
		}
		return ch.Audit("board.open", g.Forum, map[string]string{"who": who.Name()}, "")
	})
	if err == nil && forum == "" {
		err = ErrBoardLink
	}
	return session, forum, err
}

// Session returns who a board session belongs to, as they are now, and
// its forum; ErrBoardLink when it has expired or is unknown. Whether
// they may still see the forum is the board's to check.
func (s *Boards) Session(session string) (Caller, string, error) {
	var c Caller
	var forum string
	err := s.View(func(tx Tx) error {
		var g boardGrant
		if err := tx.Get(BucketBoardSessions, secretKey(session), &g); errors.Is(err, ErrNotFound) {
			return ErrBoardLink
		} else if err != nil {
			return err
		}
		if !s.Clock.Now().Before(g.Expires) {
			return ErrBoardLink
		}
		var err error
		c, err = s.resolve(tx, Caller{Identity: g.Identity})
		forum = g.Forum
		return err
	})
	return c, forum, err
}

// timelineLength is how many of the forum's events the board shows.
const timelineLength = 20

// Board draws the forum's board for c; kind, when not "", keeps the
// timeline to one group of events (TimelineKinds).
func (s *Boards) Board(c Caller, forumID, kind string) (*BoardView, error) {
	var v *BoardView
	err := s.View(func(tx Tx) error {
		c, f, err := s.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		if c.Member == nil {
			return Errorf(EFORBIDDEN, "err.not_member")
		}
		v = &BoardView{Forum: *f, Reader: c.Name(), Drawn: s.Clock.Now()}
		if v.Version, err = forumVersion(tx, f); err != nil {
			return err
		}
		return s.board(tx, c, f, v, kind)
	})
	return v, err
}

// BoardVersion is forum's board's Version now, for live refresh, read by
// c under the same check as the board itself.
func (s *Boards) BoardVersion(c Caller, forumID string) (uint64, error) {
	var n uint64
	err := s.View(func(tx Tx) error {
		c, f, err := s.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		if c.Member == nil {
			return Errorf(EFORBIDDEN, "err.not_member")
		}
		n, err = forumVersion(tx, f)
		return err
	})
	return n, err
}

// forumVersion changes whenever what a forum's board shows may have: it
// is the newest audit event about the forum or one of its actors. Other
// forums' events leave it alone, so it tells nothing about them.
func forumVersion(tx Tx, f *Forum) (uint64, error) {
	var v uint64
	for _, subject := range append([]string{f.ID}, f.Actors...) {
		n, err := LatestSeqAbout(tx, subject)
		if err != nil {
			return 0, err
		}
		v = max(v, n)
	}
	return v, nil
}
