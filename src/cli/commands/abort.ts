import { operatorUsage, runOperatorCommand } from '../../control-plane/operator-command.js';

export const summary =
  'stop a rollout before the switch: the candidate is torn down, the active color untouched';
export const usage = operatorUsage(
  'abort',
  'Asks the controller to stop a rollout before the switch: the candidate is torn down, the active color untouched.',
);

export async function run(argv: string[]): Promise<number> {
  return runOperatorCommand('abort', argv);
}
