// samverkan status board, version 3 (pinned: served from the binary, no
// third-party code). On the link's page it posts the link at once. On
// the board, every 2 s it asks whether anything changed and, if so,
// fetches the page and swaps it in, keeping the scroll position. When it
// cannot ask — the bot does not answer, or the session ended — the page
// says so at the top, with the time it was last current, and keeps
// trying. Without JavaScript both still work: press the button, reload.
(function () {
  "use strict";
  // The link's page: open the board at once (people without JavaScript
  // press the button).
  var auto = document.querySelector("form[data-auto]");
  if (auto) { auto.submit(); return; }
  var main = document.querySelector("main[data-version]");
  if (!main) { return; }
  var version = main.getAttribute("data-version");
  var current = main.getAttribute("data-drawn");
  var state = "";
  var base = window.location.pathname;

  // say shows where the page stands: "" current, "stale" or "ended".
  function say(s) {
    state = s;
    var el = document.getElementById("freshness");
    if (!el) { return; }
    var text = el.getAttribute(s === "" ? "data-checked" : "data-" + s) || "";
    el.textContent = text.replace("{time}", current);
    el.className = s;
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("table.frame");
    var old = document.querySelector("table.frame");
    if (!fresh || !old || !fresh.querySelector("main[data-version]")) { return; }
    old.replaceWith(document.importNode(fresh, true));
    main = document.querySelector("main[data-version]");
    version = main.getAttribute("data-version");
    say(state);
    document.body.setAttribute("data-refreshed", version);
  }

  function tick() {
    fetch(base + "/version", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { say("ended"); return null; }
        if (!r.ok) { say("stale"); return null; }
        return r.json();
      })
      .then(function (v) {
        if (!v) { return null; }
        current = v.time || current;
        say("");
        if (String(v.version) === version) { return null; }
        return fetch(base + window.location.search, { credentials: "same-origin", cache: "no-store" })
          .then(function (r) { return r.ok ? r.text() : null; });
      })
      .then(function (html) { if (html) { swap(html); } })
      .catch(function () { say("stale"); })
      .then(function () { window.setTimeout(tick, 2000); });
  }
  window.setTimeout(tick, 2000);
})();
