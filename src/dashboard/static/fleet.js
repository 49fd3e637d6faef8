import { badge, colorTag, duration, h, pct, tone } from './dom.js';

/** The last traffic figures of a deployment: req/s over both colors, error rate of the busiest. */
function trafficSummary(point) {
  if (!point) return { rps: null, errorRate: null };
  const c = Object.values(point.colors);
  const rps = c.reduce((a, x) => a + x.rps, 0);
  const reqs = c.reduce((a, x) => a + (x.errorRate === null ? 0 : x.rps), 0);
  const errs = c.reduce((a, x) => a + (x.errorRate === null ? 0 : x.errorRate * x.rps), 0);
  return { rps, errorRate: reqs > 0 ? errs / reqs : null };
}

function trafficText(t) {
  if (t.rps === null) return h('span', { class: 'muted' }, 'no data');
  return h('span', {}, h('b', {}, `${t.rps.toFixed(1)} req/s`), ' · ', `${pct(t.errorRate, 2)} errors`);
}

/** A new traffic point changes one figure: no re-render of the fleet (focus stays where it is). */
export function updateFleetTraffic(el, name, point) {
  for (const dd of el.querySelectorAll('[data-traffic]')) {
    if (dd.dataset.traffic === name) dd.replaceChildren(trafficText(trafficSummary(point)));
  }
}

function lastOutcome(history) {
  const ended = (history ?? []).find((r) => r.endedAt !== null);
  if (!ended) return h('span', { class: 'muted' }, 'none yet');
  return h(
    'span',
    {},
    badge(ended.phase),
    ' ',
    h('span', { class: 'muted' }, `#${ended.id} ${ended.candidateVersion}`),
  );
}

function card(d, ctx) {
  const status = d.status;
  const active = d.activeColor;
  const r = d.rollout;
  const inProgress = status?.inProgress === true;
  const t = trafficSummary(ctx.traffic.get(d.name)?.at(-1));
  const selected = ctx.selected === d.name;
  return h(
    'article',
    { class: `card${selected ? ' selected' : ''}`, 'data-deployment': d.name },
    h(
      'h2',
      {},
      h(
        'a',
        {
          href: `#/d/${encodeURIComponent(d.name)}`,
          'aria-current': selected ? 'page' : null,
          'data-focus': `fleet:${d.name}`,
        },
        d.name,
      ),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Active'),
      h('dd', {}, colorTag(active, active ? d.versions[active] : null)),
      h('dt', {}, 'Phase'),
      h(
        'dd',
        { class: 'phase' },
        badge(inProgress ? d.phase : 'Idle', inProgress ? tone(d.phase) : 'muted'),
        inProgress && r
          ? h('span', { class: 'muted' }, ` ${r.baselineVersion ?? '∅'} → ${r.candidateVersion}`)
          : null,
      ),
      h('dt', {}, 'Last rollout'),
      h('dd', {}, lastOutcome(ctx.history.get(d.name))),
      h('dt', {}, 'Traffic'),
      h('dd', { class: 'traffic', 'data-traffic': d.name }, trafficText(t)),
      inProgress && status?.rollout?.phaseSince
        ? [
            h('dt', {}, 'In phase'),
            h(
              'dd',
              { 'data-since': status.rollout.phaseSince },
              duration(Date.now() - status.rollout.phaseSince),
            ),
          ]
        : null,
    ),
  );
}

export function renderFleet(el, deployments, ctx) {
  if (deployments.length === 0) {
    el.replaceChildren(
      h(
        'p',
        { class: 'empty' },
        'No deployments yet. Apply a spec with ',
        h('code', {}, 'greenlight deploy SPEC.yaml'),
        '.',
      ),
    );
    return;
  }
  el.replaceChildren(...deployments.map((d) => card(d, ctx)));
}
