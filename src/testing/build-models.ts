/**
 * `node --import tsx src/testing/build-models.ts OUT_DIR`: the child process ensureModels() runs.
 * A fresh process compiles the model sources as they are on disk now, whereas a long test run's
 * module cache may still hold a version from before an edit.
 */
import { buildModels } from '../models/build.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: build-models.ts OUT_DIR');
  process.exit(2);
}
await buildModels({ outDir: out });
