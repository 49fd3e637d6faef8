import { renderActions } from './actions.js';
import { getJson, getToken, setToken } from './api.js';
import { duration, h } from './dom.js';
import { renderFleet, updateFleetTraffic } from './fleet.js';
import { renderAudit, renderHistory } from './history.js';
import { renderPipeline } from './pipeline.js';
import { renderReport } from './report.js';
import { TrafficChart } from './traffic-chart.js';

const state = {
  deployments: [],
  history: new Map(),
  traffic: new Map(),
  selected: null,
  verify: null,
  chart: null,
  chartFor: null,
};

const $ = (id) => document.getElementById(id);

function selectedFromHash() {
  const m = /^#\/d\/(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

function panel(title, id, ...body) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': `${id}-h`, id },
    h('h2', { id: `${id}-h` }, title),
    ...body,
  );
}

function markers(records) {
  return records
    .filter((r) => ['switch', 'rollback'].includes(r.kind) && r.data?.switchedAt)
    .map((r) => ({
      t: r.data.switchedAt,
      kind: r.kind,
      label: `${r.kind} → ${r.data.toVersion ?? r.data.to}`,
    }));
}

const auditCache = new Map();
const PAGE = 1000;

/**
 * Every audit record of a deployment, oldest first. The log only grows, so after the first read
 * only records after the last seq seen are fetched (in pages: the API returns the oldest first).
 */
async function auditOf(name) {
  const cached = auditCache.get(name) ?? { records: [], last: 0 };
  for (;;) {
    const { records } = await getJson(
      `/api/audit?deployment=${encodeURIComponent(name)}&since=${cached.last}&limit=${PAGE}`,
    );
    for (const r of records) if (r.seq > cached.last) cached.records.push(r);
    cached.last = cached.records.at(-1)?.seq ?? cached.last;
    if (records.length < PAGE) break;
  }
  auditCache.set(name, cached);
  return cached.records;
}

let renderGen = 0;

async function renderDetail() {
  const gen = ++renderGen;
  const el = $('detail');
  const name = state.selected;
  const d = state.deployments.find((x) => x.name === name);
  if (!d) {
    state.chart?.destroy();
    state.chart = null;
    state.chartFor = null;
    // No name: there is no deployment yet (the first one is chosen as soon as it exists).
    el.replaceChildren(name ? h('p', { class: 'panel empty' }, `No deployment named “${name}”.`) : '');
    return;
  }
  const enc = encodeURIComponent(name);
  const [records, timeline] = await Promise.all([
    auditOf(name),
    getJson(`/api/deployments/${enc}/timeline`).catch(() => ({ intervals: [] })),
  ]);
  // A newer render started while this one waited: it has fresher data.
  if (gen !== renderGen) return;
  const width = el.clientWidth || window.innerWidth;
  const r = d.rollout;
  // The chart survives re-renders of everything else: it only gains points.
  let chartHost = state.chartFor === name ? $('traffic-body') : null;
  if (!chartHost) {
    state.chart?.destroy();
    state.chart = null;
    chartHost = h('div', { id: 'traffic-body' });
  }
  const sections = [
    h(
      'div',
      { class: 'detail-head' },
      h('h1', { tabindex: '-1', 'data-focus': 'detail-heading' }, name),
      renderActions(d, refresh, records),
    ),
    panel(
      'Pipeline',
      'pipeline',
      r ? renderPipeline(r, records, width) : h('p', { class: 'muted' }, 'No rollout yet.'),
    ),
    h(
      'div',
      { class: 'two' },
      panel('Live traffic', 'traffic', chartHost),
      panel(
        'Validation report',
        'report',
        r
          ? renderReport(r, d.status?.rollout?.samples ?? null)
          : h('p', { class: 'muted' }, 'No rollout yet.'),
      ),
    ),
    h(
      'div',
      { class: 'two' },
      panel('History', 'history', renderHistory(state.history.get(name) ?? [])),
      panel('Audit timeline', 'audit', renderAudit(timeline.intervals, state.verify, records.slice(-40))),
    ),
  ];
  const open = new Set(
    [...el.querySelectorAll('details[open]')].map(
      (x) => x.dataset.gate ?? x.querySelector('summary')?.textContent,
    ),
  );
  const focus = focusKey();
  el.replaceChildren(...sections);
  for (const x of el.querySelectorAll('details'))
    if (open.has(x.dataset.gate ?? x.querySelector('summary')?.textContent)) x.open = true;
  restoreFocus(focus);
  if (state.focusHeading) {
    state.focusHeading = false;
    el.querySelector('h1')?.focus();
  }
  const chartWidth = chartHost.clientWidth - 4;
  if (!state.chart) {
    state.chart = new TrafficChart(chartHost, state.traffic.get(name) ?? [], markers(records), chartWidth);
    state.chartFor = name;
  } else {
    state.chart.setMarkers(markers(records));
  }
}

