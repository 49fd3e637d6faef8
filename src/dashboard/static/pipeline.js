import { duration, h, s, time } from './dom.js';

/** How long each phase of one rollout lasted, from its `transition` audit records. */
export function phaseTimes(rollout, audit) {
  const entered = [{ phase: 'Pending', at: rollout.startedAt }];
  for (const r of audit) {
    if (r.kind === 'transition' && r.rolloutId === rollout.id) entered.push({ phase: r.data.to, at: r.time });
  }
  const times = new Map();
  entered.forEach((e, i) => {
    const until = entered[i + 1]?.at ?? null;
    const prev = times.get(e.phase);
    // A phase entered twice (a retried step) shows the sum.
    const spent = (until ?? Date.now()) - e.at;
    times.set(e.phase, { since: prev?.since ?? e.at, until, ms: (prev?.ms ?? 0) + spent });
  });
  return times;
}

/** The seed's flow for this rollout's spec: the main line, and where each failure exit leaves it. */
function flow(rollout, times) {
  const spec = rollout.spec ?? {};
  const promotion =
    times.has('AwaitingPromotion') || (!times.has('SwitchDelay') && spec.autoSwitch?.enabled === false)
      ? { id: 'AwaitingPromotion', label: 'Await promotion' }
      : { id: 'SwitchDelay', label: 'Switch delay' };
  const staged = (spec.rollout?.steps ?? []).some((x) => x.weight < 100) || times.has('Stepping');
  const main = [
    { id: 'DeployingGreen', label: `Deploy ${rollout.candidate}` },
    { id: 'WaitingReady', label: 'Ready' },
    { id: 'WarmingUp', label: 'Warm-up' },
    { id: 'Validating', label: 'Validation' },
    promotion,
    ...(staged ? [{ id: 'Stepping', label: 'Staged steps' }] : []),
    { id: 'Switching', label: 'Switch' },
    { id: 'Observing', label: 'Observation' },
    { id: 'TearingDownBlue', label: `Teardown ${rollout.baseline}` },
    { id: 'Complete', label: 'Complete' },
  ];
  const exits = [
    { id: 'ValidationFailed', label: 'Validation failed', from: 'Validating' },
    { id: 'Aborted', label: 'Aborted', from: promotion.id },
    { id: 'RolledBack', label: 'Rolled back', from: 'Observing' },
    { id: 'Failed', label: 'Failed', from: 'TearingDownBlue' },
  ];
  return { main, exits };
}

function layout(main, exits, vertical) {
  const W = vertical ? 150 : 108;
  const H = 50;
  const pos = new Map();
  main.forEach((n, i) => {
    pos.set(n.id, vertical ? { x: 10, y: 10 + i * (H + 22) } : { x: 8 + i * (W + 14), y: 14 });
  });
  for (const e of exits) {
    const p = pos.get(e.from);
    pos.set(e.id, vertical ? { x: 10 + W + 44, y: p.y } : { x: p.x, y: 14 + H + 56 });
  }
  const last = pos.get(main.at(-1).id);
  const width = vertical ? 10 + 2 * W + 60 : last.x + W + 8;
  const height = vertical ? last.y + H + 10 : 14 + 2 * H + 56 + 12;
  return { pos, W, H, width, height };
}

function stateOf(id, rollout, times) {
  if (id === rollout.phase)
    return rollout.endedAt === null ? 'current' : id === 'Complete' ? 'done' : 'failed';
  return times.has(id) ? 'done' : 'todo';
}

function node(n, p, L, rollout, times, exit) {
  const st = stateOf(n.id, rollout, times);
  const t = times.get(n.id);
  const terminal = n.id === 'Complete' || exit;
  const label = terminal ? (t ? `at ${time(t.since)}` : '') : t ? duration(t.ms) : '';
  const cls = `node ${st}${exit ? ' exit' : ''}`;
  const title = `${n.label} (${n.id}): ${st === 'todo' ? 'not reached' : st}${t ? `, ${duration(t.ms)}` : ''}`;
  return s(
    'g',
    { class: cls, 'data-phase': n.id, transform: `translate(${p.x},${p.y})` },
    s('title', {}, title),
    s('rect', { width: L.W, height: L.H, rx: 8 }),
    s('text', { x: L.W / 2, y: 21, 'text-anchor': 'middle', class: 'label' }, n.label),
    s(
      'text',
      {
        x: L.W / 2,
        y: 38,
        'text-anchor': 'middle',
        class: 'time',
        'data-since': st === 'current' && t ? t.since : null,
      },
      st === 'current' && !terminal ? duration(t?.ms ?? 0) : label,
    ),
  );
}

function edge(a, b, L, vertical, cls) {
  let d;
  if (vertical && cls.includes('exit')) d = `M${a.x + L.W},${a.y + L.H / 2} L${b.x - 4},${b.y + L.H / 2}`;
  else if (vertical) d = `M${a.x + L.W / 2},${a.y + L.H} L${b.x + L.W / 2},${b.y - 4}`;
  else if (cls.includes('exit')) d = `M${a.x + L.W / 2},${a.y + L.H} L${b.x + L.W / 2},${b.y - 4}`;
  else d = `M${a.x + L.W},${a.y + L.H / 2} L${b.x - 4},${b.y + L.H / 2}`;
  return s('path', { d, class: `edge ${cls}`, 'marker-end': 'url(#arrow)' });
}

/** The pipeline of `rollout` as an inline SVG graph: the current phase highlighted, time spent in each. */
export function renderPipeline(rollout, audit, width) {
  const times = phaseTimes(rollout, audit);
  const { main, exits } = flow(rollout, times);
  const vertical = width < 700;
  const L = layout(main, exits, vertical);
  const edges = [];
  main.slice(1).forEach((n, i) => {
    const from = main[i];
    const taken = times.has(from.id) && times.has(n.id);
    edges.push(edge(L.pos.get(from.id), L.pos.get(n.id), L, vertical, taken ? 'taken' : ''));
  });
  for (const e of exits) {
    const taken = rollout.phase === e.id;
    edges.push(edge(L.pos.get(e.from), L.pos.get(e.id), L, vertical, `exit${taken ? ' taken' : ''}`));
  }
  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${L.width} ${L.height}`,
      width: vertical ? L.width : '100%',
      role: 'img',
      'aria-label': `Pipeline of rollout ${rollout.id}: now ${rollout.phase}`,
      class: 'pipeline',
    },
    s(
      'defs',
      {},
      s(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 8,
          refY: 5,
          markerWidth: 6,
          markerHeight: 6,
          orient: 'auto',
        },
        s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }),
      ),
    ),
    ...edges,
    ...main.map((n) => node(n, L.pos.get(n.id), L, rollout, times, false)),
    ...exits.map((n) => node(n, L.pos.get(n.id), L, rollout, times, true)),
  );
  const total = (rollout.endedAt ?? Date.now()) - rollout.startedAt;
  return h(
    'div',
    {},
    h('div', { class: 'scroll' }, svg),
    h(
      'p',
      { class: 'muted small' },
      `Rollout #${rollout.id}: ${rollout.baseline} ${rollout.baselineVersion ?? '∅'} → ${rollout.candidate} ${rollout.candidateVersion}, `,
      rollout.endedAt
        ? `ended after ${duration(total)}`
        : h('span', { 'data-since': rollout.startedAt }, duration(total)),
      rollout.endedAt ? '' : ' so far',
      rollout.reason ? ` — ${rollout.reason}` : '',
    ),
  );
}
