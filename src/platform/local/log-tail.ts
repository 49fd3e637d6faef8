import { readFileSync } from 'node:fs';

/**
 * The last meaningful lines a process wrote in its current run: the log is appended to across
 * restarts and each run starts with a "--- " line; stack frames and the Node.js banner say little,
 * the error line says why.
 */
export function logTail(file: string, lines = 3): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 'no log';
  }
  const all = text.trim().split('\n');
  const run = all.slice(all.findLastIndex((l) => l.startsWith('--- ')) + 1);
  const useful = run.filter((l) => l.trim() !== '' && !/^\s+at /.test(l) && !l.startsWith('Node.js v'));
  return useful.slice(-lines).join(' | ') || 'no output';
}
