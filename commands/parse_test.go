package commands_test

import (
	"context"
	"reflect"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/commands"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []commands.Token
	}{
		{`forum lista`, []commands.Token{{Text: "forum"}, {Text: "lista"}}},
		{`  forum   visa  ssr `, []commands.Token{{Text: "forum"}, {Text: "visa"}, {Text: "ssr"}}},
		{`aktör lägg-till lst "Länsstyrelsen Stockholm"`, []commands.Token{{Text: "aktör"}, {Text: "lägg-till"}, {Text: "lst"}, {Text: "Länsstyrelsen Stockholm", Quoted: true}}},
		{`nivå=samordnande`, []commands.Token{{Key: "niva", Text: "samordnande"}}},
		{`namn="Ett namn"`, []commands.Token{{Key: "namn", Text: "Ett namn", Quoted: true}}},
		{`“Typografiska citat”`, []commands.Token{{Text: "Typografiska citat", Quoted: true}}},
		{`”Svenska citat”`, []commands.Token{{Text: "Svenska citat", Quoted: true}}},
		{`""`, []commands.Token{{Text: "", Quoted: true}}},
		{`"a=b"`, []commands.Token{{Text: "a=b", Quoted: true}}},
		{`roll=kommunikatör,medlem`, []commands.Token{{Key: "roll", Text: "kommunikatör,medlem"}}},
		{`Skåne's`, []commands.Token{{Text: "Skåne's"}}},
		{`x=`, []commands.Token{{Key: "x", Text: ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := commands.Tokenize(tt.in)
			if err != nil {
				t.Fatalf("commands.Tokenize(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("commands.Tokenize(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokenizeUnbalanced(t *testing.T) {
	for _, in := range []string{`forum skapa "trasig`, `namn="x`, `“öppen`} {
		if _, err := commands.Tokenize(in); err == nil {
			t.Errorf("commands.Tokenize(%q) accepted an unbalanced quote", in)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{`forum skapa ssr "Regional" nivå=samordnande`, `"`, `a="b c" d`, `“x”`, "\x00\xff", `@channel <!everyone>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks, err := commands.Tokenize(s)
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

// FuzzFormSubmission submits arbitrary values to the report form: it
// either stores a report or names a field, and never panics.
func FuzzFormSubmission(f *testing.F) {
	f.Add("Elavbrott", "delas", "AMBER", "")
	f.Add("@channel <!everyone>", "kanske", "PURPLE", "\x00\xff")
	f.Add("", "", "", "")
	w := newWorldTB(f)
	w.setup()
	f.Fuzz(func(t *testing.T, fakta, delas, tlp, prognos string) {
		c, _ := w.env.Bot.Caller(bottest.Admin)
		sam, _ := w.env.Bot.Caller(bot.Identity{Platform: bot.Mattermost, UserID: "u_sam"})
		for _, caller := range []bot.Caller{c, sam} {
			r := w.e.Submit(context.Background(), commands.Request{Caller: caller, Channel: forumChan, Users: users{}}, "lägesbild ny",
				map[string]string{"forum": "ssr", "fakta": fakta, "fakta-delas": delas, "tlp": tlp, "prognos": prognos})
			if r.Failed && r.Message.Text == "" {
				t.Fatalf("failure without a message for %q %q %q", fakta, delas, tlp)
			}
		}
	})
}
