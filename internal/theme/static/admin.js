// folio admin editor helpers. Everything here is optional: the editor
// works with plain form posts when scripts are off.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) return;
  var key = form.getAttribute("data-draft-key");
  var fields = ["title", "slug", "lede", "body", "source_url", "source_title", "source_site", "tags", "published_at"];
  var dirty = false;

  function snapshot() {
    var data = { savedAt: Date.now() };
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (el) data[name] = el.value;
    });
    return data;
  }

  // Keep a copy of unsaved text in this browser, so a crash, a closed tab
  // or an expired session loses nothing.
  var timer = null;
  form.addEventListener("input", function () {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(function () {
      try { localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* storage full or off */ }
      schedulePreview();
    }, 500);
  });
  form.addEventListener("submit", function () {
    dirty = false;
    try { sessionStorage.setItem("folio-submitted", key); } catch (e) { /* ignore */ }
  });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });
  // The page the server shows after a successful save clears the copy
  // that the submitted form kept.
  if (document.querySelector(".flash[data-saved]")) {
    try {
      var submitted = sessionStorage.getItem("folio-submitted");
      if (submitted) localStorage.removeItem(submitted);
      sessionStorage.removeItem("folio-submitted");
    } catch (e) { /* ignore */ }
  }

  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
  if (stored) {
    var differs = fields.some(function (name) {
      var el = form.elements[name];
      return el && stored[name] !== undefined && stored[name] !== el.value;
    });
    var banner = document.getElementById("restore-banner");
    if (differs && banner) {
      document.getElementById("restore-time").textContent = new Date(stored.savedAt).toLocaleString();
      banner.hidden = false;
      document.getElementById("restore-yes").addEventListener("click", function () {
        fields.forEach(function (name) {
          var el = form.elements[name];
          if (el && stored[name] !== undefined) el.value = stored[name];
        });
        dirty = true;
        banner.hidden = true;
        schedulePreview();
      });
      document.getElementById("restore-no").addEventListener("click", function () {
        try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
        banner.hidden = true;
      });
    }
  }

  // Live preview: the server renders exactly what saving would.
  var preview = document.getElementById("preview");
  var pending = null;
  function schedulePreview() {
    if (!preview || !window.fetch) return;
    if (pending) pending.abort();
    pending = new AbortController();
    var body = new URLSearchParams();
    body.set("csrf_token", form.elements["csrf_token"].value);
    body.set("body", form.elements["body"].value);
    fetch("/admin/preview", { method: "POST", body: body, signal: pending.signal, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { preview.innerHTML = html; })
      .catch(function () { /* keep the last preview */ });
  }
})();
