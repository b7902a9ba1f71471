package bot

import (
	"strings"
	"unicode/utf8"
)

// SplitText cuts s into pieces of at most max runes, at a paragraph break
// when there is one in the second half of a piece, else at a line break,
// else at a space, else mid-word. Nothing is dropped: joining the pieces
// gives s back, apart from the breaks cut at.
func SplitText(s string, max int) []string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return []string{s}
	}
	var out []string
	for utf8.RuneCountInString(s) > max {
		// head is a byte prefix of s holding max characters (also when s
		// is not valid UTF-8).
		end, n := 0, 0
		for end < len(s) && n < max {
			_, size := utf8.DecodeRuneInString(s[end:])
			end += size
			n++
		}
		head := s[:end]
		cut := -1
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(head, sep); i > len(head)/2 {
				cut = i
				out = append(out, strings.TrimRight(head[:i], " \n"))
				s = s[i+len(sep):]
				break
			}
		}
		if cut < 0 {
			out = append(out, head)
			s = s[len(head):]
		}
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// Secret returns the named random secret kept in the store, creating it
// on first use, e.g. the key that protects button contexts.
func Secret(st Store, name string, generate func() ([]byte, error)) ([]byte, error) {
	var key []byte
	err := st.Update(func(tx Tx) error {
		err := tx.Get(BucketMeta, "secret:"+name, &key)
		if err == nil && len(key) > 0 {
			return nil
		}
		if key, err = generate(); err != nil {
			return err
		}
		return tx.Put(BucketMeta, "secret:"+name, key)
	})
	return key, err
}
