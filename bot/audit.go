package bot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AuditEvent is one entry of the append-only audit log. Each event's Hash
// covers its content and the previous event's hash, so editing or deleting
// any entry breaks the chain from there on.
type AuditEvent struct {
	Seq         uint64            `json:"seq"`
	Time        time.Time         `json:"time"`
	Who         string            `json:"who"` // identity key, or "system"
	WhoName     string            `json:"who_name,omitempty"`
	Action      string            `json:"action"`
	Subject     string            `json:"subject,omitempty"`
	Details     map[string]string `json:"details,omitempty"`
	ContentHash string            `json:"content_hash,omitempty"`
	Prev        string            `json:"prev"`
	Hash        string            `json:"hash"`
}

// ComputeHash is the SHA-256 of the event's canonical encoding (its JSON
// with map keys sorted) without its own Hash field. VerifyAudit accepts a
// record only when its stored bytes are exactly that canonical encoding,
// so the hash covers the stored bytes.
func (e AuditEvent) ComputeHash() string {
	e.Hash = ""
	b, _ := json.Marshal(e)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonical reports whether raw is exactly how ev encodes: no extra,
// duplicated, re-ordered or re-spelled keys, no other whitespace.
func canonical(raw []byte, ev AuditEvent) bool {
	again, err := json.Marshal(ev)
	return err == nil && bytes.Equal(raw, again)
}

// auditHead is kept in the meta bucket so that deleting the newest events
// is detected too.
type auditHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

const metaAuditHead = "audit_head"

// appendAudit links ev to the chain and stores it.
func appendAudit(tx Tx, ev AuditEvent) error {
	var head auditHead
	if err := tx.Get(BucketMeta, metaAuditHead, &head); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	ev.Seq, ev.Prev = head.Seq+1, head.Hash
	ev.Time = ev.Time.UTC()
	ev.Hash = ev.ComputeHash()
	if err := tx.Put(BucketAudit, SeqKey(ev.Seq), ev); err != nil {
		return err
	}
	if ev.Subject != "" {
		if err := tx.Put(BucketAuditBySubject, subjectKey(ev.Subject, ev.Seq), ev.Seq); err != nil {
			return err
		}
	}
	return tx.Put(BucketMeta, metaAuditHead, auditHead{Seq: ev.Seq, Hash: ev.Hash})
}

// BucketAuditBySubject indexes the audit log by subject, newest first
// (subject|inverted sequence -> sequence): a forum's latest events are
// read without reading anyone else's.
const BucketAuditBySubject = "audit_by_subject"

func subjectKey(subject string, seq uint64) string { return subject + "|" + SeqKey(^seq) }

// AuditHead is the sequence number of the newest audit event: it changes
// whenever anything does.
func AuditHead(tx Tx) (uint64, error) {
	var head auditHead
	if err := tx.Get(BucketMeta, metaAuditHead, &head); err != nil && !errors.Is(err, ErrNotFound) {
		return 0, err
	}
	return head.Seq, nil
}

// LatestSeqAbout is the sequence number of the newest audit event about
// subject, or 0.
func LatestSeqAbout(tx Tx, subject string) (uint64, error) {
	var n uint64
	prefix := subject + "|"
	err := tx.ForEach(BucketAuditBySubject, prefix, func(k string, decode func(any) error) error {
		if strings.HasPrefix(k, prefix) {
			if err := decode(&n); err != nil {
				return err
			}
		}
		return ErrStop
	})
	return n, err
}

// LatestAbout returns up to limit audit events about subject, newest
// first.
func LatestAbout(tx Tx, subject string, limit int) ([]AuditEvent, error) {
	var out []AuditEvent
	if limit <= 0 {
		return nil, nil
	}
	err := eachAuditAbout(tx, subject, func(ev AuditEvent) bool {
		out = append(out, ev)
		return len(out) < limit
	})
	return out, err
}

// eachAuditAbout calls fn with the audit events about subject, newest
// first, until fn returns false.
func eachAuditAbout(tx Tx, subject string, fn func(AuditEvent) bool) error {
	prefix := subject + "|"
	return tx.ForEach(BucketAuditBySubject, prefix, func(k string, decode func(any) error) error {
		if !strings.HasPrefix(k, prefix) {
			return ErrStop
		}
		var n uint64
		if err := decode(&n); err != nil {
			return err
		}
		var ev AuditEvent
		if err := tx.Get(BucketAudit, SeqKey(n), &ev); err != nil {
			return err
		}
		if !fn(ev) {
			return ErrStop
		}
		return nil
	})
}

// indexAuditSubjects indexes, once, the audit events written before the
// index existed.
func indexAuditSubjects(tx Tx) error {
	return indexOnce(tx, "audit_subject_index", true, func() error {
		return tx.ForEach(BucketAudit, "", func(_ string, decode func(any) error) error {
			var ev AuditEvent
			if err := decode(&ev); err != nil || ev.Subject == "" {
				return err
			}
			return tx.Put(BucketAuditBySubject, subjectKey(ev.Subject, ev.Seq), ev.Seq)
		})
	})
}

// AuditBreak says where and why the audit chain is broken.
type AuditBreak struct {
	Seq    uint64
	Reason string
}

func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit record %d: %s", b.Seq, b.Reason)
}

