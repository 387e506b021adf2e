// The blastgraph report page: draws the views of the JSON in #data (see
// crates/export/src/report.rs for its shape). Every text goes in through
// textContent, never as HTML. Served by `blastgraph serve`, the page also
// searches and asks the server for blast, who-can, trace and what-if views
// (same-origin requests only; the offline report makes none).
(function () {
  'use strict';

  const DATA = JSON.parse(document.getElementById('data').textContent);
  const COLORS = {
    human: '#2f6fdf', workload: '#7048c8', group: '#3b8ea5', credential: '#d9820f',
    secret: '#c92a2a', dataset: '#2b8a3e', model: '#c2255c', tool: '#8f6b00', scope: '#343a40',
  };
  const PLURAL = {
    human: 'people', workload: 'workloads', group: 'groups', credential: 'credentials',
    secret: 'secrets', dataset: 'datasets', model: 'models', tool: 'tools', scope: 'scopes',
  };
  // Above this many ends of one class, the graph groups them by class and
  // home into one node each (click to expand).
  const GROUP_AT = 30;
  // Above this many rows, a table is split into closed sections by class and home.
  const SPLIT_AT = 60;

  const state = { view: null, cy: null, expanded: new Set(), selected: null };
  window.blastgraph = state;

  // Control and direction characters are shown, never obeyed.
  function show(s) {
    return String(s).replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
      (c) => '\\u{' + c.charCodeAt(0).toString(16) + '}');
  }

  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'text') e.textContent = show(v);
      else if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const kid of kids) if (kid) e.append(kid);
    return e;
  }

  function clear(id) {
    const e = document.getElementById(id);
    e.replaceChildren();
    return e;
  }

  function dot(cls) {
    const d = el('span', { class: 'dot' });
    d.style.background = COLORS[cls] || '#999';
    return d;
  }

  // ---- the graph ----------------------------------------------------

  // Nodes that end paths and start none, by class: candidates for grouping.
  function ends(view) {
    const starts = new Set(view.edges.map((e) => e.from));
    const anchors = new Set(view.anchors);
    const out = new Set();
    view.edges.forEach((e) => {
      if (!starts.has(e.to) && !anchors.has(view.nodes[e.to].id)) out.add(e.to);
    });
    return out;
  }

  // Node index → the group it is drawn in, or undefined.
  function grouping(view) {
    const byClass = {};
    for (const n of ends(view)) {
      const c = view.nodes[n].class;
      (byClass[c] = byClass[c] || []).push(n);
    }
    const group = new Map();
    for (const [cls, list] of Object.entries(byClass)) {
      // Scopes are collapsed into one node as soon as there are two.
      const collapse = cls === 'scope' ? list.length > 1 : list.length > GROUP_AT;
      if (!collapse) continue;
      for (const n of list) {
        const key = cls === 'scope' ? 'group:scope' : 'group:' + cls + ':' + view.nodes[n].home;
        if (!state.expanded.has(key)) group.set(n, key);
      }
    }
    return group;
  }

  function elements(view) {
    const group = grouping(view);
    const out = [];
    const groups = new Map();
    view.nodes.forEach((n, i) => {
      const g = group.get(i);
      if (g) {
        const x = groups.get(g) || { cls: n.class, home: n.home, count: 0 };
        x.count += 1;
        groups.set(g, x);
        return;
      }
      out.push({ group: 'nodes', data: { id: 'n' + i, ix: i, label: show(n.name), cls: n.class,
        color: COLORS[n.class] || '#999', anchor: view.anchors.includes(n.id) ? 1 : 0 } });
    });
    for (const [key, g] of groups) {
      const what = key === 'group:scope' ? g.count + ' scopes' : g.count + ' ' + (PLURAL[g.cls] || g.cls) + ' · ' + g.home;
      out.push({ group: 'nodes', data: { id: key, label: what + ' (click to expand)', cls: g.cls,
        color: COLORS[g.cls] || '#999', grouped: 1 } });
    }
    const seen = new Map();
    view.edges.forEach((e, i) => {
      const from = group.get(e.from) || 'n' + e.from;
      const to = group.get(e.to) || 'n' + e.to;
      if (group.has(e.to)) {
        const key = from + '>' + to + (e.conditional ? '?' : '');
        const x = seen.get(key);
        if (x) { x.data.count += 1; x.data.label = x.data.count + ' × ' + e.kind; return; }
        const d = { group: 'edges', data: { id: 'ge' + i, source: from, target: to, label: e.kind,
          count: 1, dashed: e.conditional ? 1 : 0, ixs: [] } };
        seen.set(key, d);
        out.push(d);
        return;
      }
      out.push({ group: 'edges', data: { id: 'e' + i, ix: i, source: from, target: to,
        label: show(e.access ? e.kind + ' (' + e.access + ')' : e.kind), dashed: e.conditional ? 1 : 0 } });
    });
    return out;
  }

  function drawGraph(view) {
    if (state.cy) state.cy.destroy();
    const container = document.getElementById('graph');
    const elems = elements(view);
    const cy = cytoscape({
      container, elements: elems, wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 3,
      style: [
        { selector: 'node', style: { 'background-color': 'data(color)', label: 'data(label)', 'font-size': 10,
          'text-valign': 'bottom', 'text-margin-y': 3, 'text-wrap': 'ellipsis', 'text-max-width': 160, width: 18, height: 18 } },
        { selector: 'node[anchor = 1]', style: { 'border-width': 4, 'border-color': '#e8590c', width: 26, height: 26 } },
        { selector: 'node[grouped = 1]', style: { shape: 'round-rectangle', width: 34, height: 22, 'font-weight': 'bold' } },
        { selector: 'edge', style: { width: 1.5, 'line-color': '#adb5bd', 'target-arrow-color': '#adb5bd',
          'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'font-size': 8, label: 'data(label)',
          'text-rotation': 'autorotate', color: '#868e96' } },
        { selector: 'edge[dashed = 1]', style: { 'line-style': 'dashed' } },
        { selector: '.faded', style: { opacity: 0.18 } },
        { selector: 'node.hl', style: { 'border-width': 3, 'border-color': '#e8590c', opacity: 1 } },
        { selector: 'edge.hl', style: { width: 4, 'line-color': '#e8590c', 'target-arrow-color': '#e8590c', opacity: 1, color: '#d9480f' } },
      ],
      layout: { name: 'breadthfirst', directed: true, spacingFactor: 1.1, animate: false,
        roots: elems.filter((x) => x.group === 'nodes' && !elems.some((y) => y.group === 'edges' && y.data.target === x.data.id)).map((x) => x.data.id) },
    });
    cy.on('tap', 'node', (ev) => {
      const d = ev.target.data();
      if (d.grouped) { state.expanded.add(d.id); drawGraph(view); return; }
      const row = view.rows.find((r) => r.node === d.ix);
      if (row) select(row);
    });
    cy.on('tap', (ev) => { if (ev.target === cy) unselect(); });
    state.cy = cy;
  }

  function unselect() {
    if (!state.cy) return;
    state.cy.elements().removeClass('hl faded');
    state.selected = null;
    document.querySelectorAll('tbody tr.on').forEach((r) => r.classList.remove('on'));
  }

  // Highlights a row's witness path (expanding its group) and lists its hops.
  function select(row) {
    const view = state.view;
    const group = grouping(view);
    const g = group.get(row.node);
    if (g) { state.expanded.add(g); drawGraph(view); }
    const cy = state.cy;
    cy.elements().removeClass('hl').addClass('faded');
    const nodes = new Set([row.node]);
    row.path.forEach((i) => {
      const e = view.edges[i];
      nodes.add(e.from); nodes.add(e.to);
      cy.getElementById('e' + i).removeClass('faded').addClass('hl');
    });
    nodes.forEach((n) => cy.getElementById('n' + n).removeClass('faded').addClass('hl'));
    state.selected = row;
    document.querySelectorAll('tbody tr').forEach((tr) => tr.classList.toggle('on', tr.rowRef === row));
    showPath(view, row);
  }

  function showPath(view, row) {
    const n = view.nodes[row.node];
    document.getElementById('path-hint').textContent = show(n.name + ' (' + n.class + ', ' + n.kind + ')' +
      (row.access ? ': ' + row.access : '') + ' in ' + row.hops + ' hop' + (row.hops === 1 ? '' : 's') +
      (row.conditional ? ', conditional' : ''));
    const ol = clear('hops');
    row.path.forEach((i) => {
      const e = view.edges[i];
      const head = view.nodes[e.from].name + ' → ' + view.nodes[e.to].name;
      const meta = [e.kind, e.access, e.mechanism].filter(Boolean).join(' · ');
      ol.append(el('li', { class: 'hop' },
        el('div', { class: 'hop-head', text: head }),
        el('div', { class: 'hop-meta', text: meta }),
        e.conditional ? el('div', { class: 'cond', text: 'conditional: ' + (e.condition || 'undecided') }) : null,
        el('div', { text: e.reason }),
        el('div', { class: 'hop-prov', text: e.source + ' · ' + e.location }),
        DATA.live ? el('button', { class: 'act revoke', text: 'What if this hop is revoked?', onclick: () => whatIf(view, e) }) : null));
    });
    const acts = clear('path-actions');
    if (DATA.live && view.kind === 'blast' && row.section === 'target') {
      acts.append(el('button', { class: 'act', text: 'Trace: the 3 shortest chains', onclick: () => trace(view, row) }));
    }
  }

  // ---- tables -------------------------------------------------------

  const SECTIONS = [['chain', 'Chains'], ['target', 'Targets'], ['identity', 'Identities'], ['credential', 'Credentials'], ['scope', 'Admin scopes']];

  function table(view, rows) {
    const body = el('tbody');
    rows.forEach((r) => {
      const n = view.nodes[r.node];
      const name = el('td', {}, dot(n.class), el('span', { text: n.name }));
      const tr = el('tr', { onclick: () => select(r) }, name, el('td', { text: n.class }), el('td', { text: n.kind }),
        el('td', { text: n.home }), el('td', { text: r.access || '' }), el('td', { text: String(r.hops) }),
        el('td', { text: r.conditional ? 'conditional' : 'certain' }), el('td', { class: 'id', text: n.id }));
      tr.rowRef = r;
      body.append(tr);
    });
    const head = el('tr', {}, ...['name', 'class', 'kind', 'home', 'access', 'hops', 'certainty', 'id'].map((h) => el('th', { text: h })));
    return el('table', {}, el('thead', {}, head), body);
  }

  function drawTables(view) {
    const box = clear('tables');
    for (const [section, title] of SECTIONS) {
      const rows = view.rows.filter((r) => r.section === section);
      if (!rows.length) continue;
      const part = el('details', { open: '' }, el('summary', { text: title + ' (' + rows.length + ')' }));
      if (rows.length <= SPLIT_AT) {
        part.append(table(view, rows));
      } else {
        const groups = new Map();
        rows.forEach((r) => {
          const n = view.nodes[r.node];
          const key = n.class + ' · ' + n.home;
          if (!groups.has(key)) groups.set(key, []);
          groups.get(key).push(r);
        });
        // Largest groups first.
        for (const [key, list] of [...groups].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))) {
          const sub = el('details', {}, el('summary', { text: key + ' (' + list.length + ')' }));
          sub.addEventListener('toggle', () => { if (sub.open && sub.children.length === 1) sub.append(table(view, list)); }, { once: false });
          part.append(sub);
        }
      }
      box.append(part);
    }
  }

  function drawRank() {
    const box = clear('rank');
    if (!DATA.rank || !DATA.rank.length) return;
    box.append(el('h2', { text: 'Riskiest identities' }));
    const body = el('tbody');
    DATA.rank.forEach((r) => {
      const tr = el('tr', { onclick: () => { const i = DATA.views.findIndex((v) => v.anchors.length === 1 && v.anchors[0] === r.id); if (i >= 0) open(i); else if (DATA.live) load('blast', r.id); } },
        el('td', { text: String(r.rank) }), el('td', {}, dot(r.class), el('span', { text: r.name })), el('td', { text: r.class }),
        el('td', { text: String(r.score) }), el('td', { text: String(r.datasets) }), el('td', { text: String(r.models) }),
        el('td', { text: String(r.tools) }), el('td', { text: String(r.secrets) }), el('td', { text: String(r.possible_score) }));
      body.append(tr);
    });
    const head = el('tr', {}, ...['#', 'identity', 'class', 'score', 'datasets', 'models', 'tools', 'secrets', 'possible score'].map((h) => el('th', { text: h })));
    box.append(el('table', {}, el('thead', {}, head), body));
  }

  // ---- views --------------------------------------------------------

  function drawTabs() {
    const nav = clear('tabs');
    DATA.views.forEach((v, i) => nav.append(el('button', { class: v === state.view ? 'on' : '', text: v.title, onclick: () => open(i) })));
  }

  function open(i) {
    const view = DATA.views[i];
    if (!view) return;
    state.view = view;
    state.expanded = new Set();
    state.selected = null;
    const s = clear('summary');
    const ul = el('ul');
    view.summary.forEach((line) => ul.append(el('li', { text: line })));
    s.append(ul);
    const counts = clear('counts');
    Object.entries(view.counts).filter(([, n]) => n > 0).forEach(([k, n]) => counts.append(el('span', { class: 'chip', text: n + ' ' + k })));
    clear('hops');
    clear('path-actions');
    document.getElementById('path-hint').textContent = 'Click a target in the graph or a row of the tables to see how it is reached, hop by hop.';
    drawTabs();
    drawGraph(view);
    drawTables(view);
  }

  function drawLegend() {
    const box = clear('legend');
    Object.keys(COLORS).forEach((c) => box.append(el('span', {}, dot(c), el('span', { text: c }))));
    box.append(el('span', { text: '- - - conditional hop (undecided by the inputs)' }));
    box.append(el('span', { text: '▢ grouped: click to expand' }));
  }

  // ---- live (blastgraph serve) --------------------------------------

  async function ask(path) {
    const r = await fetch(path, { headers: { Accept: 'application/json' } });
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  }

  function addView(view) {
    DATA.views.push(view);
    open(DATA.views.length - 1);
  }

  function fail(err) {
    const s = clear('summary');
    s.append(el('p', { class: 'cond', text: String(err.message || err) }));
  }

  function load(kind, id) {
    ask('api/' + kind + '?id=' + encodeURIComponent(id)).then(addView, fail);
  }

  function trace(view, row) {
    const from = view.anchors.join('\n');
    ask('api/trace?from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(view.nodes[row.node].id)).then(addView, fail);
  }

  function whatIf(view, edge) {
    if (view.kind !== 'blast') return;
    ask('api/what-if?compromise=' + encodeURIComponent(view.anchors.join('\n')) + '&revoke=' + encodeURIComponent(edge.id)).then(addView, fail);
  }

  function search() {
    const box = document.getElementById('search-box');
    box.hidden = false;
    const input = document.getElementById('search');
    const results = document.getElementById('results');
    let timer = null;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const q = input.value.trim();
        if (!q) { results.replaceChildren(); return; }
        ask('api/search?q=' + encodeURIComponent(q)).then((hits) => {
          results.replaceChildren();
          hits.forEach((h) => {
            const identity = ['human', 'workload', 'group', 'credential'].includes(h.class);
            const li = el('li', { tabindex: '0', onclick: () => { results.replaceChildren(); load(identity ? 'blast' : 'who-can', h.id); } },
              dot(h.class), el('span', { text: h.name + ' — ' + h.class + ' · ' + h.kind + (identity ? ' · blast radius' : ' · who can reach it') }));
            li.dataset.id = h.id;
            results.append(li);
          });
        }, fail);
      }, 150);
    });
  }

  // ---- start --------------------------------------------------------

  if (DATA.version !== 1) {
    document.getElementById('title').textContent = 'This page was written for another version of the report format.';
    return;
  }
  document.getElementById('title').textContent = show(DATA.title);
  document.getElementById('estate').textContent = show(DATA.estate);
  if (DATA.live) {
    document.getElementById('live-note').textContent = ' outside this server (127.0.0.1)';
    search();
  }
  drawLegend();
  drawRank();
  if (DATA.views.length) open(0);
  else document.getElementById('path-hint').textContent = DATA.live ? 'Search an identity or a target above.' : 'Nothing to show.';
}());
