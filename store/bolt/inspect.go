package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"time"
)

// Inspect checks a database file before bbolt maps it into memory, with
// plain reads only, so that no damage can fault the process (bbolt trusts
// the file: a page beyond a truncated end stops the process with SIGBUS,
// a garbled page header makes it read anywhere). It checks:
//
//   - the two meta pages (magic, version, checksum), taking the newer
//     valid one as bbolt does;
//   - that the file reaches as far as that meta says its pages do;
//   - every page reachable from the root, bucket by bucket, inline
//     buckets too: within the file, of the type expected, elements and
//     their keys and values within the page, keys in order, no page
//     visited twice; and the freelist page;
//   - that every value is well-formed JSON, which is all the bot writes.
//
// A missing file is no error (Open makes one); an empty one is. Every
// error names the file and says what to do; damage is ErrDamaged.
func Inspect(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%s is a directory, not a database", path)
	}
	if fi.Size() == 0 {
		return &DamageError{Path: path, Empty: true}
	}
	in := &inspector{r: f, size: fi.Size(), seen: map[uint64]bool{}}
	if err := in.run(); err != nil {
		var nd notDatabase
		return &DamageError{Path: path, Reason: err.Error(), Foreign: errors.As(err, &nd)}
	}
	return nil
}

// ErrDamaged means a database file is damaged or is not a database
// (errors.Is on a *DamageError).
var ErrDamaged = errors.New("damaged database")

// DamageError says what is wrong with a database file and what to do.
type DamageError struct {
	Path   string
	Reason string
	// Foreign is set when the file is not a bbolt database at all, Empty
	// when it is empty.
	Foreign, Empty bool
}

func (e *DamageError) Error() string {
	switch {
	case e.Empty:
		return e.Path + " is empty, so it is not a samverkan database: remove it (a new database is made only where no file exists), or restore a backup to it"
	case e.Foreign:
		return e.Path + " is not a samverkan database (" + e.Reason + "): name the database with --data or SAMVERKAN_DATA"
	}
	return e.Path + " is damaged: " + e.Reason + ". Restore it from a backup (samverkan backup makes one), or move it aside to start afresh"
}

// Is makes errors.Is(err, ErrDamaged) hold.
func (e *DamageError) Is(target error) bool { return target == ErrDamaged }

// notDatabase is a reason the file is not a bbolt database at all.
type notDatabase string

func (n notDatabase) Error() string { return string(n) }

const (
	pageHeaderSize = 16
	elemSize       = 16 // a branch or a leaf element
	metaSize       = 64
	magic          = 0xED0CDAED
	formatVersion  = 2
	branchPage     = 0x01
	leafPage       = 0x02
	metaPage       = 0x04
	freelistPage   = 0x10
	bucketLeaf     = 0x01
	noFreelist     = ^uint64(0)
	maxDepth       = 64
)

var ne = binary.NativeEndian // bbolt writes the machine's byte order

type meta struct {
	pageSize           uint32
	root, freelist, hw uint64 // hw: the high-water mark, pages in use
	txid               uint64
}

type inspector struct {
	r        io.ReaderAt
	size     int64
	pageSize int64
	hw       uint64
	seen     map[uint64]bool
}

func (in *inspector) run() error {
	m, err := in.meta()
	if err != nil {
		return err
	}
	in.pageSize, in.hw = int64(m.pageSize), m.hw
	if need := int64(m.hw) * in.pageSize; in.size < need {
		return fmt.Errorf("the file is cut short: it is %d bytes, but its pages reach %d", in.size, need)
	}
	if m.root < 2 || m.root >= m.hw {
		return fmt.Errorf("the root bucket's page %d is outside the file's pages (2..%d)", m.root, m.hw-1)
	}
	if m.freelist != noFreelist {
		if err := in.freelistPage(m.freelist); err != nil {
			return err
		}
	}
	return in.bucketPage(m.root, 0)
}

