/* editsurvey explorer: faceted filtering over data/methods.json.
 *
 * The whole view lives in the query string, so a copied URL reproduces it and
 * back/forward restore earlier views. The filtering rules mirror
 * editsurvey.explorer_query in Python; the browser tests compare the two.
 */
(function () {
  "use strict";

  var root = document.getElementById("es-explorer");
  if (!root) return;

  // The text query's URL parameter. Not `q`, which site searches read (Material's opened its dialog over the
  // explorer for it). Links with the old `q=` are rewritten at once, before any script loaded after this one reads them.
  var TEXT = "text";
  (function translateOldQuery() {
    var p = new URLSearchParams(window.location.search);
    if (!p.has("q")) return;
    var out = new URLSearchParams();
    p.forEach(function (value, key) {
      if (key === "q") { if (!p.has(TEXT)) out.set(TEXT, value); } else out.append(key, value);
    });
    var text = out.toString().replace(/%2C/g, ",");
    history.replaceState(history.state, "", (text ? "?" + text : window.location.pathname) + window.location.hash);
  })();

  // Facets, columns and sorts come from the axis table in methods.json (prepare()).
  var FACETS = [];
  var SORTS = {
    name: { label: "Method", key: function (m) { return m._lname; } },
    title: { label: "Title", key: function (m) { return m.title.toLowerCase(); } },
    venue: { label: "Venue", key: function (m) { return m.venue.toLowerCase() + "\u0000" + pad(m.year); } },
    year: { label: "Year", key: function (m) { return pad(m.year) + m.date; } },
    date: { label: "First version", key: function (m) { return m.date; } }
  };
  var COLUMNS = [];
  // Rows beyond this many wait for "Show more": the table stays fast at any size.
  var PAGE = 100;
  var DEFAULT_SORT = "date";
  var DEFAULT_DIR = "desc";

  var data, methods, nodes = {}, axisNodes = {}, venues = [], years = [0, 0];
  var state;
  var current = [];  // the sorted result rows
  var els = {};

  function pad(n) { return ("000000" + n).slice(-6); }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // ------------------------------------------------------------ data
  function ancestors(id) {
    var out = [];
    while (id && nodes[id]) { out.unshift(id); id = nodes[id].parent; }
    return out;
  }

  function prepare(payload) {
    data = payload;
    Object.keys(data.taxonomy).forEach(function (axis) {
      axisNodes[axis] = data.taxonomy[axis].nodes;
      data.taxonomy[axis].nodes.forEach(function (n, i) {
        nodes[n.id] = { id: n.id, label: n.label, short: n.short || n.label, parent: n.parent || null,
                        axis: axis, order: i, depth: 0 };
      });
    });
    Object.keys(nodes).forEach(function (id) { nodes[id].depth = ancestors(id).length - 1; });
    // Axes in their order; each is a facet, a column, and (if one-valued) a sort.
    Object.keys(data.taxonomy).forEach(function (axis) {
      var t = data.taxonomy[axis];
      FACETS.push({ key: t.facet, axis: axis, record: t.record, legend: t.plural_label, label: t.label });
    });
    COLUMNS = [{ label: "Method", sort: "name" }, { label: "Title", sort: "title" }, { label: "Venue", sort: "venue" }];
    FACETS.forEach(function (f) {
      if (f.record.many) {
        COLUMNS.push({ label: f.legend, facet: f });
      } else {
        // One node per record: shown (and sorted) by its depth-1 ancestor, the survey's sub-category.
        var label = data.taxonomy[f.axis].levels[1] || f.label;
        label = label.charAt(0).toUpperCase() + label.slice(1);
        COLUMNS.push({ label: label, sort: f.key, facet: f });
        SORTS[f.key] = { label: label, key: (function (key) {
          return function (m) { return pad(m._shownOrder[key]); };
        })(f.key) };
      }
    });
    COLUMNS.push({ label: "First version", sort: "date" }, { label: "Code" });
    SKIPPABLE = FACETS.map(function (f) { return f.key; }).concat(["venue", "code", "survey"]);
    var venueSet = {};
    methods = data.methods.map(function (m) {
      var tagSets = {}, tagList = {}, shown = {}, shownOrder = {};
      FACETS.forEach(function (f) {
        var tags = {};
        var leaves = [].concat(m[f.record.field] || [], f.record.also ? (m[f.record.also] || []) : []);
        leaves.forEach(function (leaf) { ancestors(leaf).forEach(function (a) { tags[a] = true; }); });
        tagSets[f.key] = tags;
        tagList[f.key] = Object.keys(tags);
        if (!f.record.many && leaves.length) {
          var path = ancestors(leaves[0]);
          shown[f.key] = path.length > 1 ? path[1] : path[0];
          shownOrder[f.key] = nodes[shown[f.key]].order;
        }
      });
      venueSet[m.venue] = true;
      return Object.assign({}, m, {
        _tags: tagSets,
        _tagList: tagList,
        _shown: shown,
        _shownOrder: shownOrder,
        _lname: m.name.toLowerCase(),
        _text: (m.name + " " + (m.aliases || []).join(" ") + " " + m.title + " " + m.summary).toLowerCase().replace(/\s+/g, " "),
        _code: !!(m.links && m.links.code),
        _survey: m.provenance.source === "survey-list"
      });
    });
    venues = Object.keys(venueSet).sort(function (a, b) { return a.toLowerCase() < b.toLowerCase() ? -1 : 1; });
    var ys = methods.map(function (m) { return m.year; });
    years = [Math.min.apply(null, ys), Math.max.apply(null, ys)];
  }

  // ----------------------------------------------------------- state
  function list(value) { return value ? value.split(",").filter(Boolean) : []; }

  function readState() {
    var p = new URLSearchParams(window.location.search);
    var s = { q: p.get(TEXT) || "", venue: list(p.get("venue")), code: p.get("code") === "1",
              survey: p.get("scope") === "survey",
              from: p.get("from") ? parseInt(p.get("from"), 10) : null,
              to: p.get("to") ? parseInt(p.get("to"), 10) : null,
              sort: SORTS[p.get("sort")] ? p.get("sort") : DEFAULT_SORT,
              dir: p.get("dir") === "asc" || p.get("dir") === "desc" ? p.get("dir") : null };
    if (!s.dir) s.dir = s.sort === DEFAULT_SORT ? DEFAULT_DIR : "asc";
    if (isNaN(s.from)) s.from = null;
    if (isNaN(s.to)) s.to = null;
    FACETS.forEach(function (f) {
      s[f.key] = list(p.get(f.key)).filter(function (id) { return nodes[id] && nodes[id].axis === f.axis; });
      s[f.key + "_mode"] = p.get(f.key + "_mode") === "all" ? "all" : "any";
    });
    return s;
  }

  function queryString(s) {
    var p = new URLSearchParams();
    if (s.q) p.set(TEXT, s.q);
    FACETS.forEach(function (f) {
      if (s[f.key].length) p.set(f.key, s[f.key].join(","));
      if (s[f.key + "_mode"] === "all") p.set(f.key + "_mode", "all");
    });
    if (s.from !== null) p.set("from", s.from);
    if (s.to !== null) p.set("to", s.to);
    if (s.venue.length) p.set("venue", s.venue.join(","));
    if (s.code) p.set("code", "1");
    if (s.survey) p.set("scope", "survey");
    if (s.sort !== DEFAULT_SORT) p.set("sort", s.sort);
    if (s.dir !== (s.sort === DEFAULT_SORT ? DEFAULT_DIR : "asc")) p.set("dir", s.dir);
    var text = p.toString().replace(/%2C/g, ",");
    return text ? "?" + text : window.location.pathname;
  }

  function commit(push) {
    var url = queryString(state);
    if (url !== window.location.search && !(url === window.location.pathname && !window.location.search)) {
      (push ? history.pushState : history.replaceState).call(history, null, "", url);
    }
    render();
  }

  // --------------------------------------------------------- filtering
  var SKIPPABLE = [];  // every facet's key, then venue, code and survey (prepare())

  function passes(m, s, key) {
    if (key === "venue") return !s.venue.length || s.venue.indexOf(m.venue) >= 0;
    if (key === "code") return !s.code || m._code;
    if (key === "survey") return !s.survey || m._survey;
    var selected = s[key];
    if (!selected.length) return true;
    var tags = m._tags[key];
    if (s[key + "_mode"] === "all") return selected.every(function (id) { return tags[id]; });
    return selected.some(function (id) { return tags[id]; });
  }

  // One pass: the rows that pass every filter, and for each filter the rows
  // that fail only that one (what its counts need when it is set aside).
  function evaluate(s) {
    var terms = s.q ? s.q.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var rows = [], near = {};
    SKIPPABLE.forEach(function (k) { near[k] = []; });
    methods.forEach(function (m) {
      if (s.from !== null && m.year < s.from) return;
      if (s.to !== null && m.year > s.to) return;
      for (var t = 0; t < terms.length; t++) if (m._text.indexOf(terms[t]) < 0) return;
      var failed = null;
      for (var i = 0; i < SKIPPABLE.length; i++) {
        if (!passes(m, s, SKIPPABLE[i])) {
          if (failed) return;
          failed = SKIPPABLE[i];
        }
      }
      (failed ? near[failed] : rows).push(m);
    });
    return { rows: rows, near: near };
  }

  function sorted(rows, s) {
    var key = SORTS[s.sort].key, sign = s.dir === "desc" ? -1 : 1;
    return rows.map(function (m) { return [key(m), m]; }).sort(function (a, b) {
      if (a[0] !== b[0]) return a[0] < b[0] ? -sign : sign;
      var an = a[1]._lname, bn = b[1]._lname;
      if (an !== bn) return an < bn ? -1 : 1;
      return a[1].id < b[1].id ? -1 : a[1].id > b[1].id ? 1 : 0;
    }).map(function (pair) { return pair[1]; });
  }

  // Counts: in "any" mode a facet's own ticks are set aside (what ticking one
  // more value would add); in "all" mode they apply (what it would narrow to).
  function pool(result, s, key) {
    var allMode = s[key + "_mode"] === "all";
    return allMode ? result.rows : result.rows.concat(result.near[key]);
  }

  function counts(f, s, result) {
    var out = {};
    pool(result, s, f.key).forEach(function (m) {
      var list = m._tagList[f.key];
      for (var i = 0; i < list.length; i++) out[list[i]] = (out[list[i]] || 0) + 1;
    });
    return out;
  }

  // ---------------------------------------------------------- building
  function build() {
    var html = [];
    html.push('<div class="es-ex-search"><label for="es-q">Search names, titles and summaries</label>' +
              '<input id="es-q" type="search" autocomplete="off" placeholder="e.g. inversion, drag, mask"></div>');
    html.push(narrowToggle());
    html.push('<div class="es-ex-layout"><div class="es-ex-facets" id="es-facets" role="group" aria-label="Filters" ' +
              'data-collapsed="true">');
    FACETS.forEach(function (f) {
      html.push('<fieldset class="es-ex-facet" data-facet="' + f.key + '"><legend>' + esc(f.legend) + "</legend>");
      html.push('<div class="es-ex-mode" role="radiogroup" aria-label="' + esc(f.legend) + ': match mode">' +
                '<label><input type="radio" name="es-mode-' + f.key + '" value="any"> any</label>' +
                '<label><input type="radio" name="es-mode-' + f.key + '" value="all"> all</label></div><ul>');
      axisNodes[f.axis].forEach(function (n) {
        var id = "es-" + f.key + "-" + n.id, node = nodes[n.id];
        html.push('<li class="es-ex-depth-' + node.depth + '"><input type="checkbox" id="' + id + '" value="' + esc(n.id) +
                  '"><label for="' + id + '">' + esc(n.label) + ' <span class="es-ex-count" data-count="' +
                  esc(n.id) + '"></span></label></li>');
      });
      html.push("</ul></fieldset>");
    });
    html.push('<fieldset class="es-ex-facet"><legend>Year published</legend><div class="es-ex-years">' +
              '<label for="es-from">From</label><input id="es-from" type="number" inputmode="numeric" min="' + years[0] +
              '" max="' + years[1] + '" placeholder="' + years[0] + '">' +
              '<label for="es-to">to</label><input id="es-to" type="number" inputmode="numeric" min="' + years[0] +
              '" max="' + years[1] + '" placeholder="' + years[1] + '"></div></fieldset>');
    html.push('<fieldset class="es-ex-facet" data-facet="venue"><legend>Venue</legend><ul>');
    venues.forEach(function (v, i) {
      html.push('<li><input type="checkbox" id="es-venue-' + i + '" value="' + esc(v) + '"><label for="es-venue-' + i +
                '">' + esc(v) + ' <span class="es-ex-count" data-venue="' + esc(v) + '"></span></label></li>');
    });
    html.push("</ul></fieldset>");
    html.push('<fieldset class="es-ex-facet"><legend>Code</legend><input type="checkbox" id="es-code">' +
              '<label for="es-code">Has official code <span class="es-ex-count" id="es-code-count"></span></label></fieldset>');
    html.push('<fieldset class="es-ex-facet"><legend>Scope</legend><input type="checkbox" id="es-survey">' +
              '<label for="es-survey">In the survey\'s list only <span class="es-ex-count" id="es-survey-count"></span>' +
              '</label></fieldset>');
    html.push('<button type="button" class="md-button" id="es-clear">Clear all filters</button>');
    html.push(narrowJump());
    html.push('</div><div class="es-ex-results">');
    html.push('<p class="es-ex-status" id="es-status" role="status" aria-live="polite"></p>');
    html.push(selectionToolbar());
    // A grid of divs with ARIA table roles rather than a <table>: rows off screen
    // then skip layout (content-visibility), which keeps 1,000 rows fast.
    html.push('<div class="es-ex-table" id="es-table" role="table" aria-label="Methods" aria-describedby="es-status">');
    html.push('<div role="rowgroup" class="es-ex-head"><div role="row" class="es-ex-row">');
    COLUMNS.forEach(function (c) {
      if (c.sort) {
        html.push('<div role="columnheader" data-sort="' + c.sort + '"><button type="button" data-sort="' + c.sort + '">' +
                  esc(c.label) + '<span class="es-ex-arrow" aria-hidden="true"></span></button></div>');
      } else {
        html.push('<div role="columnheader">' + esc(c.label) + "</div>");
      }
    });
    html.push('</div></div><div role="rowgroup" id="es-rows"></div></div>');
    html.push('<p><button type="button" class="md-button" id="es-more" hidden></button></p>');
    html.push('<p class="es-ex-empty" id="es-empty" hidden>No method matches these filters. ' +
              '<button type="button" class="md-button" id="es-clear-2">Clear all filters</button></p>');
    html.push("</div></div>");
    root.innerHTML = html.join("");

    els.q = document.getElementById("es-q");
    els.from = document.getElementById("es-from");
    els.to = document.getElementById("es-to");
    els.code = document.getElementById("es-code");
    els.survey = document.getElementById("es-survey");
    els.rows = document.getElementById("es-rows");
    els.status = document.getElementById("es-status");
    els.empty = document.getElementById("es-empty");
    els.table = document.getElementById("es-table");
    els.more = document.getElementById("es-more");
    buildRows();
    selectionInit();
    narrowInit();

    root.addEventListener("change", onChange);
    els.q.addEventListener("input", function () { state.q = els.q.value.trim(); commit(false); });
    root.addEventListener("click", function (ev) {
      var button = ev.target.closest("button");
      if (!button) return;
      if (button.dataset.sort) {
        var key = button.dataset.sort;
        if (state.sort === key) state.dir = state.dir === "asc" ? "desc" : "asc";
        else { state.sort = key; state.dir = key === "date" ? "desc" : "asc"; }
        commit(true);
      } else if (button.id === "es-more") {
        showRows(Math.min(current.length, els.rows.children.length + PAGE));
      } else if (button.id === "es-clear" || button.id === "es-clear-2") {
        state = emptyState();
        commit(true);
      }
    });
    window.addEventListener("popstate", function () { state = readState(); render(); });
  }

  function emptyState() {
    var s = { q: "", venue: [], code: false, survey: false, from: null, to: null, sort: DEFAULT_SORT, dir: DEFAULT_DIR };
    FACETS.forEach(function (f) { s[f.key] = []; s[f.key + "_mode"] = "any"; });
    return s;
  }

  function onChange(ev) {
    var t = ev.target;
    if (t === els.q) { state.q = els.q.value.trim(); commit(true); return; }
    if (t === els.from || t === els.to) {
      var v = parseInt(t.value, 10);
      state[t === els.from ? "from" : "to"] = isNaN(v) ? null : v;
      commit(true);
      return;
    }
    if (t === els.code) { state.code = t.checked; commit(true); return; }
    if (t === els.survey) { state.survey = t.checked; commit(true); return; }
    var fieldset = t.closest("fieldset[data-facet]");
    if (!fieldset) return;
    var key = fieldset.dataset.facet;
    if (t.type === "radio") { state[key + "_mode"] = t.value; commit(true); return; }
    var values = state[key].slice();
    var at = values.indexOf(t.value);
    if (t.checked && at < 0) values.push(t.value);
    if (!t.checked && at >= 0) values.splice(at, 1);
    if (key !== "venue") {
      var order = function (id) { return nodes[id].order; };
      values.sort(function (a, b) { return order(a) - order(b); });
    }
    state[key] = values;
    commit(true);
  }

  // ---------------------------------------------------------- rendering
  // One row element per method, made once; filtering only reorders them.
  var rowElements = {};

  function buildRows() {
    var base = root.dataset.methods;
    // Each cell's opening tag, with its column's label: narrow screens show it (CSS), as they hide the header row.
    var cell = COLUMNS.map(function (c) { return '<div role="cell" data-label="' + esc(c.label) + '"'; });
    var last = COLUMNS.length - 1;
    var html = methods.map(function (m) {
      return '<div role="row" class="es-ex-row" data-id="' + esc(m.id) + '">' +
        cell[0] + '><a href="' + base + esc(m.id) + '/">' + esc(m.name) + "</a>" +
        (m._survey ? "" : ' <span class="es-ext" title="added by this project, not in the survey\'s list">ours</span>') +
        "</div>" +
        cell[1] + ">" + esc(m.title) + "</div>" +
        cell[2] + ">" + esc(m.venue) + " " + m.year + "</div>" +
        FACETS.map(function (f, i) {
          if (f.record.many) return labelCell([].concat(m[f.record.field] || []), cell[3 + i]);
          return cell[3 + i] + ">" + (m._shown[f.key] ? esc(nodes[m._shown[f.key]].label) : "&mdash;") + "</div>";
        }).join("") +
        cell[last - 1] + ">" + m.date + "</div>" +
        cell[last] + ">" + (m._code ? '<a href="' + esc(m.links.code) + '">code</a>' : "&mdash;") + "</div></div>";
    });
    var holder = document.createElement("div");
    holder.innerHTML = html.join("");
    Array.prototype.slice.call(holder.children).forEach(function (row) { rowElements[row.dataset.id] = row; });
  }

  // Short labels as text, full names in the title: few elements per row keeps re-rendering cheap.
  function labelCell(ids, open) {
    var full = ids.map(function (id) { return nodes[id].label; }).join(", ");
    var short = ids.map(function (id) { return nodes[id].short; }).join(", ");
    return open + ' title="' + esc(full) + '">' + esc(short) + "</div>";
  }

  function showRows(count) {
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < count; i++) fragment.appendChild(rowElements[current[i].id]);
    els.rows.replaceChildren(fragment);
    var rest = current.length - count;
    els.more.hidden = rest <= 0;
    els.more.textContent = "Show " + Math.min(rest, PAGE) + " more (" + rest + " not shown)";
  }

  function render() {
    var s = state;
    if (document.activeElement !== els.q) els.q.value = s.q;
    els.from.value = s.from === null ? "" : s.from;
    els.to.value = s.to === null ? "" : s.to;
    els.code.checked = s.code;
    els.survey.checked = s.survey;
    var result = evaluate(s);
    var rows = result.rows;
    FACETS.forEach(function (f) {
      var fs = root.querySelector('fieldset[data-facet="' + f.key + '"]');
      fs.querySelector('input[value="' + s[f.key + "_mode"] + '"]').checked = true;
      var c = counts(f, s, result);
      fs.querySelectorAll('input[type="checkbox"]').forEach(function (box) {
        box.checked = s[f.key].indexOf(box.value) >= 0;
      });
      fs.querySelectorAll("[data-count]").forEach(function (span) {
        span.textContent = "(" + (c[span.dataset.count] || 0) + ")";
      });
    });
    var venuePool = result.rows.concat(result.near.venue);
    var vc = {};
    venuePool.forEach(function (m) { vc[m.venue] = (vc[m.venue] || 0) + 1; });
    root.querySelectorAll('fieldset[data-facet="venue"] input').forEach(function (box) {
      box.checked = s.venue.indexOf(box.value) >= 0;
    });
    root.querySelectorAll("[data-venue]").forEach(function (span) {
      span.textContent = "(" + (vc[span.dataset.venue] || 0) + ")";
    });
    var codeCount = result.rows.concat(result.near.code).filter(function (m) { return m._code; }).length;
    document.getElementById("es-code-count").textContent = "(" + codeCount + ")";
    var surveyCount = result.rows.concat(result.near.survey).filter(function (m) { return m._survey; }).length;
    document.getElementById("es-survey-count").textContent = "(" + surveyCount + ")";

    rows = sorted(rows, s);
    current = rows;
    showRows(Math.min(rows.length, PAGE));
    els.status.textContent = rows.length + " of " + methods.length + " methods";
    els.empty.hidden = rows.length > 0;
    els.table.hidden = rows.length === 0;
    els.table.querySelectorAll("[role=columnheader][data-sort]").forEach(function (th) {
      var active = th.dataset.sort === s.sort;
      if (active) th.setAttribute("aria-sort", s.dir === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
      th.querySelector(".es-ex-arrow").textContent = active ? (s.dir === "asc" ? " \u25B2" : " \u25BC") : "";
    });
    narrowRender(s, rows.length);
    root.dataset.ready = "true";
  }

  // ------------------------------------------------- taking a selection along
  // Downloads of the current rows (BibTeX, CSV, JSON) and a citation list for the
  // clipboard. The build writes every method's BibTeX entry, CSV line and citation
  // into data/selection.json (exports.selection_json), in the formats of the full
  // exports; it is fetched on first use, so the explorer's own data stays small, and
  // the browser only concatenates. JSON is the rows' records as methods.json has them.
  var selection = { data: null, loading: null };
  var SELECTION_ACTIONS = [
    { id: "bib", label: "BibTeX", title: "Download the methods shown as BibTeX" },
    { id: "csv", label: "CSV", title: "Download the methods shown as CSV" },
    { id: "json", label: "JSON", title: "Download the methods shown as JSON" },
    { id: "cite", label: "Copy citations", title: "Copy a citation list of the methods shown" }
  ];

  function selectionToolbar() {
    return '<div class="es-ex-selection" id="es-selection" role="group" aria-label="Take the methods shown along">' +
      '<span class="es-ex-selection-label">Take these along:</span> ' +
      SELECTION_ACTIONS.map(function (a) {
        return '<button type="button" class="md-button es-ex-take" data-take="' + a.id + '" title="' + esc(a.title) +
          '">' + esc(a.label) + "</button>";
      }).join(" ") +
      ' <span class="es-ex-selection-note" id="es-selection-note" role="status" aria-live="polite"></span></div>';
  }

  function selectionData() {
    if (selection.data) return Promise.resolve(selection.data);
    if (!selection.loading) {
      var url = root.dataset.source.replace(/methods\.json$/, "selection.json");
      selection.loading = fetch(url).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      }).then(function (payload) { selection.data = payload; return payload; },
              function (error) { selection.loading = null; throw error; });
    }
    return selection.loading;
  }

  function selectionText(kind, payload, rows) {
    if (kind === "json") {
      var byId = {};
      data.methods.forEach(function (m) { byId[m.id] = m; });
      var out = { version: data.version, taxonomy: data.taxonomy, venues: data.venues,
                  methods: rows.map(function (m) { return byId[m.id]; }) };
      return JSON.stringify(out, null, 1) + "\n";
    }
    var parts = rows.map(function (m) { return payload.methods[m.id][kind]; });
    if (kind === "csv") return payload.csv_header + parts.join("");
    if (kind === "bib") return parts.join("\n");
    return parts.join("\n") + "\n";
  }

  function selectionSave(name, type, text) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  function selectionCopy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return selectionCopyByCommand(text); });
    }
    return selectionCopyByCommand(text);
  }

  // Pages served over plain HTTP (or a refused permission) have no clipboard API: the old copy command.
  function selectionCopyByCommand(text) {
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      area.remove();
      if (ok) resolve(); else reject(new Error("the browser refused to copy"));
    });
  }

  function selectionTake(kind) {
    var note = document.getElementById("es-selection-note");
    var rows = current.slice();
    if (!rows.length) { note.textContent = "No method is shown: nothing to take along."; return; }
    var count = rows.length + " method" + (rows.length === 1 ? "" : "s");
    var ready = kind === "json" ? Promise.resolve(null) : selectionData();
    ready.then(function (payload) {
      var text = selectionText(kind, payload, rows);
      if (kind === "cite") {
        return selectionCopy(text).then(function () { note.textContent = "Copied citations of " + count + "."; });
      }
      var types = { bib: "application/x-bibtex", csv: "text/csv", json: "application/json" };
      selectionSave("editsurvey-selection." + kind, types[kind] + ";charset=utf-8", text);
      note.textContent = "Downloaded " + count + " as " + kind.toUpperCase() + ".";
    }).catch(function (error) {
      note.textContent = "Could not take the selection along (" + error.message + ").";
    });
  }

  function selectionInit() {
    var bar = document.getElementById("es-selection");
    bar.addEventListener("click", function (ev) {
      var button = ev.target.closest("button[data-take]");
      if (!button) return;
      ev.stopPropagation();
      selectionTake(button.dataset.take);
    });
    // Fetch the side file when a reader heads for the buttons, so a click can act at once.
    var warm = function () { selectionData().catch(function () {}); };
    bar.addEventListener("pointerover", warm, { once: true });
    bar.addEventListener("focusin", warm, { once: true });
  }

  // ----------------------------------------------------- narrow screens
  // Below 60em the facets stand above the results, several screens long: they start collapsed behind a
  // toggle that counts the active filters, and while open a sticky button jumps to the results. Wide
  // screens never see either button (CSS), and the facets' collapsed state does not apply there.
  function narrowToggle() {
    return '<p class="es-ex-narrow"><button type="button" class="md-button es-ex-filters-toggle" id="es-filters-toggle" ' +
      'aria-controls="es-facets" aria-expanded="false">Filters <span id="es-filters-active"></span></button></p>';
  }

  function narrowJump() {
    return '<button type="button" class="md-button md-button--primary es-ex-to-results" id="es-to-results"></button>';
  }

  function narrowOpen(open) {
    document.getElementById("es-facets").dataset.collapsed = open ? "false" : "true";
    document.getElementById("es-filters-toggle").setAttribute("aria-expanded", open ? "true" : "false");
  }

  function narrowInit() {
    document.getElementById("es-filters-toggle").addEventListener("click", function () {
      narrowOpen(this.getAttribute("aria-expanded") !== "true");
    });
    document.getElementById("es-to-results").addEventListener("click", function () {
      narrowOpen(false);
      els.status.scrollIntoView({ block: "start" });
    });
  }

  function narrowRender(s, count) {
    var active = (s.from !== null ? 1 : 0) + (s.to !== null ? 1 : 0) + s.venue.length + (s.code ? 1 : 0) +
      (s.survey ? 1 : 0);
    FACETS.forEach(function (f) { active += s[f.key].length; });
    document.getElementById("es-filters-active").textContent = active ? "(" + active + " active)" : "";
    document.getElementById("es-to-results").textContent = "Show " + count + " result" + (count === 1 ? "" : "s");
  }

  // -------------------------------------------------------------- start
  fetch(root.dataset.source)
    .then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.statusText);
      return response.json();
    })
    .then(function (payload) {
      prepare(payload);
      build();
      state = readState();
      render();
    })
    .catch(function (error) {
      root.innerHTML = '<p class="es-ex-error">Could not load the method data (' + esc(error.message) +
        '). Browse <a href="' + root.dataset.methods + '">all methods</a> instead.</p>';
    });
})();
