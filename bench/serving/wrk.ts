import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Point } from './point.js';

/** A wrk script that cycles through pre-formatted `POST /predict` requests, one per text. */
export function writeWrkScript(texts: string[]): string {
  return writeWrkBodies(
    texts.map((t) => JSON.stringify({ text: t })),
    '/predict',
  );
}

/** A wrk script that cycles through pre-formatted `POST path` requests, one per JSON body. */
export function writeWrkBodies(jsonBodies: string[], path: string): string {
  const file = join(tmpdir(), `greenlight-bench-${process.pid}-${path.replace(/\W/g, '_')}.lua`);
  const bodies = jsonBodies.map((b) => `  ${luaString(b)},`).join('\n');
  writeFileSync(
    file,
    `local bodies = {\n${bodies}\n}
local reqs = {}
local i = 0
init = function(args)
  for k, b in ipairs(bodies) do
    reqs[k] = wrk.format("POST", "${path}", { ["Content-Type"] = "application/json" }, b)
  end
end
request = function()
  i = i + 1
  return reqs[(i % #reqs) + 1]
end
`,
  );
  return file;
}

/** A Lua long-bracket string whose level cannot occur in the text. */
function luaString(s: string): string {
  let eq = '';
  while (s.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[${s}]${eq}]`;
}

/** One wrk run (one thread, `concurrency` connections); cpuUsPerRequest is left for the caller. */
export function runWrk(url: string, script: string, concurrency: number, seconds: number): Promise<Point> {
  const args = ['-t', '1', '-c', String(concurrency), '-d', `${seconds}s`, '--latency', '-s', script, url];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, (err, stdout) => {
      if (err) return reject(new Error(`wrk failed (is it installed? apt-get install wrk): ${err.message}`));
      resolve(parseWrk(stdout));
    });
  });
}

function parseWrk(out: string): Point {
  const ms = (label: string): number => {
    const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    if (!m) return Number.NaN;
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2] as 'us' | 'ms' | 's'];
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors:.*/.exec(out)?.[0];
  if (socketErrors) console.log(`wrk: ${socketErrors}`);
  return { rps, p50Ms: ms('50'), p99Ms: ms('99'), errors: non2xx, cpuUsPerRequest: Number.NaN };
}
