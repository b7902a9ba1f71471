// Package capfeed publishes the released TLP:CLEAR statements of the
// forums an operator chose as an Atom feed of CAP 1.2 alerts, the way
// public warning receivers (Krisinformation.se, Sveriges Radio's VMA
// feed, Norway's public warning) pick alerts up: GET /cap/{forum}.atom
// lists them, GET /cap/{forum}/{n}.xml is one alert. Nothing else is
// reachable: a forum not turned on, or a statement that is not public,
// is not found.
package capfeed

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"samverkan/bot"
)

// Handler serves the feeds.
type Handler struct {
	Bot *bot.Bot
	// Forums are the forums whose feed is public.
	Forums []string
	// Base is the public URL the links in a feed start with.
	Base string
}

// Routes adds the feed's routes to mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /cap/{file}", h.feed)
	mux.HandleFunc("GET /cap/{forum}/{file}", h.alert)
}

// The Atom document (RFC 4287), with what a CAP feed carries.
type (
	feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Author  author   `xml:"author"`
		Links   []link   `xml:"link"`
		Entries []entry  `xml:"entry"`
	}
	author struct {
		Name string `xml:"name"`
	}
	link struct {
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
		Href string `xml:"href,attr"`
	}
	entry struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Summary string `xml:"summary"`
		Links   []link `xml:"link"`
	}
)

// open reports whether forum's feed is public.
func (h *Handler) open(forum string) bool { return slices.Contains(h.Forums, forum) }

func (h *Handler) feed(w http.ResponseWriter, r *http.Request) {
	forum, ok := strings.CutSuffix(r.PathValue("file"), ".atom")
	if !ok || !h.open(forum) {
		http.NotFound(w, r)
		return
	}
	f, alerts, err := h.Bot.Statements.PublicCAP(forum)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	base := strings.TrimSuffix(h.Base, "/") + "/cap/" + f.ID
	doc := feed{ID: base + ".atom", Title: f.Name, Author: author{Name: f.Name},
		Links: []link{{Rel: "self", Type: "application/atom+xml", Href: base + ".atom"}}}
	for _, a := range alerts {
		e := entry{ID: "urn:cap:" + a.Identifier, Updated: a.Sent,
			Links: []link{{Rel: "alternate", Type: "application/cap+xml", Href: base + "/" + strconv.FormatUint(a.Statement, 10) + ".xml"}}}
		if len(a.Info) > 0 {
			e.Title, e.Summary = a.Info[0].Headline, a.Info[0].Description
		}
		doc.Entries = append(doc.Entries, e)
		doc.Updated = max(doc.Updated, a.Sent)
	}
	if doc.Updated == "" {
		doc.Updated = bot.CAPTime(f.CreatedAt)
	}
	out, _ := xml.MarshalIndent(doc, "", "  ")
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}

func (h *Handler) alert(w http.ResponseWriter, r *http.Request) {
	forum := r.PathValue("forum")
	n, err := strconv.ParseUint(strings.TrimSuffix(r.PathValue("file"), ".xml"), 10, 64)
	if err != nil || !h.open(forum) {
		http.NotFound(w, r)
		return
	}
	a, err := h.Bot.Statements.PublicAlert(forum, n)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/cap+xml; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(bot.MarshalCAP(a))
}
