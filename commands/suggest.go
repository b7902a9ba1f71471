package commands

import (
	"strings"
	"unicode/utf8"
)

// Nearest returns the candidate closest to word when it is close enough
// to be a slip of the keyboard — one letter wrong, missing, extra or two
// swapped in a short word, two in a longer one — and unambiguous; "" when
// none is.
func Nearest(word string, candidates []string) string {
	word = strings.ToLower(word)
	limit := 1
	if utf8.RuneCountInString(word) > 5 {
		limit = 2
	}
	best, bestD, ties := "", limit+1, 0
	for _, c := range candidates {
		if c == "" || strings.EqualFold(c, word) {
			continue
		}
		d := distance(word, strings.ToLower(c))
		switch {
		case d < bestD:
			best, bestD, ties = c, d, 0
		case d == bestD && c != best:
			ties++
		}
	}
	if ties > 0 {
		return ""
	}
	return best
}

// distance is the optimal string alignment distance between a and b, in
// letters: insertions, deletions, substitutions and swaps of neighbours.
func distance(a, b string) int {
	s, t := []rune(a), []rune(b)
	prev2 := make([]int, len(t)+1)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}
