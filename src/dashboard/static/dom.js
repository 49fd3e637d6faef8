// Tiny DOM and formatting helpers: no framework, text always set as text (never as HTML).

/** h('div', {class: 'x', onclick}, child, 'text') */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const SVG = 'http://www.w3.org/2000/svg';

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs))
    if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  const sec = Math.max(0, Math.round(ms / 1000));
  if (sec < 60) return `${sec}s`;
  const m = Math.floor(sec / 60);
  if (m < 60) return `${m}m ${String(sec % 60).padStart(2, '0')}s`;
  const hr = Math.floor(m / 60);
  if (hr < 48) return `${hr}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(hr / 24)}d ${hr % 24}h`;
}

const two = (n) => String(n).padStart(2, '0');

/** HH:MM:SS today, else the date too: 24-hour, the same as the chart's axis. */
export function time(ms) {
  if (!ms) return '–';
  const d = new Date(ms);
  const hms = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  if (new Date().toDateString() === d.toDateString()) return hms;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${hms}`;
}

export function pct(x, digits = 1) {
  return x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`;
}

export function num(x, digits = 2) {
  if (x === null || x === undefined) return '–';
  if (typeof x !== 'number') return String(x);
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

/** Outcome class for a phase: ok, bad, warn, run. */
export function tone(phase) {
  if (phase === 'Complete' || phase === 'passed') return 'ok';
  if (['ValidationFailed', 'RolledBack', 'Failed', 'failed', 'error'].includes(phase)) return 'bad';
  if (['Aborted', 'inconclusive', 'AwaitingPromotion'].includes(phase)) return 'warn';
  if (phase === 'Idle' || phase === 'Pending') return 'muted';
  return 'run';
}

export function badge(text, kind = tone(text)) {
  return h('span', { class: `badge ${kind}` }, text);
}

export function colorTag(color, version) {
  if (!color) return h('span', { class: 'muted' }, 'none yet');
  return h(
    'span',
    { class: `color ${color}` },
    h('i', { 'aria-hidden': 'true' }),
    color,
    version ? ` ${version}` : '',
  );
}
