import { command, getToken } from './api.js';
import { h } from './dom.js';
import { ABORTABLE, ROLLBACKABLE } from './phases.js';

/** Why an action is not available now, or null when it is. */
function blocker(kind, d) {
  if (!getToken()) return 'read-only: no admin token';
  const inProgress = d.status?.inProgress === true;
  const phase = d.phase;
  if (!inProgress) return 'no rollout in progress';
  if (kind === 'promote')
    return phase === 'AwaitingPromotion' ||
      (phase === 'Stepping' && d.status?.rollout?.step?.pauseEndsAt === null)
      ? null
      : `promote applies while awaiting promotion (now ${phase})`;
  if (kind === 'rollback')
    return ROLLBACKABLE.includes(phase) ? null : `rollback applies after the switch (now ${phase})`;
  return ABORTABLE.includes(phase) ? null : `abort applies before the switch (now ${phase})`;
}

/** The last answer per deployment, kept across re-renders. */
const results = new Map();

const TEXT = {
  promote: (d) =>
    `Promote ${d.rollout?.candidateVersion} on ${d.name}: switch all users' traffic to ${d.rollout?.candidate}?`,
  rollback: (d) =>
    `Roll ${d.name} back: send all traffic to ${d.rollout?.baseline} ${d.rollout?.baselineVersion ?? ''} again?`,
  abort: (d) =>
    `Abort the rollout of ${d.rollout?.candidateVersion} on ${d.name}? The candidate is torn down; users are not affected.`,
};

function ask(text) {
  const dlg = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  const reason = document.getElementById('confirm-reason');
  reason.value = '';
  return new Promise((resolve) => {
    dlg.addEventListener(
      'close',
      () => resolve(dlg.returnValue === 'ok' ? { reason: reason.value.trim() } : null),
      { once: true },
    );
    dlg.showModal();
    reason.focus();
  });
}

/** What the controller made of the intent, once its `intent` audit record exists. */
function withVerdict(last, records) {
  if (!last?.intentId) return last;
  const rec = records.find((r) => r.kind === 'intent' && r.data?.intentId === last.intentId);
  if (!rec) return last;
  return rec.data.accepted
    ? { ok: true, text: `${last.text.split(';')[0]}; accepted by the controller.` }
    : { ok: false, text: `${last.text.split(';')[0]}; refused by the controller: ${rec.data.why}` };
}

/** Promote, rollback and abort buttons: each confirms, sends the token, and reports what the API said. */
export function renderActions(d, onDone, records = []) {
  const last = withVerdict(results.get(d.name), records);
  const out = h(
    'p',
    { class: `action-result ${last?.ok ? 'ok' : last ? 'bad' : ''}`, role: 'status', 'aria-live': 'polite' },
    last?.text ?? '',
  );
  const buttons = ['promote', 'rollback', 'abort'].map((kind) => {
    const why = blocker(kind, d);
    const id = `why-${kind}`;
    const btn = h(
      'button',
      {
        type: 'button',
        class: `action ${kind}`,
        'data-action': kind,
        'data-focus': `action:${kind}`,
        disabled: why !== null,
        title: why ?? '',
        'aria-describedby': why ? (getToken() ? id : 'why-readonly') : null,
        onclick: async () => {
          const ok = await ask(TEXT[kind](d));
          if (!ok) return;
          btn.disabled = true;
          const r = await command(d.name, kind, ok.reason);
          const text = r.ok
            ? `${kind} requested (intent #${r.body.intent}, audit #${r.body.auditSeq}); the controller acts on its next pass.`
            : `${kind} refused: HTTP ${r.status} ${r.body?.error?.code ?? ''} ${r.body?.error?.message ?? ''}`;
          results.set(d.name, { ok: r.ok, text, intentId: r.ok ? r.body.intent : null });
          out.className = `action-result ${r.ok ? 'ok' : 'bad'}`;
          out.textContent = text;
          onDone();
        },
      },
      kind[0].toUpperCase() + kind.slice(1),
    );
    const shown = why && getToken() ? why : null;
    return h(
      'span',
      { class: 'action-wrap' },
      btn,
      shown ? h('span', { id, class: 'why small muted' }, shown) : null,
    );
  });
  const note = getToken()
    ? null
    : h(
        'p',
        { class: 'why small muted', id: 'why-readonly' },
        'Read-only: enter the admin token above to promote, roll back or abort.',
      );
  return h('div', { class: 'actions' }, h('div', { class: 'action-row' }, buttons), note, out);
}
