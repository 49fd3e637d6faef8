import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GreenlightError, UsageError } from '../errors.js';
import { errorLine } from './error-line.js';

/**
 * A CLI command lives in `commands/<name>.ts` and is loaded only when invoked (STYLE.md §9),
 * so `greenlight status` never pays for ONNX Runtime. Multi-word commands (`models build`,
 * `audit verify`) are files named `models-build.ts`, `audit-verify.ts`.
 */
export interface Command {
  /** One line for `greenlight help`. */
  summary: string;
  /** Usage text printed by `--help`. */
  usage: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

function availableCommands(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.js') && !f.includes('.test.'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Command> {
  return (await import(`./commands/${name}.js`)) as Command;
}

async function printHelp(): Promise<void> {
  const lines = ['greenlight: blue-green deployment of ML models', '', 'commands:'];
  for (const name of availableCommands()) {
    const cmd = await load(name);
    lines.push(`  ${name.replace('-', ' ').padEnd(16)} ${cmd.summary}`);
  }
  lines.push('', "Run `greenlight COMMAND --help` for a command's flags.");
  console.log(lines.join('\n'));
}

/** Resolve argv to a command file: `audit verify` → audit-verify, else the first word. */
function resolve(argv: string[]): { name: string; rest: string[] } | undefined {
  const names = new Set(availableCommands());
  if (argv.length >= 2 && names.has(`${argv[0]}-${argv[1]}`)) {
    return { name: `${argv[0]}-${argv[1]}`, rest: argv.slice(2) };
  }
  if (argv.length >= 1 && names.has(argv[0])) return { name: argv[0], rest: argv.slice(1) };
  return undefined;
}

/**
 * Entry point; returns the exit code (0 ok, 1 a negative outcome, 2 usage or error). Whatever a
 * command throws ends as one line with a code and exit 2, never a stack trace with exit 1 (which
 * means a negative outcome, e.g. "tampered" for `audit verify`); GREENLIGHT_DEBUG=1 adds the stack.
 */
export async function run(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    await printHelp();
    return 0;
  }
  const found = resolve(argv);
  if (!found) {
    console.error(`greenlight: unknown command "${argv.slice(0, 2).join(' ')}"; run \`greenlight help\``);
    return 2;
  }
  const name = `greenlight ${found.name.replace('-', ' ')}`;
  // an error thrown outside the command's promise (a listener, a timer) ends the same way
  const fatal = (err: unknown) => {
    report(name, err);
    process.exit(2);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  try {
    const cmd = await load(found.name);
    if (found.rest.includes('--help') || found.rest.includes('-h')) {
      console.log(cmd.usage);
      return 0;
    }
    return await cmd.run(found.rest);
  } catch (err) {
    report(name, err);
    return 2;
  }
}

function report(name: string, err: unknown): void {
  if (err instanceof UsageError) {
    console.error(`${name}: ${err.message}`);
    return;
  }
  // a document error lists each of its problems on a line of its own, on purpose
  const { message, code } =
    err instanceof GreenlightError ? { message: err.message, code: err.code } : errorLine(err);
  console.error(`${name}: ${message} [${code}]`);
  if (process.env.GREENLIGHT_DEBUG) console.error(err);
}
