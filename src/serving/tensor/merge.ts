import type { TensorData } from './datatypes.js';
import { elementCount, type Feed, type Feeds } from './feeds.js';

/** Concatenate the same tensors of several requests along their first (batch) dimension. */
export function concatFeeds(parts: Feeds[]): Feeds {
  const merged: Feeds = {};
  for (const name of Object.keys(parts[0])) {
    const feeds = parts.map((p) => p[name]);
    const first = feeds[0];
    let rows = 0;
    for (const f of feeds) rows += f.dims[0];
    merged[name] = { type: first.type, data: concatData(feeds), dims: [rows, ...first.dims.slice(1)] };
  }
  return merged;
}

function concatData(feeds: Feed[]): TensorData {
  if (Array.isArray(feeds[0].data)) return ([] as string[]).concat(...feeds.map((f) => f.data as string[]));
  let total = 0;
  for (const f of feeds) total += f.data.length;
  const Ctor = feeds[0].data.constructor as new (n: number) => Exclude<TensorData, string[]>;
  const out = new Ctor(total);
  let at = 0;
  for (const f of feeds) {
    (out as Float32Array).set(f.data as Float32Array, at);
    at += f.data.length;
  }
  return out;
}

/**
 * Split one run's outputs back into per-request outputs of `rows[i]` rows each. Undefined when an
 * output's first dimension is not the total of the rows: that output was not per-row after all,
 * and the merged run cannot be divided exactly.
 */
export function splitFeeds(outputs: Feeds, rows: number[]): Feeds[] | undefined {
  const total = rows.reduce((a, b) => a + b, 0);
  const parts: Feeds[] = rows.map(() => ({}));
  for (const [name, out] of Object.entries(outputs)) {
    if (out.dims.length === 0 || out.dims[0] !== total) return undefined;
    const rowSize = elementCount(out.dims.slice(1));
    let at = 0;
    for (let i = 0; i < rows.length; i++) {
      const end = at + rows[i] * rowSize;
      const data = Array.isArray(out.data) ? out.data.slice(at, end) : out.data.subarray(at, end);
      parts[i][name] = { type: out.type, data, dims: [rows[i], ...out.dims.slice(1)] };
      at = end;
    }
  }
  return parts;
}
