/**
 * `npm run bench -- decisions [runs] [quiet|hog|both]`
 *
 * How often whole validations decide right, with real model servers (`greenlight serve`) on this
 * machine: for each example candidate against spam-v1 — an identical copy of v1, v2 (same cost,
 * 98.8% agreement), v3-regressed (86% agreement), v3-slow (2–3× the cost), v3-skewed (html slice
 * and squashed scores) — `runs` validations (default 5), each with its own replay seed, quiet and
 * under a background CPU hog (two spinning processes), with the seed's defaults except the cap,
 * which is what the sample-size calculation asks for. Prints pass / fail / inconclusive rates,
 * the gate that decided, and the mean agreement pairs used. Targets: identical and v2 pass ≥ 95%,
 * every bad candidate fails ≥ 99%, no bad candidate ever passes.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { GateName, ValidationSpec } from '../src/spec/types.js';
import { defaultValidationSpec } from '../src/spec/validation-defaults.js';
import { startCpuHog } from '../src/testing/cpu-hog.js';
import { ensureModels } from '../src/testing/models.js';
import { type ServedModel, serveModel, stopProcess } from '../src/testing/serve.js';
import { readSamples, type Sample } from '../src/validation/pairs/samples-file.js';
import { runValidation } from '../src/validation/run.js';
import { planFor } from '../src/validation/sample-size-report.js';
import { type GateResult, overallStatus } from '../src/validation/types.js';

const CANDIDATES = [
  { name: 'identical', model: 'spam-v1', good: true },
  { name: 'v2', model: 'spam-v2', good: true },
  { name: 'v3-regressed', model: 'spam-v3-regressed', good: false },
  { name: 'v3-slow', model: 'spam-v3-slow', good: false },
  { name: 'v3-skewed', model: 'spam-v3-skewed', good: false },
] as const;

// The statistical gates; the card gate is left out (the v3 cards are unapproved, which would
// fail them without measuring anything).
const GATES: GateName[] = ['health', 'agreement', 'schema', 'distribution', 'latency', 'resources'];

interface Tally {
  passed: number;
  failed: number;
  inconclusive: number;
  error: number;
  pairs: number;
  runs: number;
  decidedBy: Map<string, number>;
}

function record(t: Tally, results: GateResult[]): void {
  const s = overallStatus(results);
  if (s === 'passed' || s === 'failed' || s === 'inconclusive' || s === 'error') t[s]++;
  t.runs++;
  t.pairs += Number(results.find((r) => r.gate === 'agreement')?.measured.compared ?? 0);
  for (const r of results.filter((x) => x.status !== 'passed' && x.status !== 'skipped'))
    t.decidedBy.set(`${r.gate} ${r.status}`, (t.decidedBy.get(`${r.gate} ${r.status}`) ?? 0) + 1);
}

const pct = (k: number, n: number) => `${((k / n) * 100).toFixed(0)}%`.padStart(5);

/** Every candidate's runs under one condition; returns how many bad candidates ever passed. */
async function runCondition(
  condition: string,
  runs: number,
  spec: ValidationSpec,
  blue: string,
  greens: Map<string, string>,
  samples: Sample[],
): Promise<number> {
  let bad = 0;
  const hog = condition === 'hog' ? await startCpuHog(2) : undefined;
  try {
    for (const c of CANDIDATES) {
      const t: Tally = {
        passed: 0,
        failed: 0,
        inconclusive: 0,
        error: 0,
        pairs: 0,
        runs: 0,
        decidedBy: new Map(),
      };
      for (let i = 0; i < runs; i++) {
        const results = await runValidation({
          spec: { ...spec, seed: i + 1 },
          baseline: blue,
          candidate: greens.get(c.name) as string,
          samples,
        });
        record(t, results);
      }
      const by = [...t.decidedBy].map(([k, v]) => `${k} ${v}`).join(', ') || '–';
      console.log(
        `${condition.padEnd(9)} | ${c.name.padEnd(12)} | ${String(t.runs).padStart(4)} | ${pct(t.passed, t.runs)}  | ${pct(t.failed, t.runs)}  | ${pct(t.inconclusive, t.runs)}    | ${pct(t.error, t.runs)} | ${(t.pairs / t.runs).toFixed(0).padStart(10)} | ${by}`,
      );
      if (!c.good && t.passed > 0) bad++;
    }
  } finally {
    await hog?.stop();
  }
  console.log(`  (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores after "${condition}")`);
  return bad;
}

export async function main(args: string[]): Promise<number> {
  const runs = Math.max(1, Number(args[0] ?? 5) || 5);
  const mode = args[1] ?? 'both';
  const conditions = mode === 'both' ? ['quiet', 'hog'] : [mode];
  const dir = await ensureModels();
  const samples = await readSamples(join(dir, 'samples.jsonl'));
  const spec = defaultValidationSpec();
  spec.gates = GATES;
  spec.shadowTrafficSampleSize = planFor(spec).recommendedCap;
  console.log(
    `decisions: ${runs} validation(s) per candidate and condition against spam-v1; seed defaults, cap ${spec.shadowTrafficSampleSize} (the sample-size calculation's); gates ${GATES.join(', ')}`,
  );
  const served: ServedModel[] = [];
  let bad = 0;
  try {
    const blue = await serveModel(join(dir, 'spam-v1.onnx'), 'v1');
    served.push(blue);
    const greens = new Map<string, string>();
    for (const c of CANDIDATES) {
      const s = await serveModel(join(dir, `${c.model}.onnx`), c.name);
      served.push(s);
      greens.set(c.name, s.url);
    }
    console.log(
      'condition | candidate    | runs | passed | failed | inconcl. | error | mean pairs | not passed by',
    );
    for (const condition of conditions)
      bad += await runCondition(condition, runs, spec, blue.url, greens, samples);
  } finally {
    await Promise.all(served.map((s) => stopProcess(s.child)));
  }
  if (bad > 0) console.log(`a bad candidate passed in ${bad} candidate/condition cell(s)`);
  return bad > 0 ? 1 : 0;
}