// VerifyAudit walks the whole chain and returns the number of events and
// the first break, or nil when the log is intact.
func VerifyAudit(tx Tx) (int, *AuditBreak) {
	var prev string
	var want uint64 = 1
	n := 0
	var brk *AuditBreak
	err := tx.ForEach(BucketAudit, "", func(key string, decode func(any) error) error {
		var raw json.RawMessage
		var ev AuditEvent
		err := decode(&raw)
		if err == nil {
			err = json.Unmarshal(raw, &ev)
		}
		if err != nil {
			brk = &AuditBreak{Seq: want, Reason: "unreadable record: " + err.Error()}
			return ErrStop
		}
		switch {
		case !canonical(raw, ev):
			brk = &AuditBreak{Seq: want, Reason: "stored bytes are not the record's own encoding (a key added, duplicated or changed)"}
		case key != SeqKey(ev.Seq):
			brk = &AuditBreak{Seq: want, Reason: fmt.Sprintf("stored under key %s but says it is record %d", key, ev.Seq)}
		case ev.Seq != want:
			brk = &AuditBreak{Seq: want, Reason: fmt.Sprintf("missing (next record found is %d)", ev.Seq)}
		case ev.Prev != prev:
			brk = &AuditBreak{Seq: ev.Seq, Reason: "does not link to the record before it"}
		case ev.ComputeHash() != ev.Hash:
			brk = &AuditBreak{Seq: ev.Seq, Reason: "content does not match its hash (edited)"}
		}
		if brk != nil {
			return ErrStop
		}
		prev, want, n = ev.Hash, want+1, n+1
		return nil
	})
	if err != nil && brk == nil {
		return n, &AuditBreak{Seq: want, Reason: err.Error()}
	}
	if brk != nil {
		return n, brk
	}
	var head auditHead
	if err := tx.Get(BucketMeta, metaAuditHead, &head); err != nil && !errors.Is(err, ErrNotFound) {
		return n, &AuditBreak{Seq: want, Reason: "unreadable head: " + err.Error()}
	}
	if head.Seq != uint64(n) || head.Hash != prev {
		return n, &AuditBreak{Seq: uint64(n) + 1, Reason: fmt.Sprintf("log ends at record %d but the head says %d (records deleted)", n, head.Seq)}
	}
	return n, nil
}

// AuditEvents returns up to limit events, newest last, starting at seq from.
func AuditEvents(tx Tx, from uint64, limit int) ([]AuditEvent, error) {
	var out []AuditEvent
	err := tx.ForEach(BucketAudit, SeqKey(from), func(_ string, decode func(any) error) error {
		var ev AuditEvent
		if err := decode(&ev); err != nil {
			return err
		}
		out = append(out, ev)
		if limit > 0 && len(out) >= limit {
			return ErrStop
		}
		return nil
	})
	return out, err
}
