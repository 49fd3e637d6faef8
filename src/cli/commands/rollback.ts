import { operatorUsage, runOperatorCommand } from '../../control-plane/operator-command.js';

export const summary = 'send traffic back to the previous color (after the switch; it is still warm)';
export const usage = operatorUsage(
  'rollback',
  'Asks the controller to send traffic back to the previous color (after the switch; it is still warm).',
);

export async function run(argv: string[]): Promise<number> {
  return runOperatorCommand('rollback', argv);
}
