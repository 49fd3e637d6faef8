import { CONTROLLER } from './names.js';
import { duration, type Matchers, selector, summed } from './promql.js';
import { LONG_PHASES, TERMINAL_PHASES } from './rollout-phases.js';
import { type AlertRule, forClause, type RuleOptions, round } from './rule-options.js';

/** Alerts on the controller's own metrics. */
export function controllerRules(o: RuleOptions): AlertRule[] {
  const dep: Matchers = { deployment: o.deployment };
  const rollbackWindow = duration(o.rollbackWindowSeconds);
  const rollbacks = selector(CONTROLLER.rollbacks, dep);
  const shadowWindow = duration(Math.max(o.rateWindowSeconds, 600));
  return [
    {
      alert: 'GreenlightRolloutStuck',
      expr: `${selector(CONTROLLER.phase, { phase: { notRe: [...TERMINAL_PHASES, ...LONG_PHASES].join('|') }, ...dep })} == 1\nand on (deployment)\n(time() - ${selector(CONTROLLER.phaseSince, dep)}) > ${o.stuckAfterSeconds}`,
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Rollout stuck in one phase',
        description: `Rollout of {{ $labels.deployment }} has been in phase {{ $labels.phase }} for more than ${duration(o.stuckAfterSeconds)}.`,
      },
    },
    {
      alert: 'GreenlightRollbackHappened',
      // The second branch catches the first rollback of a reason: a counter series born at 1
      // has no increase() yet.
      expr: `increase(${rollbacks}[${rollbackWindow}]) > 0\nor\n(${rollbacks} > 0 unless ${rollbacks} offset ${rollbackWindow})`,
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Deployment rolled back',
        description: `{{ $labels.deployment }} was rolled back in the last ${rollbackWindow} (reason: {{ $labels.reason }}).`,
      },
    },
    {
      alert: 'GreenlightShadowDisagreementRising',
      expr: `(\n${summed('rate', CONTROLLER.shadowPairs, { ...dep, outcome: 'disagreed' }, shadowWindow, ['deployment'])}\n/\n${summed('rate', CONTROLLER.shadowPairs, dep, shadowWindow, ['deployment'])}\n) > ${o.maxDisagreement}`,
      ...forClause(o.shadowForSeconds),
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Shadow disagreement rising',
        description: `More than ${round(o.maxDisagreement * 100)}% of {{ $labels.deployment }}'s shadow pairs disagreed over ${shadowWindow}.`,
      },
    },
  ];
}