/** Re-rendering replaces elements: a keyboard user's focus must land back on the same control. */
function focusKey() {
  return document.activeElement?.dataset?.focus ?? null;
}

function restoreFocus(key) {
  if (!key || document.activeElement?.dataset?.focus === key) return;
  for (const el of document.querySelectorAll('[data-focus]')) {
    if (el.dataset.focus === key) return el.focus();
  }
}

let refreshing = null;
let again = false;

/** Re-read everything the page shows; one at a time, the latest request wins. */
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      const { deployments } = await getJson('/api/deployments');
      state.deployments = deployments;
      if (!state.selected && deployments.length > 0) {
        // Nothing chosen yet: show the first deployment (also when it appears while the page is open).
        state.selected = deployments[0].name;
        history.replaceState(null, '', `#/d/${encodeURIComponent(state.selected)}`);
      }
      const hist = await Promise.all(
        deployments.map((d) =>
          getJson(`/api/deployments/${encodeURIComponent(d.name)}/history?limit=20`).catch(() => ({
            rollouts: [],
          })),
        ),
      );
      for (const [i, d] of deployments.entries()) state.history.set(d.name, hist[i].rollouts);
      for (const d of deployments) {
        if (!state.traffic.has(d.name)) {
          const t = await getJson(`/api/traffic?deployment=${encodeURIComponent(d.name)}`);
          state.traffic.set(d.name, t.points);
        }
      }
      state.verify = await getJson('/api/audit/verify');
      renderBadge();
      const focus = focusKey();
      renderFleet($('fleet'), deployments, state);
      restoreFocus(focus);
      await renderDetail();
      document.body.dataset.loaded = 'true';
    } catch (err) {
      $('live').textContent = `error: ${err.message}`;
      $('live').className = 'live bad';
    } finally {
      refreshing = null;
      if (again) {
        again = false;
        refresh();
      }
    }
  })();
  return refreshing;
}

function renderBadge() {
  const b = $('audit-badge');
  const v = state.verify;
  b.textContent = v.ok ? `audit ✓ ${v.records} records` : `audit ✗ at #${v.firstBad?.seq}`;
  b.className = `badge ${v.ok ? 'ok' : 'bad'}`;
  b.title = v.ok ? 'every audit record verifies against the hash chain' : (v.firstBad?.reason ?? '');
}

let pending = null;

function connect() {
  const live = $('live');
  // Seqs run 1..n in an append-only log: start after what the first read already showed.
  const events = new EventSource(`/api/events?since=${state.lastSeq ?? state.verify?.records ?? 0}`);
  events.onopen = () => {
    live.textContent = 'live';
    live.className = 'live ok';
  };
  events.onerror = () => {
    live.textContent = 'reconnecting…';
    live.className = 'live warn';
  };
  events.addEventListener('audit', (e) => {
    state.lastSeq = Number(e.lastEventId);
    // A burst of records (a transition and its gate results) becomes one refresh.
    clearTimeout(pending);
    pending = setTimeout(refresh, 120);
  });
  const traffic = new EventSource('/api/traffic/stream');
  traffic.addEventListener('traffic', (e) => {
    const { deployment, point } = JSON.parse(e.data);
    const list = state.traffic.get(deployment) ?? [];
    list.push(point);
    if (list.length > 300) list.shift();
    state.traffic.set(deployment, list);
    updateFleetTraffic($('fleet'), deployment, point);
    if (state.chartFor === deployment) state.chart?.push(point);
  });
  traffic.onerror = () => {
    // no traffic stream (no router yet): the chart shows "waiting"; EventSource retries by itself
  };
}

function tokenUi() {
  const form = $('token-form');
  const input = $('token');
  const stateEl = $('token-state');
  const show = () => {
    const has = getToken() !== '';
    stateEl.textContent = has ? 'actions enabled' : 'read-only';
    stateEl.className = `token-state ${has ? 'ok' : 'muted'}`;
    input.value = '';
    input.placeholder = has ? 'token saved for this tab' : 'paste to enable actions';
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim()) setToken(input.value.trim());
    show();
    refresh();
  });
  $('token-clear').addEventListener('click', () => {
    setToken('');
    show();
    refresh();
  });
  show();
}

// Running clocks: every element with data-since shows the time since then.
setInterval(() => {
  for (const el of document.querySelectorAll('[data-since]'))
    el.textContent = duration(Date.now() - Number(el.dataset.since));
}, 1000);

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    state.chart?.resize(($('traffic-body')?.clientWidth ?? 300) - 4);
    renderDetail();
  }, 200);
});

window.addEventListener('hashchange', () => {
  state.selected = selectedFromHash();
  renderFleet($('fleet'), state.deployments, state);
  // Following a deployment's link moves the focus to its heading, once that heading is drawn.
  state.focusHeading = true;
  renderDetail();
});

state.selected = selectedFromHash();
tokenUi();
refresh().then(connect);
