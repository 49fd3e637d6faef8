import { resolve } from 'node:path';
import { parseArgs } from '../args.js';

export const summary = 'train the example spam models (ONNX), their model cards and samples';
export const usage = `greenlight models build [--out DIR] [--json]

Trains five spam classifiers on the SpamAssassin corpus and writes, into DIR (default models/):
  spam-v1.onnx, spam-v2.onnx, spam-v3-regressed.onnx, spam-v3-slow.onnx, spam-v3-skewed.onnx,
  <name>.card.yaml for each, and samples.jsonl (held-out e-mails never used in training).
Deterministic: running it twice gives byte-identical files. Progress goes to stderr.

  --out DIR   output directory (created if missing)
  --json      print a JSON summary (files, sha256, accuracy, agreement with v1) on stdout`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs(argv, { out: { type: 'string' } }, false);
  const outDir = resolve(values.out ?? 'models');
  const { buildModels } = await import('../../models/build.js');
  const started = Date.now();
  const result = await buildModels({ outDir, onProgress: (line) => process.stderr.write(`${line}\n`) });
  process.stderr.write(
    `built ${result.models.length} models in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    for (const m of result.models) {
      console.log(
        `${m.file.padEnd(24)} ${m.version.padEnd(13)} accuracy ${m.accuracy.toFixed(4)}  agreement with v1 ${m.agreementWithV1.toFixed(4)}`,
      );
    }
    console.log(`${result.samples.file.padEnd(24)} ${result.samples.count} held-out e-mails  → ${outDir}`);
  }
  return 0;
}
