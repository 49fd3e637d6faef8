import { badge, h, num, pct, s } from './dom.js';

function show(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return num(v, Math.abs(v) < 1 ? 4 : 2);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function measuredTable(g) {
  const keys = [...new Set([...Object.keys(g.measured ?? {}), ...Object.keys(g.threshold ?? {})])];
  if (keys.length === 0) return null;
  return h(
    'table',
    { class: 'kv' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, ''),
        h('th', { scope: 'col' }, 'measured'),
        h('th', { scope: 'col' }, 'threshold'),
      ),
    ),
    h(
      'tbody',
      {},
      keys.map((k) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, k),
          h('td', {}, show(g.measured?.[k])),
          h('td', {}, show(g.threshold?.[k])),
        ),
      ),
    ),
  );
}

/** Agreement with its Wilson interval against the threshold, on a zoomed 0–1 axis. */
function intervalBar(m, t, status) {
  if (m.agreement === null || m.agreement === undefined) return null;
  const lo = Math.max(0, Math.min(m.wilsonLower, t.agreementThreshold) - 0.05);
  const W = 320;
  const x = (v) => 10 + ((v - lo) / (1 - lo)) * (W - 20);
  const cls = status === 'passed' ? 'ok' : status === 'failed' || status === 'error' ? 'bad' : 'warn';
  return s(
    'svg',
    {
      viewBox: `0 0 ${W} 46`,
      class: 'interval',
      role: 'img',
      'aria-label': `agreement ${pct(m.agreement)}, interval ${pct(m.wilsonLower)} to ${pct(m.wilsonUpper)}, threshold ${pct(t.agreementThreshold)}`,
    },
    s('line', { x1: 10, x2: W - 10, y1: 22, y2: 22, class: 'axis' }),
    s('rect', {
      x: x(m.wilsonLower),
      y: 14,
      width: Math.max(2, x(m.wilsonUpper) - x(m.wilsonLower)),
      height: 16,
      rx: 3,
      class: `ci ${cls}`,
    }),
    s('circle', { cx: x(m.agreement), cy: 22, r: 4, class: 'est' }),
    s('line', { x1: x(t.agreementThreshold), x2: x(t.agreementThreshold), y1: 6, y2: 38, class: 'thr' }),
    s(
      'text',
      { x: x(t.agreementThreshold), y: 45, 'text-anchor': 'middle', class: 'tick' },
      `threshold ${pct(t.agreementThreshold, 0)}`,
    ),
    s('text', { x: 10, y: 10, class: 'tick' }, pct(lo, 0)),
    s('text', { x: W - 10, y: 10, 'text-anchor': 'end', class: 'tick' }, '100%'),
  );
}

function prediction(body, p) {
  if (p && typeof p === 'object') {
    const parts = [
      p.label,
      p.score !== undefined ? num(p.score, 3) : null,
      p.value !== undefined ? num(p.value, 3) : null,
    ];
    const text = parts.filter((x) => x !== null && x !== undefined).join(' · ');
    if (text) return text;
  }
  if (body && typeof body === 'object') {
    const b = body;
    if (b.label !== undefined) return `${b.label}${b.score !== undefined ? ` · ${num(b.score, 3)}` : ''}`;
    return JSON.stringify(b).slice(0, 120);
  }
  return String(body ?? '–');
}

function agreementDetails(g, rollout) {
  const m = g.measured ?? {};
  const t = g.threshold ?? {};
  const ev = g.evidence ?? {};
  const slices = ev.slices ?? [];
  const ex = ev.disagreements ?? [];
  const b = rollout.baseline;
  const c = rollout.candidate;
  const worst = slices[0]?.slice;
  return h(
    'div',
    { class: 'agreement' },
    h(
      'p',
      {},
      h('b', {}, `${pct(m.agreement)} agreement`),
      ` (${m.agreed ?? 0}/${m.compared ?? 0} pairs, cap ${t.cap ?? '–'}; stopped by ${ev.stoppedBy ?? '–'}, decided by ${m.decidedBy ?? '–'}). `,
      `Wilson interval ${pct(m.wilsonLower)} – ${pct(m.wilsonUpper)} (${ev.wilson?.confidence ?? ''}) against a threshold of ${pct(t.agreementThreshold, 1)}`,
      t.scoreTolerance !== undefined && t.scoreTolerance !== null
        ? `; scores agree within ±${t.scoreTolerance}`
        : '',
      `; SPRT α ${t.alpha ?? '–'}, β ${t.beta ?? '–'}.`,
    ),
    intervalBar(m, t, g.status),
    g.status === 'passed' && m.decidedBy === 'sprt' && m.wilsonLower < t.agreementThreshold
      ? h(
          'p',
          { class: 'small muted' },
          `Passed by the sequential test (SPRT) at the indifference margin; the Wilson lower bound alone (${pct(m.wilsonLower)}) is under the threshold.`,
        )
      : null,
    slices.length > 0
      ? h(
          'table',
          { class: 'slices' },
          h('caption', {}, 'Agreement by slice (worst first)'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['slice', 'pairs', 'agreement', 'p (BH-adjusted)', 'verdict'].map((x) =>
                h('th', { scope: 'col' }, x),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            slices.map((sl) =>
              h(
                'tr',
                {
                  class:
                    [sl.slice === worst ? 'worst' : '', sl.failed ? 'failed' : ''].join(' ').trim() || null,
                },
                h(
                  'th',
                  { scope: 'row' },
                  sl.slice,
                  sl.slice === worst ? h('span', { class: 'tag' }, 'worst') : '',
                ),
                h('td', {}, sl.n),
                h('td', {}, pct(sl.agreement)),
                h('td', {}, sl.adjustedP === null ? 'too few' : num(sl.adjustedP, 4)),
                h(
                  'td',
                  {},
                  sl.failed
                    ? badge('failed', 'bad')
                    : sl.pValue === null
                      ? badge('not judged', 'muted')
                      : badge('ok', 'ok'),
                ),
              ),
            ),
          ),
        )
      : null,
    ex.length > 0
      ? h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { class: 'examples' },
            h('caption', {}, `Disagreeing examples (${ex.length})`),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'input'),
                h('th', { scope: 'col' }, 'slice'),
                h('th', { scope: 'col', class: b }, `${b} (live)`),
                h('th', { scope: 'col', class: c }, `${c} (candidate)`),
              ),
            ),
            h(
              'tbody',
              {},
              ex.map((e) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'input', title: e.text }, h('div', { class: 'clamp' }, e.text)),
                  h('td', {}, e.slice ?? '–'),
                  h('td', {}, prediction(e.baseline, e.predictions?.baseline)),
                  h('td', {}, prediction(e.candidate, e.predictions?.candidate)),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

