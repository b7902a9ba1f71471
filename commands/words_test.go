package commands_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"samverkan/commands"
)

// TestBotHoldsNoCommandWords fails when a string literal in package bot
// starts with the words of a registered command, in either language:
// bot emits actions as data and package commands owns the words, so a
// renamed word can never break a button already posted.
func TestBotHoldsNoCommandWords(t *testing.T) {
	e := commands.New(nil, "sv")
	var paths [][]string
	for _, c := range e.Commands() {
		for _, lang := range []string{"sv", "en"} {
			paths = append(paths, strings.Fields(fold(c.Words(lang))))
		}
	}
	startsWithCommand := func(s string) bool {
		words := strings.Fields(fold(s))
		for _, p := range paths {
			if len(words) >= len(p) && strings.Join(words[:len(p)], " ") == strings.Join(p, " ") {
				return true
			}
		}
		return false
	}
	// The check itself must catch what it is for.
	for _, s := range []string{"budskap godkänn %d rev=%d", "kvittera ", "Lagesbild ny ssr", "statement approve 1"} {
		if !startsWithCommand(s) {
			t.Fatalf("the check misses %q", s)
		}
	}
	files, _ := filepath.Glob(filepath.Join("..", "bot", "*.go"))
	if len(files) < 10 {
		t.Fatalf("found %d files of package bot", len(files))
	}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.ImportSpec, *ast.Field:
				return false // import paths and struct tags are not text
			case *ast.BasicLit:
				if x.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(x.Value)
				if err == nil && startsWithCommand(s) {
					t.Errorf("%s: bot holds command text %q; emit a bot.Action and let commands own the words", fset.Position(x.Pos()), s)
				}
			}
			return true
		})
	}
}

// fold lowers a word and drops diacritics, as commands match them.
func fold(s string) string {
	return strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "é", "e").Replace(strings.ToLower(s))
}