// meta reads both meta pages and returns the valid one with the higher
// transaction, as bbolt does.
func (in *inspector) meta() (meta, error) {
	var best *meta
	var firstErr error
	read := func(off int64) (meta, error) {
		b := make([]byte, pageHeaderSize+metaSize)
		if _, err := in.r.ReadAt(b, off); err != nil {
			return meta{}, notDatabase("it is too short to be a database")
		}
		if flags := ne.Uint16(b[8:]); flags != metaPage {
			return meta{}, notDatabase("it does not begin as a database does")
		}
		mb := b[pageHeaderSize:]
		if ne.Uint32(mb[0:]) != magic {
			return meta{}, notDatabase("it does not begin as a database does")
		}
		if v := ne.Uint32(mb[4:]); v != formatVersion {
			return meta{}, fmt.Errorf("it has format version %d, not %d", v, formatVersion)
		}
		h := fnv.New64a()
		h.Write(mb[:56])
		if h.Sum64() != ne.Uint64(mb[56:]) {
			return meta{}, fmt.Errorf("the meta page at %d fails its checksum", off)
		}
		m := meta{pageSize: ne.Uint32(mb[8:]), root: ne.Uint64(mb[16:]), freelist: ne.Uint64(mb[32:]), hw: ne.Uint64(mb[40:]), txid: ne.Uint64(mb[48:])}
		if m.pageSize < 512 || m.pageSize > 1<<20 || m.pageSize&(m.pageSize-1) != 0 {
			return meta{}, fmt.Errorf("its page size %d is not one bbolt uses", m.pageSize)
		}
		return m, nil
	}
	m0, err := read(0)
	if err == nil {
		best = &m0
	} else {
		firstErr = err
	}
	// The second meta page is one page in: the first one's page size, or,
	// when the first is unreadable, the usual sizes.
	sizes := []int64{4096, 8192, 16384, 65536}
	if best != nil {
		sizes = []int64{int64(best.pageSize)}
	}
	for _, ps := range sizes {
		if ps >= in.size {
			continue
		}
		m1, err := read(ps)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if int64(m1.pageSize) == ps && (best == nil || m1.txid > best.txid) {
			best = &m1
		}
		break
	}
	if best == nil {
		if firstErr == nil {
			firstErr = notDatabase("it is too short to be a database")
		}
		return meta{}, firstErr
	}
	return *best, nil
}

// page reads page id with its overflow pages, checking that it lies
// within the file and has not been visited before.
func (in *inspector) page(id uint64) ([]byte, error) {
	if id < 2 || id >= in.hw {
		return nil, fmt.Errorf("a reference to page %d, outside the file's pages (2..%d)", id, in.hw-1)
	}
	if in.seen[id] {
		return nil, fmt.Errorf("page %d is referred to twice", id)
	}
	in.seen[id] = true
	head := make([]byte, pageHeaderSize)
	if _, err := in.r.ReadAt(head, int64(id)*in.pageSize); err != nil {
		return nil, fmt.Errorf("page %d cannot be read (%v)", id, err)
	}
	if got := ne.Uint64(head); got != id {
		return nil, fmt.Errorf("page %d says it is page %d", id, got)
	}
	overflow := uint64(ne.Uint32(head[12:]))
	if id+overflow >= in.hw {
		return nil, fmt.Errorf("page %d runs %d pages past the file's pages", id, id+overflow-in.hw+1)
	}
	for o := uint64(1); o <= overflow; o++ {
		if in.seen[id+o] {
			return nil, fmt.Errorf("page %d overlaps page %d", id, id+o)
		}
		in.seen[id+o] = true
	}
	buf := make([]byte, int64(overflow+1)*in.pageSize)
	if _, err := in.r.ReadAt(buf, int64(id)*in.pageSize); err != nil {
		return nil, fmt.Errorf("page %d cannot be read (%v)", id, err)
	}
	return buf, nil
}

