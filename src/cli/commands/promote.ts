import { operatorUsage, runOperatorCommand } from '../../control-plane/operator-command.js';

export const summary =
  'switch traffic to the validated candidate now (when waiting for promotion or in the switch delay)';
export const usage = operatorUsage(
  'promote',
  `Asks the controller to go on with the validated candidate now: switch (when waiting for promotion
or in the switch delay), or with spec.rollout.steps begin the first step, or end the current one.
  --full   skip every remaining rollout step and switch all traffic now (as Argo's promote --full)`,
  '[--full] ',
);

export async function run(argv: string[]): Promise<number> {
  return runOperatorCommand('promote', argv);
}
