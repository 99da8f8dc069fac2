#include "runtime/api/status_page.hpp"

namespace temblor::api {

namespace {

// Every value that came from the API reaches the DOM through textContent
// (aliases are identifiers, but a page that shows data never parses it as
// HTML); the graphs are our own SVG.
constexpr std::string_view page = R"PAGE(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Temblor status</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }
  header { background: #1f3556; color: #fff; padding: 10px 20px; display: flex; gap: 24px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  header .meta { opacity: .85; }
  main { padding: 12px 20px; }
  section.flow { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 0 0 16px; padding: 10px 16px; }
  section.flow h2 { font-size: 16px; margin: 4px 0 8px; }
  .graph { overflow-x: auto; margin: 6px 0 10px; }
  table { border-collapse: collapse; margin: 4px 0 10px; }
  th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
  th { font-weight: 600; color: #444; border-bottom: 1px solid #ccc; }
  td.name, th.name, td.type, td.status, td.connectivity { text-align: left; }
  .badge { display: inline-block; padding: 0 8px; border-radius: 9px; font-size: 12px; background: #ddd; }
  .s-running, .s-connected { background: #cdeccf; }
  .s-paused, .s-initializing, .s-draining { background: #fbeec1; }
  .s-failed, .s-disconnected, .s-stopped { background: #f6c9c9; }
  #error { display: none; background: #f6c9c9; padding: 8px 20px; }
</style>
</head>
<body>
<header>
  <h1>Temblor</h1>
  <span class="meta">instance <b id="instance">…</b></span>
  <span class="meta">version <span id="version">…</span></span>
  <span class="meta">flows <span id="overall">…</span></span>
  <span class="meta">updated <span id="updated">never</span></span>
</header>
<div id="error"></div>
<main id="flows"></main>
<script>
'use strict';
const flowsEl = document.getElementById('flows');
const errorEl = document.getElementById('error');
let previous = null; // the last /v1/stats, for rates
const sections = new Map(); // flow alias -> its section's elements

async function getJson(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  const body = await r.json();
  return { status: r.status, body };
}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function sum(ports) { return Object.values(ports || {}).reduce((a, b) => a + b, 0); }

function fmt(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(1) + 'G';
  if (a >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (a >= 1e4) return (n / 1e3).toFixed(1) + 'k';
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function badge(text) { return el('span', { class: 'badge s-' + text }, text); }

function sectionFor(flow) {
  if (sections.has(flow)) return sections.get(flow);
  const s = el('section', { class: 'flow', 'data-flow': flow });
  const title = el('h2');
  title.append('flow ' + flow + ' ', el('span', { class: 'flow-status' }));
  const graph = el('div', { class: 'graph' });
  const connectors = el('table', { class: 'connectors' });
  connectors.innerHTML = '<thead><tr><th class="name">connector</th><th>type</th><th>status</th>' +
    '<th>connectivity</th><th>read/s</th><th>written/s</th><th>read</th><th>written</th>' +
    '<th>errors</th><th>dropped</th><th>reconnects</th></tr></thead><tbody></tbody>';
  const pipelines = el('table', { class: 'pipelines' });
  pipelines.innerHTML = '<thead><tr><th class="name">pipeline</th><th>in/s</th><th>out/s</th>' +
    '<th>in</th><th>out</th><th>errors</th><th>dropped</th></tr></thead><tbody></tbody>';
  s.append(title, graph, connectors, pipelines);
  flowsEl.append(s);
  const entry = { section: s, status: title.querySelector('.flow-status'), graph,
                  connectors: connectors.tBodies[0], pipelines: pipelines.tBodies[0], rows: new Map() };
  sections.set(flow, entry);
  fetch('/v1/flows/' + encodeURIComponent(flow) + '/graph.svg', { cache: 'no-store' })
    .then((r) => r.ok ? r.text() : '')
    .then((svg) => { graph.innerHTML = svg; });
  return entry;
}

function rowFor(entry, key, body, cells) {
  if (entry.rows.has(key)) return entry.rows.get(key);
  const tr = el('tr', { 'data-stage': key });
  const byName = {};
  for (const c of cells) {
    byName[c] = el('td', { class: c });
    tr.append(byName[c]);
  }
  body.append(tr);
  entry.rows.set(key, byName);
  return byName;
}

function setCell(td, content) {
  if (typeof content === 'object' && content !== null) td.replaceChildren(content);
  else td.textContent = content;
}

async function refresh() {
  const [status, stats] = await Promise.all([getJson('/v1/status'), getJson('/v1/stats')]);
  const flows = (await getJson('/v1/flows')).body;
  const reports = await Promise.all(flows.map((f) =>
    getJson('/v1/flows/' + encodeURIComponent(f.alias) + '/connectors')));
  document.getElementById('instance').textContent = stats.body.instance;
  const counts = Object.entries(status.body.flows).map(([k, v]) => v + ' ' + k).join(', ');
  document.getElementById('overall').textContent = status.body.num_flows + (counts ? ' (' + counts + ')' : '');
  const dt = previous ? (stats.body.time_ns - previous.time_ns) / 1e9 : 0;
  const before = new Map();
  if (previous) for (const st of previous.stages) before.set(st.flow + '::' + st.alias, st);
  const rate = (now, then) => (dt > 0 && then !== undefined ? (now - then) / dt : null);

  flows.forEach((f, i) => {
    const entry = sectionFor(f.alias);
    setCell(entry.status, badge(f.status));
    const report = new Map((reports[i].body || []).map((c) => [c.alias, c]));
    for (const st of stats.body.stages.filter((s) => s.flow === f.alias)) {
      const key = st.flow + '::' + st.alias;
      const old = before.get(key);
      let nodeRate;
      if (st.kind === 'connector') {
        const c = report.get(st.alias) || {};
        const row = rowFor(entry, key, entry.connectors, ['name', 'type', 'status', 'connectivity',
          'read-rate', 'written-rate', 'read', 'written', 'errors', 'dropped', 'reconnects']);
        const read = sum(st.out), written = sum(st.in);
        const readRate = rate(read, old && sum(old.out));
        const writtenRate = rate(written, old && sum(old.in));
        setCell(row.name, st.alias);
        setCell(row.type, st.type);
        setCell(row.status, badge(c.status || 'unknown'));
        setCell(row.connectivity, badge(c.connectivity || (st.connected ? 'connected' : 'disconnected')));
        setCell(row['read-rate'], fmt(readRate));
        setCell(row['written-rate'], fmt(writtenRate));
        setCell(row.read, String(read));
        setCell(row.written, String(written));
        setCell(row.errors, String(st.errors));
        setCell(row.dropped, String(st.dropped));
        setCell(row.reconnects, String(st.reconnects));
        nodeRate = (readRate || 0) + (writtenRate || 0);
      } else {
        const row = rowFor(entry, key, entry.pipelines, ['name', 'in-rate', 'out-rate', 'in', 'out',
          'errors', 'dropped']);
        const inn = sum(st.in), out = sum(st.out);
        setCell(row.name, st.alias);
        setCell(row['in-rate'], fmt(rate(inn, old && sum(old.in))));
        setCell(row['out-rate'], fmt(rate(out, old && sum(old.out))));
        setCell(row.in, String(inn));
        setCell(row.out, String(out));
        setCell(row.errors, String(st.errors));
        setCell(row.dropped, String(st.dropped));
        nodeRate = rate(inn, old && sum(old.in));
      }
      const label = entry.graph.querySelector('g[data-stage="' + CSS.escape(key) + '"] text.rate');
      if (label) label.textContent = nodeRate === null ? '' : fmt(nodeRate) + ' ev/s';
    }
  });
  previous = stats.body;
  document.getElementById('updated').textContent = new Date().toLocaleTimeString();
  errorEl.style.display = 'none';
}

async function loop() {
  try {
    await refresh();
  } catch (e) {
    errorEl.textContent = 'cannot reach the API: ' + e.message;
    errorEl.style.display = 'block';
  }
  setTimeout(loop, 1000);
}

getJson('/v1/version').then((v) => {
  document.getElementById('version').textContent = v.body.version + (v.body.debug ? ' (debug)' : '');
}).catch(() => {});
loop();
</script>
</body>
</html>
)PAGE";

} // namespace

std::string_view status_page_html() { return page; }

} // namespace temblor::api
