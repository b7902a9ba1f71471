// Package catalog holds every user-visible string of samverkan in Swedish
// (the default), English and Norwegian (bokmål), on go-i18n.
package catalog

import (
	"embed"
	"fmt"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

//go:embed sv.yaml en.yaml nb.yaml
var files embed.FS

// Default is the language used when none is asked for.
const Default = "sv"

// Langs are the supported languages.
var Langs = []string{"sv", "en", "nb"}

var (
	once       sync.Once
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	ids        map[string][]string
)

func load() {
	bundle = i18n.NewBundle(language.Swedish)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	localizers = map[string]*i18n.Localizer{}
	ids = map[string][]string{}
	for _, l := range Langs {
		mf, err := bundle.LoadMessageFileFS(files, l+".yaml")
		if err != nil {
			panic(fmt.Sprintf("catalog %s: %v", l, err)) // embedded; a test proves it loads
		}
		for _, m := range mf.Messages {
			ids[l] = append(ids[l], m.ID)
		}
		localizers[l] = i18n.NewLocalizer(bundle, l)
	}
}

// Normalize maps a language name to a supported language, or Default.
func Normalize(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(l, "-_"); i > 0 {
		l = l[:i]
	}
	for _, s := range Langs {
		if s == l {
			return s
		}
	}
	return Default
}

// IDs returns the message IDs defined for lang.
func IDs(lang string) []string {
	once.Do(load)
	return ids[lang]
}

// T returns message id in lang with the key/value pairs as template data.
// A missing message shows its ID, which a test forbids.
func T(lang, id string, kv ...any) string {
	once.Do(load)
	loc := localizers[Normalize(lang)]
	data := map[string]any{}
	var count any
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		data[k] = kv[i+1]
		if k == "Count" {
			count = kv[i+1]
		}
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil && count != nil {
		// A message without plural forms is the same for every count.
		s, err = loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	}
	if err != nil {
		return id
	}
	return s
}

// Count is n of a noun in lang, with the noun's plural form when n is
// not one: Count("sv", "channels", 1) is "1 kanal". The nouns are the
// catalog's count.* messages.
func Count(lang, noun string, n int) string { return T(lang, "count."+noun, "Count", n) }

// Printer translates into one language.
type Printer struct{ Lang string }

// T returns message id in the printer's language.
func (p Printer) T(id string, kv ...any) string { return T(p.Lang, id, kv...) }

// Count is n of a noun in the printer's language (see Count).
func (p Printer) Count(noun string, n int) string { return Count(p.Lang, noun, n) }
