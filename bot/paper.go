package bot

import "time"

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
	// Lang is the language the paper is in, for its page furniture
	// ("" for the printer's own).
	Lang string
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
	BlockPlot                        // Plot: a timeline drawn across the page
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
	Plot   *Plot
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

// print prints p, a paper of forum f made at, with the forum named and the
// time given as people there read them.
func (k *core) print(f *Forum, p Paper, at time.Time) ([]byte, error) {
	return k.Print(p, f.Name+" ("+f.ID+")", at.In(k.loc()).Format("2006-01-02 15:04"))
}
