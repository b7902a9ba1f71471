package bot

import (
	"fmt"
	"strings"
)

// ShowRequest is request #n as the caller may see it: the question, and
// per organisation asked its answer (when the caller may read its label)
// or that it has not answered, with its 24/7 contact when the caller may
// read that.
func (s *Requests) Show(c Caller, n uint64) (Message, error) {
	var m Message
	err := s.View(func(tx Tx) error {
		c, err := s.resolve(tx, c)
		if err != nil {
			return err
		}
		r, err := GetRequest(tx, n)
		if err != nil {
			return err
		}
		_, f, err := s.readForum(tx, c, r.Forum)
		if err != nil {
			return err
		}
		m = s.requestMessage(tx, c, f, r)
		return nil
	})
	return m, err
}

// requestMessage draws request r for c.
func (s *Requests) requestMessage(tx Tx, c Caller, f *Forum, r *InfoRequest) Message {
	s = &Requests{s.in(f)}
	names := actorNames(tx, append([]string{r.AskerActor}, r.Asked...))
	got := r.latest()
	var lines []string
	for _, a := range r.Asked {
		ans, ok := got[a]
		switch {
		case !ok:
			line := s.T("request.line_missing", "Actor", names[a])
			if ct := s.contactsFor(tx, c, []string{a}, "  "); ct != "" {
				line += "\n" + ct
			}
			lines = append(lines, line)
		case mayReadAnswer(tx, c, f, r, ans) != nil:
			lines = append(lines, s.T("request.line_hidden", "Actor", names[a], "Time", s.clock(ans.At), "Label", s.answerLabel(ans)))
		default:
			lines = append(lines, s.T("request.line_answer", "Actor", names[a], "Name", ans.Name, "Time", s.clock(ans.At), "Label", s.answerLabel(ans))+"\n> "+strings.ReplaceAll(ans.Text, "\n", "\n> "))
		}
	}
	state := s.T("request.state_open", "Due", s.whenOrDash(r.Due))
	if !r.Open() {
		state = s.T("request.state_answered")
	} else if r.Overdue {
		state = s.T("request.state_overdue", "Due", s.whenOrDash(r.Due))
	}
	m := Message{
		Title: s.T("request.title", "N", r.Number, "Actor", names[r.AskerActor], "Forum", f.Name),
		Text:  s.T("request.by", "Name", r.AskerName, "Time", s.whenOrDash(r.Created)) + "\n\n" + r.Text,
		TLP:   TLPGreen,
		Fields: []Field{
			{Title: s.T("request.state"), Value: state, Short: true},
			{Title: s.T("request.answers", "N", len(r.Asked)-len(r.Missing()), "Of", len(r.Asked)), Value: strings.Join(lines, "\n")},
		},
		Colour: "#00695C",
	}
	if r.Exercise {
		m.Exercise = s.T("exercise.marker")
	}
	return s.labelled(m)
}

// RequestLine is one request in a forum's list.
type RequestLine struct {
	Number     uint64
	Text       string
	Asker      string
	Due        string
	Answered   int
	Of         int
	Open       bool
	Overdue    bool
	AskedOfYou bool
}

// List returns forum's requests, open ones first, for a reader of it.
func (s *Requests) List(c Caller, forumID string) ([]RequestLine, error) {
	var open, done []RequestLine
	err := s.View(func(tx Tx) error {
		c, f, err := s.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		names := actorNames(tx, f.Actors)
		return tx.ForEach(BucketInfoRequests, "", func(_ string, decode func(any) error) error {
			var r InfoRequest
			if err := decode(&r); err != nil || r.Forum != f.ID {
				return err
			}
			l := RequestLine{Number: r.Number, Text: r.Text, Asker: fmt.Sprintf("%s (%s)", r.AskerName, names[r.AskerActor]), Due: s.whenOrDash(r.Due),
				Answered: len(r.Asked) - len(r.Missing()), Of: len(r.Asked), Open: r.Open(), Overdue: r.Open() && r.Overdue}
			if c.Member != nil {
				l.AskedOfYou = r.Open() && strings.Contains(","+strings.Join(r.Missing(), ",")+",", ","+c.Member.Actor+",")
			}
			if l.Open {
				open = append(open, l)
			} else {
				done = append(done, l)
			}
			return nil
		})
	})
	return append(open, done...), err
}

// answerLabel is an answer's label, and "internal" when it is.
func (k *core) answerLabel(a RequestAnswer) string {
	if a.Internal {
		return a.TLP.Label() + ", " + k.T("request.internal")
	}
	return a.TLP.Label()
}
