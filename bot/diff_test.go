package bot_test

import (
	"testing"

	"samverkan/bot"
)

func TestWordDiff(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"Elavbrott i Norrort", "Elavbrott i Norrort", "Elavbrott i Norrort"},
		{"Elavbrott i Norrort", "Elavbrott i hela Norrort", "Elavbrott i {+hela+} Norrort"},
		{"Undvik onödiga resor i kväll", "Undvik resor i kväll", "Undvik [-onödiga-] resor i kväll"},
		{"Ring 112 vid fara", "Ring 113 13 för information", "Ring [-112 vid fara-] {+113 13 för information+}"},
		{"", "Ny text", "{+Ny text+}"},
	}
	for _, tt := range tests {
		if got := bot.WordDiff(tt.a, tt.b); got != tt.want {
			t.Errorf("WordDiff(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}
