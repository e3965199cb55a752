/* The site search: a button in the header opens a dialog that queries Pagefind's static, chunked index
   (pagefind/, written by `editsurvey build` after the engine). The index loads on first use, one small
   chunk per query word, so the first results come quickly on large catalogues, and nothing leaves the site.
   Results are built with textContent only: no record text is ever parsed as HTML into the page. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL("..", script ? script.src : window.location.href); // assets/search.js -> the site root
  var MAX = 10;
  var POOL = 20; // results re-ranked by name (see rerank)
  var engine = null;
  var dialog, input, list, status;
  var seq = 0;

  function load() {
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
        return pf.options({ baseUrl: base.pathname, excerptLength: 24 }).then(function () {
          return pf.init();
        }).then(function () { return pf; });
      });
    }
    return engine;
  }

  function plain(html) {
    // Pagefind's excerpts are escaped text with <mark> tags; an inert template turns them back into text.
    var t = document.createElement("template");
    t.innerHTML = html || "";
    return t.content.textContent;
  }

  function render(query, items, total) {
    list.textContent = "";
    items.forEach(function (d) {
      var li = document.createElement("li");
      li.className = "es-search__result";
      var a = document.createElement("a");
      a.href = d.url;
      var title = document.createElement("span");
      title.className = "es-search__title";
      title.textContent = ((d.meta && d.meta.title) || d.url).replace(/\s*\u00b6\s*$/, "");
      var excerpt = document.createElement("span");
      excerpt.className = "es-search__excerpt";
      excerpt.textContent = plain(d.excerpt);
      a.appendChild(title);
      a.appendChild(excerpt);
      li.appendChild(a);
      list.appendChild(li);
    });
    status.textContent = !query ? "Type to search methods, authors and topics" :
      total ? total + (total === 1 ? " result" : " results") : "No results for \u201c" + query + "\u201d";
  }

  // The words of a method's names (name and aliases, method pages only): whole, split at hyphens and at
  // case changes (InstructPix2Pix -> instructpix2pix, instruct, pix2pix), lowercased.
  function nameWords(names) {
    var words = [];
    String(names || "").split("|").forEach(function (name) {
      name.trim().split(/[\s\/]+/).forEach(function (w) {
        if (!w) return;
        words.push(w);
        w.split(/[-_+.]+/).forEach(function (part) {
          words.push(part);
          part.split(/(?<=[a-z])(?=[A-Z][a-z0-9])/).forEach(function (piece) { words.push(piece); });
        });
      });
    });
    return words.filter(Boolean).map(function (w) { return w.toLowerCase(); });
  }

  // Pagefind ranks by weighted term frequency. A page whose name matches every query word (as a word prefix)
  // comes first, the method more catalogue methods build on (meta "prior") first among those; the rest keep
  // Pagefind's order. Stable and deterministic.
  function rerank(query, items) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    var keyed = items.map(function (d, i) {
      var words = nameWords(d.meta && d.meta.names);
      var hit = words.length > 0 && terms.every(function (t) {
        return words.some(function (w) { return w.indexOf(t) === 0; });
      });
      return { d: d, hit: hit ? 0 : 1, prior: hit ? -(parseInt(d.meta.prior, 10) || 0) : 0, i: i };
    });
    keyed.sort(function (a, b) { return a.hit - b.hit || a.prior - b.prior || a.i - b.i; });
    return keyed.map(function (k) { return k.d; });
  }

  // While the reader types, only the query they pause on runs: a one-letter prefix matches most of a large
  // catalogue and would hold the index up for every later key.
  var timer = 0;
  var DEBOUNCE = 60;
  function schedule() {
    clearTimeout(timer);
    seq++;
    timer = setTimeout(run, DEBOUNCE);
  }

  function run() {
    var query = input.value.trim();
    var mine = ++seq;
    if (query.length < 2) { render("", [], 0); return; }
    load().then(function (pf) { return pf.search(query); }).then(function (found) {
      if (mine !== seq) return null;
      var results = (found && found.results) || [];
      return Promise.all(results.slice(0, POOL).map(function (r) { return r.data(); })).then(function (items) {
        if (mine === seq) render(query, rerank(query, items).slice(0, MAX), results.length);
      });
    }).catch(function () {
      if (mine === seq) status.textContent = "The search index could not be loaded (serve the site over HTTP).";
    });
  }

  function open() {
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
    load();
  }

  function build() {
    var header = document.querySelector(".md-header__inner");
    if (!header || document.querySelector(".es-search__button")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "es-search__button md-header__button";
    button.setAttribute("aria-label", "Search");
    button.setAttribute("aria-haspopup", "dialog");
    button.title = "Search (/)";
    button.innerHTML = '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path fill="currentColor" ' +
      'd="M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 ' +
      '6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 ' +
      '9.5 5Z"/></svg><span class="es-search__label">Search</span>';
    var source = header.querySelector(".md-header__source");
    header.insertBefore(button, source);

    dialog = document.createElement("dialog");
    dialog.className = "es-search";
    dialog.setAttribute("aria-label", "Search");
    var form = document.createElement("form");
    form.setAttribute("role", "search");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    });
    input = document.createElement("input");
    input.type = "search";
    input.className = "es-search__input";
    input.placeholder = "Search methods, authors, topics";
    input.setAttribute("aria-label", "Search");
    input.autocomplete = "off";
    input.spellcheck = false;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "es-search__close";
    close.setAttribute("aria-label", "Close search");
    close.textContent = "\u00d7";
    close.addEventListener("click", function () { dialog.close(); });
    form.appendChild(input);
    form.appendChild(close);
    status = document.createElement("p");
    status.className = "es-search__status";
    status.setAttribute("role", "status");
    list = document.createElement("ol");
    list.className = "es-search__results";
    list.setAttribute("aria-label", "Search results");
    dialog.appendChild(form);
    dialog.appendChild(status);
    dialog.appendChild(list);
    document.body.appendChild(dialog);
    render("", [], 0);

    button.addEventListener("click", open);
    input.addEventListener("input", schedule);
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey && (e.key === "/" || e.key === "s")) {
        e.preventDefault();
        open();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
  else build();
})();
