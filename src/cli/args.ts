import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with greenlight's conventions: unknown flags and missing values become a
 * UsageError (exit 2, one line), `--json` is always accepted.
 */
export function parseArgs<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return nodeParseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...options },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
}

/** Parse a flag as a whole number in [min, max], naming the flag when it is not. */
export function intFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = 65535,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${name} expects a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}
