/* The map's behaviour: draw the inlined graph with vis-network, then search, filter, trace and
 * show evidence. kg/export/html.py precomputes everything (positions, properties, quotes, folded
 * search keys, wording) into the JSON block #graph-data.
 *
 * Document text is data: it reaches the screen only through textContent, vis-network's canvas
 * labels, and string tooltips (vis-network 9 sets a string title with innerText); nothing here
 * parses a string as HTML.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = data.nodes;
  var edges = data.edges;
  var LARGE = nodes.length > 1500 || edges.length > 3000; // cheaper drawing past this size
  var MAX_RESULTS = 20;
  var MAX_LINKS = 200; // per direction in the panel: an agency may be linked to thousands
  var GLYPHS = { box: "▬", dot: "●", diamond: "◆", star: "★", triangle: "▲", hexagon: "⬢" };

  var classes = {};
  data.classes.forEach(function (c) { classes[c.group] = c; });
  var relations = {};
  data.relations.forEach(function (r) { relations[r.rel] = r; });
  var chainRelations = {};
  data.chain.forEach(function (r) { chainRelations[r] = true; });

  var outEdges = nodes.map(function () { return []; });
  var inEdges = nodes.map(function () { return []; });
  edges.forEach(function (e, i) { outEdges[e.from].push(i); inEdges[e.to].push(i); });

  var state = {
    lang: "vi",
    types: {},
    relations: {},
    trace: null, // {root, nodes: {id: true}, edges: {id: true}} while tracing
    selected: null // {node: id} or {edge: id}
  };
  data.classes.forEach(function (c) { state.types[c.group] = true; });
  data.relations.forEach(function (r) { state.relations[r.rel] = true; });
  var nodeShown = nodes.map(function () { return true; });
  var edgeShown = edges.map(function () { return true; });

  // --- wording ----------------------------------------------------------------------------

  function t(key, fields) {
    var text = data.ui[state.lang][key];
    if (text === undefined) { text = data.ui.vi[key] !== undefined ? data.ui.vi[key] : key; }
    if (fields) {
      Object.keys(fields).forEach(function (name) { text = text.split("{" + name + "}").join(String(fields[name])); });
    }
    return text;
  }
  function className(group) { var c = classes[group]; return c ? c[state.lang] : group; }
  function relationName(rel) { var r = relations[rel]; return r ? r[state.lang] : rel; }

  // --- small DOM helpers: text only -------------------------------------------------------

  function el(tag, cssClass, text) {
    var node = document.createElement(tag);
    if (cssClass) { node.className = cssClass; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  var $ = function (id) { return document.getElementById(id); };

  // --- the network ------------------------------------------------------------------------

  function tooltip(n) {
    var lines = [n.full, className(n.group)];
    n.props.forEach(function (p) { if (p[0] === "symbol" || p[0] === "date") { lines.push(p[1]); } });
    return lines.join("\n"); // a string: vis-network shows it as text
  }
  function nodeItem(n, id) {
    var item = { id: id, label: n.label, title: tooltip(n), x: n.x, y: n.y, group: n.group };
    if (n.focus) {
      // a node's own colour replaces its group's whole, so it repeats the background
      var background = classes[n.group].color, black = "#000000";
      item.borderWidth = 4;
      item.color = {
        background: background,
        border: black,
        highlight: { background: background, border: black },
        hover: { background: background, border: black }
      };
    }
    return item;
  }
  /* Colour, shape and font per class as vis-network groups: set once, not on every node. */
  function groupOptions() {
    var groups = {};
    data.classes.forEach(function (c) {
      groups[c.group] = {
        shape: c.shape,
        color: {
          background: c.color,
          border: c.color,
          highlight: { background: c.color, border: "#000000" },
          hover: { background: c.color, border: "#000000" }
        },
        font: { color: c.shape === "box" ? c.font : "#1f2328" }
      };
    });
    return groups;
  }
  function edgeItem(e, id) {
    // few per-edge options: each is merged per edge when the network starts (slow at 10,000)
    var item = { id: id, from: e.from, to: e.to, label: relationName(e.rel), color: relations[e.rel].color };
    if (relations[e.rel].chain) { item.width = 2; }
    return item;
  }

  var visNodes = new vis.DataSet(nodes.map(nodeItem));
  var visEdges = new vis.DataSet(edges.map(edgeItem));
  var network = new vis.Network($("map"), { nodes: visNodes, edges: visEdges }, {
    // positions come from Python; physics only when the reader asks for it
    physics: { enabled: false, solver: "forceAtlas2Based", stabilization: { enabled: false } },
    layout: { improvedLayout: false },
    interaction: {
      hover: true,
      tooltipDelay: 150,
      hideEdgesOnDrag: LARGE,
      hideEdgesOnZoom: LARGE
    },
    groups: groupOptions(),
    nodes: { margin: 8, size: 10, font: { size: 13 } },
    edges: {
      arrows: "to",
      font: { size: 10, align: "middle", color: "#444444", strokeWidth: 3, strokeColor: "#ffffff" },
      smooth: LARGE ? false : { enabled: true, type: "cubicBezier", forceDirection: "vertical", roundness: 0.4 },
      selectionWidth: 2
    }
  });

  // --- filters, trace, counts -------------------------------------------------------------

  function applyVisibility() {
    var trace = state.trace;
    var nodeChanges = [];
    nodes.forEach(function (n, id) {
      var shown = Boolean(state.types[n.group]) && (!trace || Boolean(trace.nodes[id]));
      if (shown !== nodeShown[id]) { nodeShown[id] = shown; nodeChanges.push({ id: id, hidden: !shown }); }
    });
    var edgeChanges = [];
    edges.forEach(function (e, id) {
      var shown = Boolean(state.relations[e.rel]) && nodeShown[e.from] && nodeShown[e.to] &&
        (!trace || Boolean(trace.edges[id]));
      if (shown !== edgeShown[id]) { edgeShown[id] = shown; edgeChanges.push({ id: id, hidden: !shown }); }
    });
    if (nodeChanges.length) { visNodes.update(nodeChanges); }
    if (edgeChanges.length) { visEdges.update(edgeChanges); }
    updateCounts();
  }

  function shownNodeIds() {
    var ids = [];
    nodeShown.forEach(function (shown, id) { if (shown) { ids.push(id); } });
    return ids;
  }

  function updateCounts() {
    var n = 0, e = 0;
    nodeShown.forEach(function (s) { if (s) { n += 1; } });
    edgeShown.forEach(function (s) { if (s) { e += 1; } });
    $("counts").textContent = t("shown", { n: n, N: nodes.length, e: e, E: edges.length });
  }

  /* The implementation chain of `root`: what it implements or guides, transitively (up), and
   * what implements or guides it, transitively (down); siblings are not part of it. */
  function chainOf(root) {
    var keepNodes = {}, keepEdges = {};
    keepNodes[root] = true;
    [[outEdges, "to"], [inEdges, "from"]].forEach(function (way) {
      var seen = {}, queue = [root];
      seen[root] = true;
      while (queue.length) {
        var current = queue.shift();
        way[0][current].forEach(function (edgeId) {
          var e = edges[edgeId];
          if (!chainRelations[e.rel]) { return; }
          keepEdges[edgeId] = true;
          var next = e[way[1]];
          keepNodes[next] = true;
          if (!seen[next]) { seen[next] = true; queue.push(next); }
        });
      }
    });
    return { root: root, nodes: keepNodes, edges: keepEdges };
  }

  function startTrace(root) {
    state.trace = chainOf(root);
    state.types[nodes[root].group] = true;
    Object.keys(state.trace.nodes).forEach(function (id) { state.types[nodes[id].group] = true; });
    syncFilterBoxes();
    applyVisibility();
    $("trace-banner").hidden = false;
    $("trace-name").textContent = nodes[root].full;
    network.fit({ nodes: Object.keys(state.trace.nodes).map(Number), animation: false });
  }

  function showAll() {
    state.trace = null;
    Object.keys(state.types).forEach(function (g) { state.types[g] = true; });
    Object.keys(state.relations).forEach(function (r) { state.relations[r] = true; });
    syncFilterBoxes();
    applyVisibility();
    $("trace-banner").hidden = true;
    network.fit({ animation: false });
  }

  var typeBoxes = {}, relationBoxes = {};
  function syncFilterBoxes() {
    Object.keys(typeBoxes).forEach(function (g) { typeBoxes[g].checked = Boolean(state.types[g]); });
    Object.keys(relationBoxes).forEach(function (r) { relationBoxes[r].checked = Boolean(state.relations[r]); });
  }

  function buildFilters() {
    var typeList = $("type-filters"), relationList = $("relation-filters");
    clear(typeList);
    clear(relationList);
    data.classes.forEach(function (c) {
      var box = el("input");
      box.type = "checkbox";
      box.checked = Boolean(state.types[c.group]);
      box.dataset.group = c.group;
      box.addEventListener("change", function () { state.types[c.group] = box.checked; applyVisibility(); });
      typeBoxes[c.group] = box;
      var glyph = el("span", "glyph", GLYPHS[c.shape] || GLYPHS.dot);
      glyph.style.color = c.color;
      var label = el("label");
      label.append(box, glyph, el("span", "name", c[state.lang]), el("span", "count", c.count));
      var item = el("li");
      item.appendChild(label);
      typeList.appendChild(item);
    });
    data.relations.forEach(function (r) {
      var box = el("input");
      box.type = "checkbox";
      box.checked = Boolean(state.relations[r.rel]);
      box.dataset.relation = r.rel;
      box.addEventListener("change", function () { state.relations[r.rel] = box.checked; applyVisibility(); });
      relationBoxes[r.rel] = box;
      var line = el("span", "line");
      line.style.background = r.color;
      var label = el("label");
      label.append(box, line, el("span", "name", r[state.lang]), el("span", "count", r.count));
      var item = el("li");
      item.appendChild(label);
      relationList.appendChild(item);
    });
  }

  document.querySelectorAll("button[data-bulk]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = button.dataset.bulk === "types" ? state.types : state.relations;
      Object.keys(target).forEach(function (k) { target[k] = Boolean(button.dataset.on); });
      syncFilterBoxes();
      applyVisibility();
    });
  });

  // --- evidence panel ---------------------------------------------------------------------

  function quoteList(quotes, total) {
    var list = el("div", "quotes");
    quotes.forEach(function (q) {
      // q = [quote, file, start, end, cue]
      var block = el("blockquote", "quote", q[0]);
      var source = [];
      if (q[1]) { source.push(t("file") + " " + q[1]); }
      if (q[2] >= 0) { source.push(t("chars") + " " + q[2] + "–" + q[3]); }
      if (q[4]) { source.push(t("cue") + ": “" + q[4] + "”"); }
      if (source.length) { block.appendChild(el("span", "source", source.join(" · "))); }
      list.appendChild(block);
    });
    if (total > quotes.length) { list.appendChild(el("p", "more", t("moreQuotes", { n: total - quotes.length }))); }
    if (!total) { list.appendChild(el("p", "more", t("noQuotes"))); }
    return list;
  }

  function nodeButton(id) {
    var button = el("button", "node-link", nodes[id].full);
    button.type = "button";
    button.addEventListener("click", function () { selectNode(id, true); });
    return button;
  }

  function relationBadge(rel) {
    var badge = el("span", "rel", relationName(rel));
    badge.style.background = relations[rel].color;
    return badge;
  }

  function linkSection(title, edgeIds, otherEnd) {
    var section = el("section", "links");
    section.appendChild(el("h4", null, title + " (" + edgeIds.length + ")"));
    var list = el("ul");
    edgeIds.slice(0, MAX_LINKS).forEach(function (edgeId) {
      var e = edges[edgeId];
      var item = el("li", "link");
      item.append(relationBadge(e.rel), nodeButton(e[otherEnd]));
      if (e.quotes.length) { item.appendChild(quoteList(e.quotes, e.quoteCount)); }
      list.appendChild(item);
    });
    section.appendChild(list);
    if (edgeIds.length > MAX_LINKS) { section.appendChild(el("p", "more", "… +" + (edgeIds.length - MAX_LINKS))); }
    return section;
  }

  function sortedLinks(edgeIds, otherEnd) {
    var rank = {};
    data.relations.forEach(function (r, i) { rank[r.rel] = i; });
    return edgeIds.slice().sort(function (a, b) {
      var ea = edges[a], eb = edges[b];
      return (rank[ea.rel] - rank[eb.rel]) || (nodes[ea[otherEnd]].full < nodes[eb[otherEnd]].full ? -1 : 1);
    });
  }

  function propertyValue(key, value) {
    if (key === "class") { return className(value); }
    if (key === "level" && data.levels[value]) { return data.levels[value][state.lang]; }
    return value;
  }

  function showNode(id) {
    state.selected = { node: id };
    var n = nodes[id];
    var panel = $("panel");
    clear(panel);
    $("hint").hidden = true;
    panel.appendChild(el("h3", null, n.full));
    if (n.focus) { panel.appendChild(el("p", "more", t("focus"))); }
    var trace = el("button", null, t("trace"));
    trace.type = "button";
    trace.id = "trace";
    trace.addEventListener("click", function () { startTrace(id); });
    panel.appendChild(trace);

    panel.appendChild(el("h4", null, t("properties")));
    var fields = el("dl", "properties");
    n.props.forEach(function (p) {
      fields.append(el("dt", null, t("p." + p[0])), el("dd", null, propertyValue(p[0], p[1])));
    });
    panel.appendChild(fields);

    panel.appendChild(el("h4", null, t("quotes") + " (" + n.quoteCount + ")"));
    panel.appendChild(quoteList(n.quotes, n.quoteCount));
    if (outEdges[id].length) { panel.appendChild(linkSection(t("linksOut"), sortedLinks(outEdges[id], "to"), "to")); }
    if (inEdges[id].length) { panel.appendChild(linkSection(t("linksIn"), sortedLinks(inEdges[id], "from"), "from")); }
  }

  function showEdge(id) {
    state.selected = { edge: id };
    var e = edges[id];
    var panel = $("panel");
    clear(panel);
    $("hint").hidden = true;
    panel.appendChild(el("h3", null, t("edge") + ": " + relationName(e.rel)));
    var line = el("p");
    line.append(nodeButton(e.from), el("span", null, " → "), relationBadge(e.rel), el("span", null, " → "), nodeButton(e.to));
    panel.appendChild(line);
    panel.appendChild(el("h4", null, t("quotes") + " (" + e.quoteCount + ")"));
    panel.appendChild(quoteList(e.quotes, e.quoteCount));
  }

  function clearPanel() {
    state.selected = null;
    clear($("panel"));
    $("hint").hidden = false;
  }

  function redrawPanel() {
    if (!state.selected) { return; }
    if (state.selected.node !== undefined) { showNode(state.selected.node); } else { showEdge(state.selected.edge); }
  }

  function selectNode(id, centre) {
    if (!nodeShown[id]) {
      // a node the filters or a trace hide: bring it back rather than select something unseen
      if (state.trace && !state.trace.nodes[id]) { state.trace = null; $("trace-banner").hidden = true; }
      state.types[nodes[id].group] = true;
      syncFilterBoxes();
      applyVisibility();
    }
    network.selectNodes([id]);
    if (centre) {
      network.focus(id, { scale: Math.max(network.getScale(), 1), animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    }
    showNode(id);
  }

  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); } else if (params.edges.length) { showEdge(params.edges[0]); } else { clearPanel(); }
  });

  // --- search: diacritics and case ignored ------------------------------------------------

  /* The same folding as kg.normalise.fold (Python folds the keys): no diacritics, lower case,
   * đ -> d, runs of white space as one space. */
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }
  function compact(folded) { return folded.replace(/[^a-z0-9]+/g, ""); }
  var compactKeys = nodes.map(function (n) { return compact(n.search); });

  function search(query) {
    var q = fold(query);
    if (!q) { return []; }
    var qc = compact(q);
    var hits = [];
    nodes.forEach(function (n, id) {
      var key = n.search, at = key.indexOf(q), score;
      if (at === 0) { score = key.length === q.length || key.charAt(q.length) === " " ? 0 : 1; }
      else if (at > 0) { score = /[ |/(-]/.test(key.charAt(at - 1)) ? 2 : 3; }
      else if (qc && compactKeys[id].indexOf(qc) >= 0) { score = 4; } // `57 nq tw`, `06ctr`
      else { return; }
      hits.push([score, n.full.length, n.full, id]);
    });
    hits.sort(function (a, b) { return (a[0] - b[0]) || (a[1] - b[1]) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : a[3] - b[3]); });
    return hits.map(function (h) { return h[3]; });
  }

  var searchInput = $("search"), resultList = $("search-results");
  var results = [], active = 0;

  function renderResults() {
    clear(resultList);
    if (!searchInput.value.trim()) { resultList.hidden = true; return; }
    if (!results.length) {
      resultList.appendChild(el("li", "empty", t("noMatch")));
    }
    results.slice(0, MAX_RESULTS).forEach(function (id, i) {
      var item = el("li");
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", i === active ? "true" : "false");
      item.dataset.iri = nodes[id].iri;
      item.append(el("span", "label", nodes[id].full), el("span", "kind", className(nodes[id].group)));
      item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(id); });
      resultList.appendChild(item);
    });
    resultList.hidden = false;
  }

  function choose(id) {
    resultList.hidden = true;
    selectNode(id, true);
  }

  searchInput.addEventListener("input", function () {
    results = search(searchInput.value);
    active = 0;
    renderResults();
  });
  searchInput.addEventListener("keydown", function (event) {
    var shown = Math.min(results.length, MAX_RESULTS);
    if (event.key === "ArrowDown" && shown) { active = (active + 1) % shown; renderResults(); event.preventDefault(); }
    else if (event.key === "ArrowUp" && shown) { active = (active + shown - 1) % shown; renderResults(); event.preventDefault(); }
    else if (event.key === "Enter" && shown) { choose(results[active]); event.preventDefault(); }
    else if (event.key === "Escape") { resultList.hidden = true; }
  });
  searchInput.addEventListener("blur", function () { resultList.hidden = true; });
  searchInput.addEventListener("focus", function () { if (searchInput.value.trim()) { renderResults(); } });

  // --- header controls and language -------------------------------------------------------

  $("physics").addEventListener("change", function () {
    network.setOptions({ physics: { enabled: $("physics").checked } });
  });
  $("fit").addEventListener("click", function () { network.fit({ nodes: shownNodeIds(), animation: { duration: 300 } }); });
  $("show-all").addEventListener("click", showAll);
  $("language").addEventListener("click", function () { setLanguage(state.lang === "vi" ? "en" : "vi"); });

  var baseTitle = document.title; // the focus document's name follows the default title
  var titleSuffix = baseTitle.indexOf(data.ui.vi.title) === 0 ? baseTitle.slice(data.ui.vi.title.length) : "";

  function setLanguage(lang) {
    state.lang = lang;
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (node) { node.textContent = t(node.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach(function (node) { node.placeholder = t(node.dataset.i18nPlaceholder); });
    $("language").lang = lang === "vi" ? "en" : "vi";
    var title = t("title") + titleSuffix;
    document.title = title;
    $("page-title").textContent = title;
    buildFilters();
    visEdges.update(edges.map(function (e, id) { return { id: id, label: relationName(e.rel) }; }));
    visNodes.update(nodes.map(function (n, id) { return { id: id, title: tooltip(n) }; }));
    updateCounts();
    redrawPanel();
    if (!resultList.hidden) { renderResults(); }
  }

  // --- start ------------------------------------------------------------------------------

  buildFilters();
  updateCounts();
  var api = {
    ready: false,
    readyMs: null,
    network: network,
    nodes: visNodes,
    edges: visEdges,
    nodeCount: nodes.length,
    edgeCount: edges.length,
    indexOf: function (iri) { for (var i = 0; i < nodes.length; i += 1) { if (nodes[i].iri === iri) { return i; } } return -1; },
    search: function (query) { return search(query).map(function (id) { return nodes[id].iri; }); },
    select: function (iri) { selectNode(api.indexOf(iri), true); },
    trace: function (iri) { startTrace(api.indexOf(iri)); },
    showAll: showAll,
    setLanguage: setLanguage,
    shownNodes: function () { return shownNodeIds().map(function (id) { return nodes[id].iri; }); },
    shownEdgeCount: function () { return edgeShown.filter(Boolean).length; }
  };
  window.kgMap = api; // for the browser tests and the benchmark, and for power users' consoles
  network.once("afterDrawing", function () {
    api.ready = true;
    api.readyMs = performance.now();
    document.body.dataset.ready = "true";
  });
  var focused = nodes.findIndex(function (n) { return n.focus; });
  if (focused >= 0) { network.selectNodes([focused]); showNode(focused); }
})();
