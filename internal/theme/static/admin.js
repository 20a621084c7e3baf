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
  // The page's words, in the writer's language: data-words holds each
  // message with {Name} where a value goes, or its plural forms.
  var words = {};
  try { words = JSON.parse(form.getAttribute("data-words") || "{}"); } catch (err) { /* English stays in the page */ }
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(form.getAttribute("data-lang") || "en") : null;
  function t(id, vals) {
    var s = words[id];
    if (s && typeof s === "object") s = s[plurals ? plurals.select(vals.Count) : "other"] || s.other;
    s = s || id;
    for (var k in vals) s = s.split("{" + k + "}").join(vals[k]);
    return s;
  }

  var publish = document.getElementById("publish");
  var date = form.elements["published_at"];
  var now = form.getAttribute("data-now") || "";
  function nameButton() {
    if (!publish || !date || publish.hasAttribute("data-published")) return;
    publish.textContent = t(date.value && date.value > now ? "button_schedule" : "button_publish");
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

  // The formatting toolbar writes Markdown around the selection, through
  // the browser's own editing so Undo takes it back.
  var toolbar = document.getElementById("md-toolbar");
  var text = form.elements["body"];
  function insert(value, selectFrom, selectTo) {
    var start = text.selectionStart;
    text.focus();
    if (!document.execCommand || !document.execCommand("insertText", false, value)) {
      text.setRangeText(value, start, text.selectionEnd, "end");
      text.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (selectFrom !== undefined) text.setSelectionRange(start + selectFrom, start + selectTo);
  }
  function wrap(before, after, placeholder) {
    var sel = text.value.slice(text.selectionStart, text.selectionEnd) || placeholder;
    insert(before + sel + after, before.length, before.length + sel.length);
  }
  function prefixLines(prefix) {
    var v = text.value, end = text.selectionEnd;
    var start = text.selectionStart === 0 ? 0 : v.lastIndexOf("\n", text.selectionStart - 1) + 1;
    text.setSelectionRange(start, end);
    var lines = v.slice(start, end).split("\n").map(function (l) { return l.indexOf(prefix) === 0 ? l.slice(prefix.length) : prefix + l; });
    insert(lines.join("\n"));
  }
  var formats = {
    bold: function () { wrap("**", "**", "bold text"); },
    italic: function () { wrap("_", "_", "italic text"); },
    heading: function () { prefixLines("## "); },
    quote: function () { prefixLines("> "); },
    list: function () { prefixLines("- "); },
    code: function () {
      var sel = text.value.slice(text.selectionStart, text.selectionEnd);
      if (sel.indexOf("\n") >= 0) wrap("```\n", "\n```", ""); else wrap("`", "`", "code");
    },
    link: function () {
      var sel = text.value.slice(text.selectionStart, text.selectionEnd) || "link text";
      insert("[" + sel + "](https://)", sel.length + 3, sel.length + 11);
    }
  };
  if (toolbar && text) {
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-md]");
      if (b) formats[b.getAttribute("data-md")]();
    });
    text.addEventListener("keydown", function (e) {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      var f = { b: "bold", i: "italic", k: "link" }[e.key.toLowerCase()];
      if (f) { e.preventDefault(); formats[f](); }
    });
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

  // Word count and reading time follow the typing.
  var counter = document.getElementById("word-count");
  if (counter && form.elements["body"]) {
    var perMinute = parseInt(counter.getAttribute("data-per-minute"), 10) || 230;
    form.elements["body"].addEventListener("input", function () {
      var n = (form.elements["body"].value.match(/\S+/g) || []).length;
      counter.textContent = t("word_count", { Count: n }) + " · " + t("reading_minutes", { Count: Math.max(1, Math.ceil(n / perMinute)) });
    });
  }

  // Autosave: while the writer types, the editor saves by itself every
  // data-autosave-seconds, apart from the revisions, so the text survives
  // a closed tab, a crash or a switch to another device. A new post
  // becomes a draft at its first autosave, and the editor goes on there.
  var autosaveURL = form.getAttribute("data-autosave");
  var autosaveEvery = (parseInt(form.getAttribute("data-autosave-seconds"), 10) || 30) * 1000;
  var autosaveNote = document.getElementById("autosave-status");
  var unsavedSinceAutosave = false;
  form.addEventListener("input", function () { unsavedSinceAutosave = true; });
  function autosave() {
    if (!unsavedSinceAutosave || !autosaveURL || !window.fetch || !window.URLSearchParams) return;
    unsavedSinceAutosave = false;
    var body = new URLSearchParams(new FormData(form));
    body.delete("action");
    fetch(autosaveURL, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (j) {
        if (/\/admin\/posts\/autosave$/.test(autosaveURL) && j.id) {
          autosaveURL = j.edit + "/autosave";
          form.setAttribute("action", j.action);
          if (window.history && history.replaceState) history.replaceState(null, "", j.edit);
        }
        if (autosaveNote) autosaveNote.textContent = t("autosave_kept", { Time: j.saved_at });
      })
      .catch(function () { unsavedSinceAutosave = true; });
  }
  // Who else has the post open: the editor says so, renewed with the
  // autosave's rhythm.
  var editingURL = form.getAttribute("data-editing");
  var editingNote = document.getElementById("editing-status");
  function editing() {
    if (!editingURL || !editingNote || !window.fetch) return;
    var body = new URLSearchParams();
    body.set("csrf_token", form.elements["csrf_token"].value);
    fetch(editingURL, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (j) {
        var others = j.others || [];
        editingNote.hidden = others.length === 0;
        editingNote.textContent = others.map(function (o) { return t("has_open_since", { Name: o.name, Since: o.since }); }).join("; ") +
          (others.length ? ". " + t("saving_over_a_later_save") : "");
      })
      .catch(function () { /* keep the last note */ });
  }
  setInterval(function () { autosave(); editing(); }, autosaveEvery);

  // Pictures: chosen with the button, dropped onto the text or pasted
  // into it, each is uploaded to the library and its Markdown put where
  // the cursor was. A placeholder holds the place while it uploads.
  var text = form.elements["body"];
  var picker = document.getElementById("picture-file");
  var note = document.getElementById("picture-status");
  var tools = document.getElementById("picture-tools");
  if (!text || !window.fetch || !window.FormData) return;
  if (tools) tools.hidden = false;
  var uploads = 0;
  function say(msg) { if (note) note.textContent = msg; }
  function insertAt(pos, s) {
    text.value = text.value.slice(0, pos) + s + text.value.slice(pos);
    text.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function replaceOnce(from, to) {
    var i = text.value.indexOf(from);
    if (i < 0) { insertAt(text.value.length, to); return; }
    text.value = text.value.slice(0, i) + to + text.value.slice(i + from.length);
    text.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function upload(file) {
    if (!/^image\//.test(file.type) && !/\.(jpe?g|png|gif|webp)$/i.test(file.name)) {
      say(t("js_not_picture", { Name: file.name }));
      return;
    }
    var mark = "![" + t("js_uploading_mark", { Name: file.name.replace(/[\[\]]/g, ""), N: ++uploads }) + "]()";
    var pos = text.selectionStart != null ? text.selectionStart : text.value.length;
    var before = text.value.slice(0, pos);
    var gap = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    insertAt(pos, gap + mark + "\n\n");
    say(t("js_uploading", { Name: file.name }));
    var data = new FormData();
    data.append("csrf_token", form.elements["csrf_token"].value);
    data.append("file", file, file.name);
    fetch("/admin/media", { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        if (!res.ok) throw new Error(res.j.error || t("js_upload_refused"));
        replaceOnce(mark, res.j.markdown);
        say(t(res.j.alt ? "js_uploaded" : "js_uploaded_describe", { Name: file.name }));
      })
      .catch(function (err) {
        replaceOnce(mark + "\n\n", "");
        say(t("js_not_uploaded", { Name: file.name, Why: err.message }));
      });
  }
  function uploadAll(files) { Array.prototype.forEach.call(files, upload); }
  if (picker) picker.addEventListener("change", function () { uploadAll(picker.files); picker.value = ""; });
  text.addEventListener("dragover", function (e) {
    if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) { e.preventDefault(); text.classList.add("dropping"); }
  });
  text.addEventListener("dragleave", function () { text.classList.remove("dropping"); });
  text.addEventListener("drop", function (e) {
    text.classList.remove("dropping");
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    text.focus();
    uploadAll(e.dataTransfer.files);
  });
  text.addEventListener("paste", function (e) {
    var files = e.clipboardData && e.clipboardData.files;
    if (!files || !files.length) return;
    e.preventDefault();
    uploadAll(files);
  });
})();
