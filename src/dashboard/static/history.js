import { badge, colorTag, duration, h, time } from './dom.js';

function clip(text, n) {
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

export function renderHistory(rollouts) {
  if (rollouts.length === 0) return h('p', { class: 'muted' }, 'No rollouts yet.');
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'history' },
      h('caption', { class: 'sr-only' }, 'Past rollouts, newest first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['#', 'change', 'outcome', 'started', 'duration', 'reason'].map((x) =>
            h('th', { scope: 'col' }, x),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        rollouts.map((r) =>
          h(
            'tr',
            {},
            h('td', {}, r.id),
            h(
              'td',
              {},
              r.context?.bootstrap
                ? [h('span', { class: 'muted' }, 'first start → '), colorTag(r.candidate, r.candidateVersion)]
                : [
                    colorTag(r.baseline, r.baselineVersion ?? '∅'),
                    ' → ',
                    colorTag(r.candidate, r.candidateVersion),
                  ],
            ),
            h('td', {}, badge(r.phase)),
            h('td', {}, time(r.startedAt)),
            h(
              'td',
              {},
              r.endedAt
                ? duration(r.endedAt - r.startedAt)
                : h('span', { 'data-since': r.startedAt }, duration(Date.now() - r.startedAt)),
            ),
            h('td', { class: 'reason', title: r.reason ?? null }, clip(r.reason ?? '', 90)),
          ),
        ),
      ),
    ),
  );
}

const KIND_TEXT = { activate: 'activated', switch: 'switched', rollback: 'rolled back', weights: 'split' };

/** "Before X all v1, after X all v2": the serving timeline, and the audit chain's verification. */
export function renderAudit(intervals, verify, records) {
  const ok = verify?.ok === true;
  return h(
    'div',
    {},
    h(
      'p',
      {},
      verify
        ? badge(ok ? 'chain verified' : 'chain BROKEN', ok ? 'ok' : 'bad')
        : badge('verifying…', 'muted'),
      ' ',
      verify
        ? h(
            'span',
            { class: 'muted' },
            ok
              ? `${verify.records} hash-chained records, none edited or missing`
              : `first bad record #${verify.firstBad?.seq}: ${verify.firstBad?.reason}`,
          )
        : '',
    ),
    intervals.length === 0
      ? h('p', { class: 'muted' }, 'Nothing has served users yet.')
      : h(
          'ol',
          { class: 'timeline' },
          intervals.map((iv) =>
            h(
              'li',
              { class: iv.kind === 'rollback' ? 'rollback' : '' },
              h(
                'span',
                { class: 'when' },
                iv.from ? time(iv.from) : 'start',
                ' → ',
                iv.until ? time(iv.until) : 'now',
              ),
              ' ',
              iv.shares.length > 1
                ? iv.shares.map((x) => `${x.percent}% ${x.version} (${x.color})`).join(' + ')
                : h('span', {}, 'all requests: ', colorTag(iv.color, iv.version)),
              h(
                'span',
                { class: 'muted' },
                ` — ${KIND_TEXT[iv.kind] ?? iv.kind}, audit #${iv.seq}, generation ${iv.generation}`,
              ),
            ),
          ),
        ),
    h(
      'details',
      {},
      h('summary', {}, `Audit records (${records.length} most recent)`),
      h(
        'ol',
        { class: 'records', reversed: true },
        records
          .slice()
          .reverse()
          .map((r) =>
            h(
              'li',
              {},
              h('code', {}, `#${r.seq}`),
              ` ${time(r.time)} `,
              h('b', {}, r.kind),
              ` by ${r.actor}: `,
              summarize(r),
            ),
          ),
      ),
    ),
  );
}

function summarize(r) {
  const d = r.data ?? {};
  if (r.kind === 'transition') return `${d.from} → ${d.to}${d.reason ? ` (${d.reason})` : ''}`;
  if (r.kind === 'command') return `${d.command}${d.reason ? `: ${d.reason}` : ''}`;
  if (r.kind === 'gate') return `${d.gate ?? ''} ${d.status ?? ''}`;
  if (d.to) return `${d.from ?? '∅'} → ${d.to} ${d.toVersion ?? ''}`;
  return JSON.stringify(d).slice(0, 140);
}
