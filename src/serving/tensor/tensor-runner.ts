import type { BatchRunner } from '../batcher.js';
import type { Feeds } from './feeds.js';
import type { TensorRequest } from './infer-request.js';
import { concatFeeds, splitFeeds } from './merge.js';
import type { TensorModel } from './tensor-model.js';

/** One request's outputs, or why its run failed (one bad request must not fail the others merged with it). */
export type TensorResult = Feeds | Error;

/**
 * The dynamic batcher's runner for a generic model. Requests whose shapes agree beyond the batch
 * dimension run as one `session.run` of their rows concatenated, and the outputs are split back.
 * Merging is kept exact: when the merged run fails, or an output's first dimension turns out not
 * to be the rows merged, each request of that group runs again on its own, so every answer is the
 * answer the request would have got alone. `onRun` gets the rows of every `session.run`.
 */
export function tensorRunner(
  model: TensorModel,
  onRun: (rows: number) => void = () => {},
): BatchRunner<TensorRequest, TensorResult> {
  const alone = async (r: TensorRequest): Promise<TensorResult> => {
    try {
      const out = await model.run(r.feeds);
      onRun(r.rows);
      return out;
    } catch (err) {
      return err as Error;
    }
  };
  return async (requests) => {
    if (requests.length === 1) return [await alone(requests[0])];
    const groups = new Map<string, number[]>();
    for (let i = 0; i < requests.length; i++) {
      const group = groups.get(requests[i].key);
      if (group) group.push(i);
      else groups.set(requests[i].key, [i]);
    }
    const results = new Array<TensorResult>(requests.length);
    for (const group of groups.values()) {
      const members = group.map((i) => requests[i]);
      const parts = group.length > 1 ? await merged(members) : undefined;
      for (let k = 0; k < group.length; k++) results[group[k]] = parts ? parts[k] : await alone(members[k]);
    }
    return results;
  };

  async function merged(members: TensorRequest[]): Promise<Feeds[] | undefined> {
    const rows = members.map((r) => r.rows);
    try {
      const parts = splitFeeds(await model.run(concatFeeds(members.map((r) => r.feeds))), rows);
      if (parts) onRun(rows.reduce((a, b) => a + b, 0));
      return parts;
    } catch {
      return undefined; // run them one by one: the failure belongs to whichever request caused it
    }
  }
}
