import { operatorUsage, runOperatorCommand } from '../../control-plane/operator-command.js';

export const summary =
  'switch traffic to the validated candidate now (when waiting for promotion or in the switch delay)';
export const usage = operatorUsage(
  'promote',
  'Asks the controller to switch traffic to the validated candidate now (when waiting for promotion or in the switch delay).',
);

export async function run(argv: string[]): Promise<number> {
  return runOperatorCommand('promote', argv);
}