/** Blue's and green's score histograms overlaid (the distribution gate's evidence). */
function histogram(g, rollout) {
  const hist = g.evidence?.histogram;
  if (!hist?.baseline?.length) return null;
  const n = hist.baseline.length;
  const max = Math.max(...hist.baseline, ...hist.candidate, 1e-9);
  const W = 320;
  const H = 90;
  const bw = (W - 20) / n;
  const bar = (v, i, cls) =>
    s('rect', {
      x: 10 + i * bw + 1,
      y: 10 + (H - 20) * (1 - v / max),
      width: bw - 2,
      height: (H - 20) * (v / max),
      class: cls,
    });
  return h(
    'figure',
    { class: 'hist' },
    s(
      'svg',
      {
        viewBox: `0 0 ${W} ${H}`,
        role: 'img',
        'aria-label': `score distributions of ${rollout.baseline} and ${rollout.candidate}`,
      },
      ...hist.baseline.map((v, i) => bar(v, i, `bar ${rollout.baseline}`)),
      ...hist.candidate.map((v, i) => bar(v, i, `bar ${rollout.candidate} over`)),
      s('line', { x1: 10, x2: W - 10, y1: H - 10, y2: H - 10, class: 'axis' }),
      s('text', { x: 10, y: H, class: 'tick' }, '0'),
      s('text', { x: W - 10, y: H, 'text-anchor': 'end', class: 'tick' }, '1'),
    ),
    h(
      'figcaption',
      { class: 'small muted' },
      `${g.evidence.score ?? 'score'}: `,
      h('span', { class: `color ${rollout.baseline}` }, h('i'), rollout.baseline),
      ' vs ',
      h('span', { class: `color ${rollout.candidate}` }, h('i'), rollout.candidate),
    ),
  );
}

/** Every gate of a rollout: status, measured vs threshold, and the evidence behind agreement and drift. */
/** While validating: how many comparison pairs the gates have seen, of the cap. */
function progress(rollout, samples) {
  if (rollout.phase !== 'Validating' || rollout.endedAt !== null) return null;
  if (!samples) return h('p', { class: 'muted' }, 'Validation running: no gate has reported yet.');
  const share = samples.target > 0 ? Math.min(1, samples.compared / samples.target) : 0;
  return h(
    'p',
    { class: 'progress' },
    h(
      'label',
      { for: 'pairs-progress' },
      `Validation running: ${samples.compared} of up to ${samples.target} pairs compared `,
    ),
    h('progress', { id: 'pairs-progress', max: 1, value: share }),
  );
}

export function renderReport(rollout, samples = null) {
  const gates = rollout.gateResults ?? [];
  if (gates.length === 0)
    return progress(rollout, samples) ?? h('p', { class: 'muted' }, 'This rollout has no gate results.');
  return h(
    'div',
    { class: 'gates' },
    // Once agreement has reported, its pairs are the figure; the running count would only confuse.
    gates.some((g) => g.gate === 'agreement') ? null : progress(rollout, samples),
    gates.map((g) =>
      h(
        'details',
        {
          class: `gate ${g.status}`,
          open: g.gate === 'agreement' || g.status !== 'passed' ? true : null,
          'data-gate': g.gate,
        },
        h(
          'summary',
          {},
          badge(g.status),
          ' ',
          h('b', {}, g.gate),
          h('span', { class: 'muted' }, ` — ${g.summary}`),
        ),
        h(
          'div',
          { class: 'gate-body' },
          g.gate === 'agreement' ? null : measuredTable(g),
          g.gate === 'agreement' ? agreementDetails(g, rollout) : null,
          g.gate === 'distribution' ? histogram(g, rollout) : null,
        ),
      ),
    ),
  );
}
