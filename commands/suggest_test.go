package commands

import "testing"

// A slip of the keyboard finds its word; a different word, or one as
// close to two candidates, finds none.
func TestNearestFindsSlipsOnly(t *testing.T) {
	words := []string{"lägesbild", "kvittera", "ssr", "tfn", "ellevio", "forum", "aktör", "report"}
	for typed, want := range map[string]string{
		"lägesbld": "lägesbild", // a letter missing
		"kvitera":  "kvittera",
		"srr":      "ssr", // a letter wrong in a short word
		"elevio":   "ellevio",
		"reprot":   "report", // two letters swapped
		"FORUM":    "",       // the word itself, in capitals: not a slip
		"xyz":      "",
		"bild":     "",
	} {
		if got := Nearest(typed, words); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", typed, got, want)
		}
	}
	if got := Nearest("tsr", []string{"ssr", "tsa"}); got != "" {
		t.Errorf("an ambiguous slip suggested %q", got)
	}
}
