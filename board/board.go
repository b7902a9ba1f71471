// Package board serves the forum status board on the web (/board/…): a
// read-only page per forum, drawn for one member by the bot's own queries,
// so it shows exactly what that member may see in chat. A personal link
// from `/samverkan tavla` is exchanged once for a session cookie; nothing
// is reachable without one, and no secret stays in a URL. The page is
// server-rendered, works without JavaScript and in print, and refreshes
// itself through a small script served from the binary.
package board

import (
	"cmp"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"samverkan/bot"
	"samverkan/catalog"
)

//go:embed page.html gone.html open.html static
var files embed.FS

var (
	pageTmpl = template.Must(template.New("page.html").Funcs(template.FuncMap{
		"tlpClass": tlpClass,
		"since":    bot.Since,
		"dial":     dial,
		"join":     func(s []string) string { return strings.Join(s, ", ") },
		"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	}).ParseFS(files, "page.html"))
	goneTmpl = template.Must(template.ParseFS(files, "gone.html"))
	openTmpl = template.Must(template.ParseFS(files, "open.html"))
)

// CookieName is the session cookie's name.
const CookieName = "samverkan_board"

// Handler serves the board.
type Handler struct {
	Bot  *bot.Bot
	Lang string
	// Secure marks the cookie Secure (the public URL is https).
	Secure bool
	Log    *slog.Logger
}

// static is exactly the static folder: nothing outside it (the page's
// templates) can be named through it.
var static = func() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err)
	}
	return sub
}()

// Routes adds the board's routes to mux. Every route under /board/{forum}
// runs the same check: a session, for this forum, of a member the forum
// lets read it now (caller, then the bot's own query).
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /board-static/{file...}", h.staticFile)
	mux.HandleFunc("GET /board/login", h.opening)
	mux.HandleFunc("POST /board/login", h.login)
	mux.HandleFunc("GET /board/{forum}", h.page)
	mux.HandleFunc("GET /board/{forum}/version", h.version)
	mux.HandleFunc("GET /board/{forum}/picture.pdf", h.picturePDF)
	mux.HandleFunc("GET /board/{forum}/minutes/{n}", h.minutesPDF)
	mux.HandleFunc("GET /board/{forum}/cap/{n}", h.capFile)
	mux.HandleFunc("GET /board/{forum}/aar.pdf", h.afterActionPDF)
	mux.HandleFunc("GET /board/{forum}/aar.svg", h.afterActionSVG)
}

// secure sets the headers every board response carries: a strict
// Content Security Policy (only this origin's script and style, no
// inline code, no framing), no caching, no referrer.
func secure(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cache-Control", "no-store")
}

func (h *Handler) t(id string, kv ...any) string { return catalog.T(h.Lang, id, kv...) }

// paperT is h.t in the language paper p is in (its forum's).
func (h *Handler) paperT(p bot.Paper, id string) string { return catalog.T(cmp.Or(p.Lang, h.Lang), id) }

// staticFile serves one file of the static folder with the page's
// security headers; a folder, a name that leaves it or one that does not
// exist is not found.
func (h *Handler) staticFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if !fs.ValidPath(name) || name == "." {
		http.NotFound(w, r)
		return
	}
	if st, err := fs.Stat(static, name); err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	secure(w)
	w.Header().Set("Cache-Control", "no-cache") // revalidated: it changes with the binary
	http.ServeFileFS(w, r, static, name)
}

// gone answers a request that gets no data, with a page that says why.
func (h *Handler) gone(w http.ResponseWriter, code int, title, text string) {
	secure(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_ = goneTmpl.Execute(w, map[string]string{"Lang": h.Lang, "Title": title, "Text": text})
}

// opening answers the link itself without using it up: chat platforms
// and mail scanners fetch links to preview them (Slack crawls every link
// posted, unless told not to), and a one-time link fetched so would be
// gone before its person clicks. The page posts the link back — at once,
// by the board's script, or by its button without JavaScript — and only
// that exchanges it.
//
// The page also carries a token that it sets as a cookie too: the
// exchange's protection against another site posting a link of its own
// (login CSRF) when the browser says nothing of where a request comes
// from (crossSite).
func (h *Handler) opening(w http.ResponseWriter, r *http.Request) {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	token := hex.EncodeToString(raw[:])
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: token, Path: "/board/login", HttpOnly: true, Secure: h.Secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(bot.BoardLinkTTL.Seconds())})
	secure(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = openTmpl.Execute(w, map[string]string{"Lang": h.Lang, "Title": h.t("board.open_title"), "Text": h.t("board.open_text"),
		"Button": h.t("board.open_button"), "Link": r.URL.Query().Get("t"), "Token": token})
}

