package bot

import "strings"

// Paper is a document laid out for print (package pdf draws it): a title,
// the label, and blocks a secretary would recognise — headings kept with
// what follows them, numbered decisions with a hanging indent, tables,
// a signature block. Nothing on it is chat syntax.
type Paper struct {
	Title      string
	Lead       string // one line under the title: what, when
	TLP        TLP
	Obligation string
	Exercise   string
	Blocks     []Block
}

// BlockKind is what a block of a Paper is.
type BlockKind int

// The kinds of block.
const (
	BlockHeading    BlockKind = iota // Text, with Label when the part has its own
	BlockText                        // a paragraph, lines kept
	BlockFacts                       // Pairs: a term and its value
	BlockNumbered                    // Items: a reference, the text, a note
	BlockTable                       // Head, Rows, Widths
	BlockSignatures                  // Pairs: the role and the name under the line
)

// Block is one part of a Paper.
type Block struct {
	Kind  BlockKind
	Text  string
	Label TLP
	Pairs [][2]string
	Items []Item
	Head  []string
	Rows  [][]string
	// Widths are the columns' shares of the line (they need not add up).
	Widths []float64
}

// Item is one numbered entry: its reference ("2:1"), its text and a
// note under it (who decided, when).
type Item struct{ Ref, Text, Note string }

// Labels are every label on the paper.
func (p Paper) Labels() []TLP {
	out := []TLP{p.TLP}
	for _, b := range p.Blocks {
		if b.Label != TLPNone {
			out = append(out, b.Label)
		}
	}
	return out
}

// PaperOf lays a message out for print as it is: its text, its fields
// as facts, its sections under their headings and labels.
func PaperOf(m Message) Paper {
	p := Paper{Title: plainText(m.Title), TLP: m.TLP, Obligation: m.Obligation, Exercise: m.Exercise}
	if m.Text != "" {
		p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: plainText(m.Text)})
	}
	if len(m.Fields) > 0 {
		b := Block{Kind: BlockFacts}
		for _, f := range m.Fields {
			b.Pairs = append(b.Pairs, [2]string{plainText(f.Title), plainText(f.Value)})
		}
		p.Blocks = append(p.Blocks, b)
	}
	for _, s := range m.Sections {
		if s.Title != "" || s.TLP != TLPNone {
			p.Blocks = append(p.Blocks, Block{Kind: BlockHeading, Text: plainText(s.Title), Label: s.TLP})
		}
		p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: plainText(s.Text)})
	}
	return p
}

// plainText drops the little Markdown the bot writes (`code`, **bold**).
func plainText(s string) string { return markdownMarks.Replace(s) }

var markdownMarks = strings.NewReplacer("**", "", "`", "")
