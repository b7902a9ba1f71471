// samverkan status board, version 2 (pinned: served from the binary, no
// third-party code). On the link's page it posts the link at once. On
// the board, every 2 s it asks whether anything changed and, if so,
// fetches the page and swaps its main part, keeping the scroll position.
// Without JavaScript both still work: press the button, reload by hand.
(function () {
  "use strict";
  // The link's page: open the board at once (people without JavaScript
  // press the button).
  var auto = document.querySelector("form[data-auto]");
  if (auto) { auto.submit(); return; }
  var main = document.querySelector("main[data-version]");
  if (!main) { return; }
  var version = main.getAttribute("data-version");
  var base = window.location.pathname;
  function tick() {
    fetch(base + "/version", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) {
        if (!v || String(v.version) === version) { return null; }
        return fetch(base, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.text(); });
      })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main[data-version]");
        if (!fresh) { return; }
        main.replaceWith(fresh);
        main = fresh;
        version = fresh.getAttribute("data-version");
        document.body.setAttribute("data-refreshed", version);
      })
      .catch(function () {})
      .then(function () { window.setTimeout(tick, 2000); });
  }
  window.setTimeout(tick, 2000);
})();
