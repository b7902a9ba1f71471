package catalog_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"samverkan/catalog"
)

func TestLanguagesHaveTheSameMessages(t *testing.T) {
	sv := catalog.IDs("sv")
	if len(sv) < 50 {
		t.Fatalf("only %d Swedish messages loaded", len(sv))
	}
	for _, lang := range catalog.Langs[1:] {
		other := catalog.IDs(lang)
		for _, id := range sv {
			if !slices.Contains(other, id) {
				t.Errorf("%s has no %s text", id, lang)
			}
		}
		for _, id := range other {
			if !slices.Contains(sv, id) {
				t.Errorf("%s (%s) has no Swedish text", id, lang)
			}
		}
	}
}

// Every catalog ID written as a literal in the code must exist, so no user
// ever sees a bare ID.
var idRE = regexp.MustCompile(`"((?:err|help|param|forum|actor|member|mode|field|form|shell|usage|announce|autocomplete|button|slack|activation|status|purpose|exercise|report|section|choice|tlp|label|conference|agenda|minutes|statement|audience|request|cap|aar|file|language|rollup)\.[a-z_.]+[a-z])"`)

func TestEveryIDInTheCodeExists(t *testing.T) {
	known := catalog.IDs("sv")
	root, _ := filepath.Abs("..")
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if strings.Contains(path, string(filepath.Separator)+"config"+string(filepath.Separator)) {
			return nil // operator-facing configuration keys, not messages
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(src), "\n") {
			if strings.Contains(line, "Audit(") { // audit action names, not messages
				continue
			}
			for _, m := range idRE.FindAllStringSubmatch(line, -1) {
				n++
				if !slices.Contains(known, m[1]) {
					t.Errorf("%s: %s is not in the catalog", filepath.Base(path), m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Fatalf("found only %d IDs in the code; the pattern is broken", n)
	}
}

func TestTemplatesRender(t *testing.T) {
	got := catalog.T("sv", "err.unknown_forum", "Forum", "ssr")
	if got != "Okänt forum: ssr. Se `forum lista`." {
		t.Errorf("sv = %q", got)
	}
	if got := catalog.T("en-GB", "err.unknown_forum", "Forum", "ssr"); !strings.HasPrefix(got, "Unknown forum: ssr") {
		t.Errorf("en = %q", got)
	}
	for _, l := range catalog.Langs {
		for _, id := range catalog.IDs(l) {
			if s := catalog.T(l, id); s == id {
				t.Errorf("%s/%s does not render", l, id)
			}
		}
	}
}

// Counts choose a message's plural form; a message without plural forms
// reads the same for every count.
func TestPluralForms(t *testing.T) {
	for _, c := range []struct {
		lang, id string
		count    int
		want     string
	}{
		{"sv", "conference.present_noted", 1, "Närvaro noterad för x (1 aktör närvarande)."},
		{"sv", "conference.present_noted", 3, "Närvaro noterad för x (3 aktörer närvarande)."},
		{"en", "conference.present_noted", 1, "Presence noted for x (1 actor present)."},
		{"sv", "report.n_internal", 1, "1 internt"},
		{"sv", "report.n_internal", 2, "2 interna"},
		{"sv", "conference.present_already", 1, "x är redan anmäld som närvarande."},
	} {
		if got := catalog.T(c.lang, c.id, "Actor", "x", "N", c.count, "Count", c.count); got != c.want {
			t.Errorf("T(%s, %s, %d) = %q, want %q", c.lang, c.id, c.count, got, c.want)
		}
	}
}