// loginCookie carries the opening page's token to the exchange.
const loginCookie = "samverkan_board_login"

// crossSite reports why a request to exchange a link may come from
// another site, or "". Browsers say where a request comes from: the
// Fetch Metadata header Sec-Fetch-Site (same-origin, or none for a
// request the person made themselves), else Origin, which must be this
// site's own. A browser that sends neither (old ones; some privacy
// settings strip them) must post back the token of the opening page it
// was given, which another site can neither read nor set.
func (h *Handler) crossSite(r *http.Request) string {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		if site == "same-origin" || site == "none" {
			return ""
		}
		return "Sec-Fetch-Site: " + site
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		if u, err := url.Parse(origin); err == nil && u.Host == r.Host && (u.Scheme == "https" || u.Scheme == "http") {
			return ""
		}
		return "Origin: " + origin
	}
	ck, err := r.Cookie(loginCookie)
	if err != nil || ck.Value == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(r.PostFormValue("x"))) != 1 {
		return "neither Sec-Fetch-Site nor Origin, and no token of the opening page"
	}
	return ""
}

// login exchanges a link for a session cookie and sends the browser on to
// the board, so that the link leaves the address bar. A request another
// site makes is refused before the link is looked at.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if why := h.crossSite(r); why != "" {
		h.log().Warn("board: a link exchange from another site refused", "why", why)
		h.gone(w, http.StatusForbidden, h.t("board.cross_site_title"), h.t("board.cross_site"))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/board/login", MaxAge: -1})
	session, forum, err := h.Bot.Boards.Exchange(r.Context(), r.PostFormValue("t"))
	if err != nil {
		if !errors.Is(err, bot.ErrBoardLink) {
			h.log().Error("board: exchanging a link", "err", err)
		}
		h.gone(w, http.StatusForbidden, h.t("board.link_gone_title"), h.t("board.link_gone"))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: session, Path: "/board/", HttpOnly: true, Secure: h.Secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(bot.BoardSessionTTL.Seconds())})
	secure(w)
	http.Redirect(w, r, "/board/"+forum, http.StatusSeeOther)
}

// caller is the member the request's session belongs to, if it is for
// this forum.
func (h *Handler) caller(w http.ResponseWriter, r *http.Request) (bot.Caller, bool) {
	ck, err := r.Cookie(CookieName)
	if err != nil {
		h.gone(w, http.StatusUnauthorized, h.t("board.no_session_title"), h.t("board.no_session"))
		return bot.Caller{}, false
	}
	c, forum, err := h.Bot.Boards.Session(ck.Value)
	if err != nil || forum != r.PathValue("forum") || c.Member == nil {
		h.gone(w, http.StatusUnauthorized, h.t("board.no_session_title"), h.t("board.no_session"))
		return bot.Caller{}, false
	}
	return c, true
}

// refused answers a member the bot refuses the forum (removed, their
// actor left it).
func (h *Handler) refused(w http.ResponseWriter, err error) {
	if bot.ErrorCode(err) == bot.EFORBIDDEN || bot.ErrorCode(err) == bot.ENOTFOUND {
		h.gone(w, http.StatusForbidden, h.t("board.no_session_title"), h.t("board.refused"))
		return
	}
	h.log().Error("board", "err", err)
	h.gone(w, http.StatusInternalServerError, h.t("board.no_session_title"), h.t("err.internal"))
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	c, ok := h.caller(w, r)
	if !ok {
		return
	}
	kind := r.URL.Query().Get("visa")
	if !slices.Contains(bot.TimelineKinds, kind) {
		kind = ""
	}
	v, err := h.Bot.Boards.Board(c, r.PathValue("forum"), kind)
	if err != nil {
		h.refused(w, err)
		return
	}
	var minutes []uint64
	if lines, _, err := h.Bot.Conferences.ListMinutes(c, v.Forum.ID); err == nil {
		for i := len(lines) - 1; i >= 0 && len(minutes) < 3; i-- {
			minutes = append(minutes, lines[i].Number)
		}
	}
	data := pageData{Lang: h.Bot.LangOf(&v.Forum), View: v, Base: "/board/" + v.Forum.ID, Drawn: h.Bot.LocalTime(v.Drawn), Minutes: minutes,
		Kind: kind, Kinds: bot.TimelineKinds, h: h}
	secure(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.Execute(w, data); err != nil {
		h.log().Error("board: drawing the page", "err", err)
	}
}

// version tells the page's script whether anything changed.
func (h *Handler) version(w http.ResponseWriter, r *http.Request) {
	c, ok := h.caller(w, r)
	if !ok {
		return
	}
	n, err := h.Bot.Boards.BoardVersion(c, r.PathValue("forum"))
	if err != nil {
		h.refused(w, err)
		return
	}
	secure(w)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"version": n, "time": h.Bot.LocalTime(h.Bot.Clock.Now())})
}

