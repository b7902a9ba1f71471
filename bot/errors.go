package bot

import (
	"errors"
	"fmt"
)

// Error codes tell adapters and commands how to present a failure.
const (
	ENOTFOUND  = "not_found" // the named thing does not exist
	EFORBIDDEN = "forbidden" // the caller may not do this
	EINVALID   = "invalid"   // the input is wrong; the message says how
	ECONFLICT  = "conflict"  // the state does not allow it (already exists, already active)
	EBUSY      = "busy"      // the bot is too loaded to do it now; nothing was changed
	EINTERNAL  = "internal"  // anything else; never shown in detail to users
)

// Error is a failure that is safe to show a user: a code plus a catalog
// message ID and its template data. Field names the form field at fault,
// when there is one.
type Error struct {
	Code  string
	ID    string
	Data  map[string]any
	Field string
	// outsiders are the people a gate refusal names, resolved to the
	// names people know them by after the transaction.
	outsiders []Identity
}

func (e *Error) Error() string {
	if len(e.Data) == 0 {
		return e.Code + ": " + e.ID
	}
	return fmt.Sprintf("%s: %s %v", e.Code, e.ID, e.Data)
}

// Errorf builds an Error from a code, a catalog ID and key/value pairs.
func Errorf(code, id string, kv ...any) *Error {
	return &Error{Code: code, ID: id, Data: KV(kv...)}
}

// OnField marks the error as belonging to one form field.
func (e *Error) OnField(name string) *Error {
	e.Field = name
	return e
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrNotFound is returned by stores when a key is absent.
var ErrNotFound = errors.New("not found")

// KV turns alternating keys and values into template data.
func KV(kv ...any) map[string]any {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		m[k] = kv[i+1]
	}
	return m
}

// kv flattens the error's data into key/value pairs for the catalog.
func (e *Error) kv() []any {
	var out []any
	for k, v := range e.Data {
		out = append(out, k, v)
	}
	return out
}
