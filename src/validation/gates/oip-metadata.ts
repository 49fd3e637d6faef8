/** One tensor of OIP v2 model metadata (`GET /v2/models/{name}`). */
interface TensorMeta {
  name: string;
  datatype: unknown;
  shape: unknown;
}

export interface TensorDiff {
  /** "input" or "output". */
  kind: 'input' | 'output';
  name: string;
  change: 'missing' | 'added' | 'datatype' | 'shape';
  baseline?: unknown;
  candidate?: unknown;
}

function tensorsOf(meta: unknown, key: 'inputs' | 'outputs'): TensorMeta[] {
  const list = (meta as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(list)) return [];
  return list
    .filter((t): t is TensorMeta => typeof (t as TensorMeta)?.name === 'string')
    .map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape }));
}

/**
 * The signature differences between two models' OIP metadata: tensors missing or added (by name),
 * and changed datatypes or shapes. Versions and platform are expected to differ and are ignored.
 */
export function diffOipMetadata(baseline: unknown, candidate: unknown): TensorDiff[] {
  const diffs: TensorDiff[] = [];
  for (const [key, kind] of [
    ['inputs', 'input'],
    ['outputs', 'output'],
  ] as const) {
    const b = tensorsOf(baseline, key);
    const c = tensorsOf(candidate, key);
    for (const t of b) {
      const other = c.find((x) => x.name === t.name);
      if (!other) diffs.push({ kind, name: t.name, change: 'missing', baseline: t });
      else {
        if (JSON.stringify(other.datatype) !== JSON.stringify(t.datatype))
          diffs.push({
            kind,
            name: t.name,
            change: 'datatype',
            baseline: t.datatype,
            candidate: other.datatype,
          });
        if (JSON.stringify(other.shape) !== JSON.stringify(t.shape))
          diffs.push({ kind, name: t.name, change: 'shape', baseline: t.shape, candidate: other.shape });
      }
    }
    for (const t of c)
      if (!b.some((x) => x.name === t.name))
        diffs.push({ kind, name: t.name, change: 'added', candidate: t });
  }
  return diffs;
}

/** One line per difference: `output "probabilities" shape [-1,2] → [-1,3]`. */
export function describeTensorDiff(d: TensorDiff): string {
  const what = `${d.kind} "${d.name}"`;
  if (d.change === 'missing') return `${what} missing`;
  if (d.change === 'added') return `${what} added`;
  return `${what} ${d.change} ${JSON.stringify(d.baseline)} → ${JSON.stringify(d.candidate)}`;
}
