import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './cli.js';

const CACHE = join(ROOT, '.cache');
const DIR = join(CACHE, 'models');
const LOCK = join(CACHE, 'models.lock');
const MARKER = '.fingerprint';
const WAIT_MS = 170_000;
const STALE_LOCK_MS = 10 * 60_000;

/**
 * The build is deterministic, so its output is a function of the model sources: their hash names
 * the cache content, and editing a recipe invalidates it.
 */
function fingerprint(): string {
  // The TypeScript sources when present (tests, a checkout), else the compiled modules beside us.
  let dir = join(ROOT, 'src', 'models');
  if (!existsSync(dir)) dir = fileURLToPath(new URL('../models/', import.meta.url));
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).sort()) {
    if (/\.[jt]s$/.test(f) && !f.includes('.test.')) hash.update(f).update(readFileSync(join(dir, f)));
  }
  return hash.digest('hex');
}

async function isFresh(print: string): Promise<boolean> {
  try {
    return (await readFile(join(DIR, MARKER), 'utf8')) === print;
  } catch {
    return false;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the build lock, or return false when another live process holds it (a dead holder's lock is broken). */
async function tryLock(): Promise<boolean> {
  try {
    const handle = await open(LOCK, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = Number(await readFile(LOCK, 'utf8').catch(() => ''));
    const age = Date.now() - ((await stat(LOCK).catch(() => undefined))?.mtimeMs ?? Date.now());
    // An empty lock file is one being written right now. A dead holder's lock is broken, and so is
    // one older than any build takes (its pid may have been reused by an unrelated process).
    const dead = Number.isInteger(holder) && holder > 0 && !processAlive(holder);
    if (dead || age > STALE_LOCK_MS) await rm(LOCK, { force: true });
    return false;
  }
}

const BUILDER = join(ROOT, 'src', 'testing', 'build-models.ts');

/** Build into `dir`, in a child process when the TypeScript sources are at hand (see build-models.ts). */
async function runBuild(dir: string): Promise<void> {
  if (!existsSync(BUILDER)) {
    const { buildModels } = await import('../models/build.js');
    await buildModels({ outDir: dir });
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BUILDER, dir], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `ensureModels: model build exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`,
          ),
        );
    });
  });
}

/**
 * Build into a temporary directory and rename it into place. Returns false, keeping nothing, when
 * the sources changed during the build (the result would not match its fingerprint).
 */
async function buildInto(print: string): Promise<boolean> {
  const tmp = join(CACHE, `models.tmp-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await runBuild(tmp);
  if (fingerprint() !== print) {
    await rm(tmp, { recursive: true, force: true });
    return false;
  }
  // The marker goes in last: a directory without it is never taken as complete.
  await writeFile(join(tmp, MARKER), print);
  const old = join(CACHE, `models.old-${process.pid}`);
  if (existsSync(DIR)) await rename(DIR, old);
  await rename(tmp, DIR);
  await rm(old, { recursive: true, force: true });
  return true;
}

/**
 * Build every example model once into `<repo>/.cache/models` and return that absolute directory.
 * Safe to call from concurrent test workers: one builds under a lock file, the others wait. The
 * cache is keyed by a hash of the model sources, so editing a recipe rebuilds it.
 */
export async function ensureModels(): Promise<string> {
  let print = fingerprint();
  if (await isFresh(print)) return DIR;
  await mkdir(CACHE, { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (await tryLock()) {
      try {
        if ((await isFresh(print)) || (await buildInto(print))) return DIR;
      } finally {
        await rm(LOCK, { force: true });
      }
      print = fingerprint(); // the sources changed mid-build: build again from the new ones
      continue;
    }
    await new Promise((r) => setTimeout(r, 250));
    print = fingerprint();
    if (await isFresh(print)) return DIR;
  }
  throw new Error(`ensureModels: gave up waiting for ${LOCK} after ${WAIT_MS / 1000} s`);
}