func (in *inspector) freelistPage(id uint64) error {
	p, err := in.page(id)
	if err != nil {
		return fmt.Errorf("freelist: %w", err)
	}
	if flags := ne.Uint16(p[8:]); flags != freelistPage {
		return fmt.Errorf("page %d should be the freelist but is of type %#x", id, flags)
	}
	idx, count := 0, uint64(ne.Uint16(p[10:]))
	if count == 0xFFFF {
		idx, count = 1, ne.Uint64(p[pageHeaderSize:])
	}
	if uint64(pageHeaderSize)+(uint64(idx)+count)*8 > uint64(len(p)) {
		return fmt.Errorf("the freelist on page %d lists more pages (%d) than it holds", id, count)
	}
	for i := uint64(0); i < count; i++ {
		free := ne.Uint64(p[pageHeaderSize+(uint64(idx)+i)*8:])
		if free < 2 || free >= in.hw {
			return fmt.Errorf("the freelist names page %d, outside the file's pages", free)
		}
	}
	return nil
}

// bucketPage checks the tree of a bucket rooted at page id.
func (in *inspector) bucketPage(id uint64, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("page %d: buckets nest deeper than %d", id, maxDepth)
	}
	p, err := in.page(id)
	if err != nil {
		return err
	}
	return in.nodes(p, id, depth)
}

// nodes checks one branch or leaf page p (page id, 0 for an inline
// bucket's page) and what it refers to.
func (in *inspector) nodes(p []byte, id uint64, depth int) error {
	if len(p) < pageHeaderSize {
		return fmt.Errorf("page %d is too short", id)
	}
	flags, count := ne.Uint16(p[8:]), int(ne.Uint16(p[10:]))
	if pageHeaderSize+count*elemSize > len(p) {
		return fmt.Errorf("page %d claims %d elements, more than it holds", id, count)
	}
	var prev []byte
	for i := range count {
		e := pageHeaderSize + i*elemSize
		var key, val []byte
		var child uint64
		var eflags uint32
		switch flags {
		case branchPage:
			pos, ksize := int(ne.Uint32(p[e:])), int(ne.Uint32(p[e+4:]))
			child = ne.Uint64(p[e+8:])
			if e+pos < e || e+pos+ksize > len(p) || ksize < 0 {
				return fmt.Errorf("page %d, element %d: its key lies outside the page", id, i)
			}
			key = p[e+pos : e+pos+ksize]
		case leafPage:
			eflags = ne.Uint32(p[e:])
			pos, ksize, vsize := int64(ne.Uint32(p[e+4:])), int64(ne.Uint32(p[e+8:])), int64(ne.Uint32(p[e+12:]))
			if int64(e)+pos+ksize+vsize > int64(len(p)) {
				return fmt.Errorf("page %d, element %d: its key or value lies outside the page", id, i)
			}
			k := int64(e) + pos
			key, val = p[k:k+ksize], p[k+ksize:k+ksize+vsize]
		default:
			return fmt.Errorf("page %d should hold data but is of type %#x", id, flags)
		}
		if i > 0 && bytes.Compare(prev, key) >= 0 {
			return fmt.Errorf("page %d, element %d: keys out of order", id, i)
		}
		prev = key
		switch {
		case flags == branchPage:
			if err := in.bucketPage(child, depth); err != nil {
				return err
			}
		case eflags&bucketLeaf != 0:
			if len(val) < 16 {
				return fmt.Errorf("page %d, element %d: a bucket's header is cut short", id, i)
			}
			if root := ne.Uint64(val); root != 0 {
				if err := in.bucketPage(root, depth+1); err != nil {
					return err
				}
			} else if err := in.nodes(val[16:], 0, depth+1); err != nil { // an inline bucket
				return err
			}
		case eflags != 0:
			return fmt.Errorf("page %d, element %d: unknown flags %#x", id, i, eflags)
		case !json.Valid(val):
			return fmt.Errorf("page %d: the value of %q is garbled", id, truncate(key))
		}
	}
	return nil
}

func truncate(key []byte) string {
	if len(key) > 40 {
		return string(key[:40]) + "…"
	}
	return string(key)
}

// inspect runs Inspect while holding a shared lock on the file, so that no
// process writes it meanwhile; it waits up to timeout for a process that
// holds it, then reports ErrLocked.
func inspect(path string, timeout time.Duration) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := tryLockShared(f)
		if err != nil {
			return err
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			return ErrLocked
		}
		time.Sleep(50 * time.Millisecond)
	}
	defer unlock(f)
	return Inspect(path)
}
