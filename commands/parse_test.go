package commands

import (
	"reflect"
	"testing"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []Token
	}{
		{`forum lista`, []Token{{Text: "forum"}, {Text: "lista"}}},
		{`  forum   visa  ssr `, []Token{{Text: "forum"}, {Text: "visa"}, {Text: "ssr"}}},
		{`aktör lägg-till lst "Länsstyrelsen Stockholm"`, []Token{{Text: "aktör"}, {Text: "lägg-till"}, {Text: "lst"}, {Text: "Länsstyrelsen Stockholm", Quoted: true}}},
		{`nivå=samordnande`, []Token{{Key: "niva", Text: "samordnande"}}},
		{`namn="Ett namn"`, []Token{{Key: "namn", Text: "Ett namn", Quoted: true}}},
		{`“Typografiska citat”`, []Token{{Text: "Typografiska citat", Quoted: true}}},
		{`”Svenska citat”`, []Token{{Text: "Svenska citat", Quoted: true}}},
		{`""`, []Token{{Text: "", Quoted: true}}},
		{`"a=b"`, []Token{{Text: "a=b", Quoted: true}}},
		{`roll=kommunikatör,medlem`, []Token{{Key: "roll", Text: "kommunikatör,medlem"}}},
		{`Skåne's`, []Token{{Text: "Skåne's"}}},
		{`x=`, []Token{{Key: "x", Text: ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Tokenize(tt.in)
			if err != nil {
				t.Fatalf("Tokenize(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokenize(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokenizeUnbalanced(t *testing.T) {
	for _, in := range []string{`forum skapa "trasig`, `namn="x`, `“öppen`} {
		if _, err := Tokenize(in); err == nil {
			t.Errorf("Tokenize(%q) accepted an unbalanced quote", in)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{`forum skapa ssr "Regional" nivå=samordnande`, `"`, `a="b c" d`, `“x”`, "\x00\xff", `@channel <!everyone>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks, err := Tokenize(s)
		if err != nil {
			return
		}
		for _, tk := range toks {
			if tk.Text == "" && !tk.Quoted && tk.Key == "" {
				t.Fatalf("empty token from %q", s)
			}
		}
	})
}
