package bolt_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"samverkan/bot"
	"samverkan/store/bolt"
)

// goodFile is a database of a few hundred records in several buckets,
// spread over many pages, made once per test process.
var goodFile = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "samverkan-inspect")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "good.db")
	st, err := bolt.Open(path, time.Second)
	if err != nil {
		return nil, err
	}
	err = st.Update(func(tx bot.Tx) error {
		for i := range 300 {
			v := map[string]any{"n": i, "text": strings.Repeat("lägesbild ", i%40)}
			if err := tx.Put("reports", bot.SeqKey(uint64(i)), v); err != nil {
				return err
			}
			if err := tx.Put(fmt.Sprintf("small%d", i%5), fmt.Sprint(i), i); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
})

// used is how far the pages of the database file b reach.
func used(t *testing.T, b []byte) int {
	path := filepath.Join(t.TempDir(), "u.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.Used()
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// openDamaged writes b as a database file and opens it as serve does.
func openDamaged(t *testing.T, b []byte) error {
	t.Helper()
	path := filepath.Join(t.TempDir(), "d.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(path, time.Second)
	if err != nil {
		return err
	}
	defer st.Close()
	// Whatever opens must be readable whole without crashing.
	return st.View(func(tx bot.Tx) error {
		for _, b := range []string{"reports", "small0", "small1", "small2", "small3", "small4", bot.BucketMeta} {
			if err := tx.ForEach(b, "", func(string, func(any) error) error { return nil }); err != nil {
				return err
			}
		}
		return nil
	})
}

// Each kind of damage is refused with ErrDamaged and a reason that names
// it; an empty file and a file that is no database are refused too.
func TestDamagedFilesAreRefused(t *testing.T) {
	good, err := goodFile()
	if err != nil {
		t.Fatal(err)
	}
	if err := openDamaged(t, good); err != nil {
		t.Fatalf("the good file: %v", err)
	}
	flipped := func(off int, b byte) []byte {
		c := append([]byte(nil), good...)
		c[off] ^= b
		return c
	}
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "is empty, so it is not a samverkan database"},
		{"text", []byte("hej hej\n"), "is not a samverkan database"},
		{"cut to 8 KiB", good[:8192], "the file is cut short: it is 8192 bytes"},
		{"cut a page short of its data", good[:used(t, good)-4096], "the file is cut short"},
		{"both meta pages garbled", flipped(16+8, 0xff)[:], ""},
		{"a page header", flipped(3*4096, 0x5a), "page 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := c.file
			if c.name == "both meta pages garbled" {
				file = append([]byte(nil), good...)
				file[16+20] ^= 0xff
				file[4096+16+20] ^= 0xff
				c.want = "fails its checksum"
			}
			err := openDamaged(t, file)
			if !errors.Is(err, bolt.ErrDamaged) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "d.db") {
				t.Errorf("got %v, want ErrDamaged saying %q", err, c.want)
			}
		})
	}
}

// A byte changed anywhere in the file, or the file cut anywhere, never
// crashes the process that opens it: it is refused, or it opens and reads
// whole (a change on a free page, say).
func FuzzDamagedFile(f *testing.F) {
	good, err := goodFile()
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []struct {
		off uint32
		x   byte
		cut uint32
	}{{0, 0, 8192}, {4096 + 40, 1, 0}, {2*4096 + 10, 0xff, 0}, {5*4096 + 2, 0x80, 0}, {uint32(len(good)) - 100, 7, 0}, {9000, 0x10, uint32(len(good) - 4096)}} {
		f.Add(seed.off, seed.x, seed.cut)
	}
	f.Fuzz(func(t *testing.T, off uint32, x byte, cut uint32) {
		b := append([]byte(nil), good...)
		b[int(off)%len(b)] ^= x
		if cut > 0 && int(cut) < len(b) {
			b = b[:cut]
		}
		if err := openDamaged(t, b); err != nil && !errors.Is(err, bolt.ErrDamaged) {
			t.Fatalf("damage refused without saying so: %v", err)
		}
	})
}

// What checking a file on open costs against opening it unchecked, for a
// database of 30 MB (100,000 records of 300 bytes in 20 buckets):
// go test -run '^$' -bench OpenChecked ./store/bolt/
func BenchmarkOpenChecked(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.db")
	st, err := bolt.Open(path, time.Second)
	if err != nil {
		b.Fatal(err)
	}
	val := map[string]string{"text": strings.Repeat("x", 280)}
	for chunk := range 20 {
		err := st.Update(func(tx bot.Tx) error {
			for i := range 5000 {
				if err := tx.Put(fmt.Sprintf("b%02d", chunk), bot.SeqKey(uint64(i)), val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	n, _ := st.Used()
	st.Close()
	b.Logf("database of %.1f MB", float64(n)/1e6)
	b.Run("unchecked", func(b *testing.B) {
		for b.Loop() {
			db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
	b.Run("checked", func(b *testing.B) {
		for b.Loop() {
			st, err := bolt.Open(path, time.Second)
			if err != nil {
				b.Fatal(err)
			}
			st.Close()
		}
	})
}