func (h *Handler) picturePDF(w http.ResponseWriter, r *http.Request) {
	c, ok := h.caller(w, r)
	if !ok {
		return
	}
	m, err := h.Bot.Reports.PicturePaper(c, r.PathValue("forum"))
	if err != nil {
		h.refused(w, err)
		return
	}
	h.pdf(w, r, m, h.paperT(m, "file.picture")+"-"+r.PathValue("forum")+".pdf")
}

func (h *Handler) minutesPDF(w http.ResponseWriter, r *http.Request) {
	c, ok := h.caller(w, r)
	if !ok {
		return
	}
	n, err := strconv.ParseUint(strings.TrimSuffix(r.PathValue("n"), ".pdf"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	m, err := h.Bot.Conferences.MinutesPaper(c, r.PathValue("forum"), "#"+strconv.FormatUint(n, 10))
	if err != nil {
		h.refused(w, err)
		return
	}
	h.pdf(w, r, m, h.paperT(m, "file.minutes")+"-"+r.PathValue("forum")+"-"+strconv.FormatUint(n, 10)+".pdf")
}

func (h *Handler) pdf(w http.ResponseWriter, r *http.Request, m bot.Paper, name string) {
	if h.Bot.Print == nil {
		http.NotFound(w, r)
		return
	}
	forum := r.PathValue("forum")
	if f, _, err := h.Bot.Registry.Forum(forum); err == nil {
		forum = f.Name + " (" + f.ID + ")"
	}
	doc, err := h.Bot.Print(m, forum, h.Bot.Clock.Now().In(h.Bot.Loc()).Format("2006-01-02 15:04"))
	if err != nil {
		h.log().Error("board: making a PDF", "err", err)
		http.Error(w, h.t("err.internal"), http.StatusInternalServerError)
		return
	}
	secure(w)
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(doc)
}

func (h *Handler) log() *slog.Logger {
	if h.Log == nil {
		return slog.Default()
	}
	return h.Log
}

// pageData is what page.html draws.
type pageData struct {
	Lang    string
	View    *bot.BoardView
	Base    string
	Drawn   string
	Minutes []uint64
	Kind    string   // the timeline's filter, "" for all
	Kinds   []string // the filters offered
	h       *Handler
}

// T translates for the template.
func (d pageData) T(id string, kv ...any) string { return catalog.T(d.Lang, id, kv...) }

// Clock shows t as wall time, "03:52", with the date when it is not today.
func (d pageData) Clock(t time.Time) string {
	loc := d.h.Bot.Loc()
	if t.In(loc).Format("2006-01-02") != d.View.Drawn.In(loc).Format("2006-01-02") {
		return d.Stamp(t)
	}
	return t.In(loc).Format("15:04")
}

// Stamp shows t as date and time, "3 dec 03:52".
func (d pageData) Stamp(t time.Time) string {
	t = t.In(d.h.Bot.Loc())
	return strconv.Itoa(t.Day()) + " " + d.T("month."+strconv.Itoa(int(t.Month()))) + " " + t.Format("15:04")
}

// Day shows t as weekday, date and time: "torsdag 3 dec 16:00".
func (d pageData) Day(t time.Time) string {
	t = t.In(d.h.Bot.Loc())
	return d.T("weekday."+strconv.Itoa(int(t.Weekday()))) + " " + d.Stamp(t)
}

// Date shows a YYYY-MM-DD date as people read it: "fredag 4 dec".
func (d pageData) Date(s string) string {
	t, err := time.ParseInLocation("2006-01-02", s, d.h.Bot.Loc())
	if err != nil {
		return s
	}
	return d.T("weekday."+strconv.Itoa(int(t.Weekday()))) + " " + strconv.Itoa(t.Day()) + " " + d.T("month."+strconv.Itoa(int(t.Month())))
}

// Level is the forum's level as a word.
func (d pageData) Level() string { return d.View.Forum.Level.Word(d.Lang) }

// OrgState is an organisation's state in a word or two.
func (d pageData) OrgState(o bot.BoardOrg) string { return d.T("board.org_" + o.State) }

// OrgDetail says when and by whom, or how late.
func (d pageData) OrgDetail(o bot.BoardOrg) string {
	a := d.View.Activation
	switch o.State {
	case bot.OrgAcked:
		s := d.T("board.org_acked_detail", "Time", d.Clock(o.AckAt), "Who", o.AckBy, "After", bot.Since(o.AckAfter))
		if o.AckLate {
			s += " · " + d.T("board.org_acked_late")
		}
		return s
	case bot.OrgWaiting:
		return d.T("board.org_waiting_detail", "Time", d.Clock(a.Deadline))
	case bot.OrgLate:
		s := d.T("board.org_late_detail", "Late", bot.Since(o.LateBy), "Time", d.Clock(a.Deadline))
		if a.Escalated {
			s += " · " + d.T("board.org_escalated", "Time", d.Clock(a.Deadline))
		}
		return s
	}
	return ""
}

// ApproverState is where an approver stands, in words.
func (d pageData) ApproverState(a bot.BoardApprover) string {
	if a.State == bot.ApproverApproved {
		return d.T("board.ap_approved", "Time", d.Clock(a.At))
	}
	return d.T("board.ap_" + a.State)
}

// reLink finds the web addresses in a meeting's joining instructions.
var reLink = regexp.MustCompile(`https?://[^\s<>"]+`)

// Linked escapes text and makes its web addresses links that can be
// clicked: the only HTML in the result.
func (d pageData) Linked(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range reLink.FindAllStringIndex(text, -1) {
		b.WriteString(template.HTMLEscapeString(text[last:m[0]]))
		u := strings.TrimRight(text[m[0]:m[1]], ".,;:)")
		if pu, err := url.Parse(u); err == nil && (pu.Scheme == "https" || pu.Scheme == "http") {
			b.WriteString(`<a href="` + template.HTMLEscapeString(pu.String()) + `" rel="noopener noreferrer" target="_blank">` + template.HTMLEscapeString(u) + `</a>`)
		} else {
			b.WriteString(template.HTMLEscapeString(u))
		}
		last = m[0] + len(u)
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// dial is a telephone number as a tel: link takes it: digits and a
// leading +.
func dial(phone string) string {
	var b strings.Builder
	for i, r := range phone {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func tlpClass(t bot.TLP) string {
	l := strings.ToLower(string(t))
	for _, c := range []string{"red", "amber", "green", "clear"} {
		if strings.Contains(l, c) {
			return c
		}
	}
	return "clear"
}

// capFile serves a released statement's CAP alert to a member who may
// read the statement, if it is of this board's forum.
func (h *Handler) capFile(w http.ResponseWriter, r *http.Request) {
	c, ok := h.caller(w, r)
	if !ok {
		return
	}
	n, err := strconv.ParseUint(strings.TrimSuffix(r.PathValue("n"), ".xml"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	name, doc, err := h.Bot.Statements.CAP(c, n)
	if err == nil && !strings.HasPrefix(name, "cap-"+r.PathValue("forum")+"-") {
		err = bot.Errorf(bot.ENOTFOUND, "err.unknown_statement", "N", n)
	}
	if bot.ErrorCode(err) == bot.ECONFLICT { // not released, or not public
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.refused(w, err)
		return
	}
	secure(w)
	w.Header().Set("Content-Type", "application/cap+xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(doc)
}

func (h *Handler) afterActionPDF(w http.ResponseWriter, r *http.Request) {
	c, ok := h.caller(w, r)
	if !ok {
		return
	}
	p, err := h.Bot.Activations.AfterActionPaper(c, r.PathValue("forum"), 0)
	if err != nil {
		h.refused(w, err)
		return
	}
	h.pdf(w, r, p, h.paperT(p, "file.after_action")+"-"+r.PathValue("forum")+".pdf")
}

// afterActionSVG is the after-action report's timeline, drawn by the bot
// (no script: the page's CSP allows images from this origin only).
func (h *Handler) afterActionSVG(w http.ResponseWriter, r *http.Request) {
	c, ok := h.caller(w, r)
	if !ok {
		return
	}
	rep, err := h.Bot.Activations.AfterAction(c, r.PathValue("forum"), 0)
	if err != nil {
		h.refused(w, err)
		return
	}
	secure(w)
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write([]byte(h.Bot.Activations.AfterActionSVG(rep)))
}
