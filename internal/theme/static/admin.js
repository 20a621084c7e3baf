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
  // A form larger than the server reads is not sent: the server could
  // not even tell what it was, and the writer would see an error page.
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
  function formBytes() {
    var n = 0;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && typeof el.value === "string") n += new Blob([el.name, "=", el.value, "&"]).size;
    });
    return n;
  }
  form.addEventListener("submit", function (e) {
    if (maxBytes && formBytes() > maxBytes * 0.95) {
      e.preventDefault();
      try { localStorage.setItem(key, JSON.stringify(snapshot())); } catch (err) { /* storage full or off */ }
      var warn = document.getElementById("too-large");
      if (warn) { warn.hidden = false; warn.scrollIntoView(); }
      return;
    }
    dirty = false;
    try { sessionStorage.setItem("folio-submitted", key); } catch (err) { /* ignore */ }
  });

  // The main button says Schedule while the date is in the future, as
  // in WordPress. Both the field and data-now are in the site's zone.
  var publish = document.getElementById("publish");
  var date = form.elements["published_at"];
  var now = form.getAttribute("data-now") || "";
  function nameButton() {
    if (!publish || !date || publish.hasAttribute("data-published")) return;
    publish.textContent = date.value && date.value > now ? "Schedule" : "Publish";
  }
  if (date) { date.addEventListener("input", nameButton); date.addEventListener("change", nameButton); }

  // Ctrl+S or Cmd+S saves, as the main button would.
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && (e.key === "s" || e.key === "S")) {
      e.preventDefault();
      var save = publish && publish.hasAttribute("data-published") ? publish : form.querySelector('button[value="draft"]');
      if (save && form.requestSubmit) form.requestSubmit(save); else if (save) save.click();
    }
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
      // The time in the site's zone, as every time in the admin.
      var zone = form.getAttribute("data-time-zone") || undefined;
      var when;
      try { when = new Date(stored.savedAt).toLocaleString(undefined, { timeZone: zone, dateStyle: "medium", timeStyle: "short" }) + " (" + zone + ")"; }
      catch (err) { when = new Date(stored.savedAt).toLocaleString(); }
      document.getElementById("restore-time").textContent = when;
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
    ["body", "source_url", "source_title", "source_site"].forEach(function (name) {
      if (form.elements[name]) body.set(name, form.elements[name].value);
    });
    fetch("/admin/preview", { method: "POST", body: body, signal: pending.signal, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { preview.innerHTML = html; })
      .catch(function () { /* keep the last preview */ });
  }
})();
