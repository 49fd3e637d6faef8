import { type Datatype, datatypeOfOrt } from './datatypes.js';

/** One dimension of a declared shape: a fixed size, or a symbolic one (its name, '' when unnamed). */
export type Dim = number | string;

/** One tensor input or output of a model, as ONNX Runtime reports it. */
export interface TensorSpec {
  name: string;
  datatype: Datatype;
  /** Declared shape; undefined when the model declares no shape at all (any rank). */
  shape: Dim[] | undefined;
}

/** A value ONNX Runtime reports as it does (name, isTensor, type, shape). */
export interface ValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: ReadonlyArray<number | string>;
}

/** What a model takes and gives, for OIP metadata, request checks and batching. */
export interface ModelSignature {
  inputs: TensorSpec[];
  /** Tensor outputs only; the others are in `skipped`. */
  outputs: TensorSpec[];
  /** Outputs left out (non-tensor values such as scikit-learn's ZipMap, or types OIP cannot carry), and why. */
  skipped: Array<{ name: string; why: string }>;
  /** Requests may be merged along the first dimension; when false, `whyNotBatched` says why. */
  batchable: boolean;
  whyNotBatched?: string;
}

/** Symbolic or unknown sizes: ONNX Runtime reports dim_param names as strings and unknown sizes as -1. */
export const isFixed = (d: Dim): d is number => typeof d === 'number' && d >= 0;

/**
 * The signature of a model from ONNX Runtime's input/output metadata. `unknownRank` names the
 * values whose graph declares no shape (ONNX Runtime reports those as `[]`, like a scalar).
 * Throws a plain Error naming the input when an input's type cannot be carried by OIP.
 */
export function signatureOf(
  inputs: readonly ValueMetadata[],
  outputs: readonly ValueMetadata[],
  unknownRank: ReadonlySet<string> = new Set(),
  describe: (name: string) => string = () => 'not a tensor',
): ModelSignature {
  const spec = (v: ValueMetadata): TensorSpec | string => {
    if (!v.isTensor) return `${describe(v.name)}, which OIP v2 cannot carry`;
    const datatype = datatypeOfOrt(v.type ?? '');
    if (datatype === undefined) return `element type ${v.type} has no OIP v2 datatype`;
    const shape = unknownRank.has(v.name)
      ? undefined
      : v.shape?.map((d) => (isFixed(d) ? d : typeof d === 'string' ? d : ''));
    return { name: v.name, datatype, shape: shape ?? undefined };
  };
  const ins = inputs.map((v) => {
    const s = spec(v);
    if (typeof s === 'string') throw new Error(`input ${v.name}: ${s}`);
    return s;
  });
  const outs: TensorSpec[] = [];
  const skipped: ModelSignature['skipped'] = [];
  for (const v of outputs) {
    const s = spec(v);
    if (typeof s === 'string') skipped.push({ name: v.name, why: s });
    else outs.push(s);
  }
  if (outs.length === 0) throw new Error('the model has no tensor output that OIP v2 can carry');
  const whyNot = whyNotBatched(ins, outs);
  return {
    inputs: ins,
    outputs: outs,
    skipped,
    batchable: whyNot === undefined,
    ...(whyNot === undefined ? {} : { whyNotBatched: whyNot }),
  };
}

/**
 * Merging requests along the first dimension is exact only when that dimension is the batch for
 * every value: each input and output has a symbolic first dimension, the same one everywhere.
 * A fixed first dimension (batch 1, a state tensor [2, batch, 64]), or a scalar or an unshaped value
 * shared by every row, rules it out. Skipped outputs do not count: they are never fetched, so the
 * runtime does not compute them.
 */
function whyNotBatched(inputs: TensorSpec[], outputs: TensorSpec[]): string | undefined {
  let batchDim: string | undefined;
  for (const [kind, t] of [
    ...inputs.map((t) => ['input', t] as const),
    ...outputs.map((t) => ['output', t] as const),
  ]) {
    if (t.shape === undefined) return `${kind} ${t.name} declares no shape`;
    if (t.shape.length === 0) return `${kind} ${t.name} is a scalar`;
    const first = t.shape[0];
    if (isFixed(first)) return `${kind} ${t.name} has a fixed first dimension ${first}`;
    // Two different names may be different sizes (an unnamed one could be anything); '' never matches.
    if (first === '' || (batchDim !== undefined && first !== batchDim)) {
      const named = first === '' ? 'an unnamed dynamic size' : `"${first}"`;
      return `${kind} ${t.name}'s first dimension (${named}) is not known to be the batch dimension${batchDim ? ` "${batchDim}"` : ''}`;
    }
    batchDim = first;
  }
  return undefined;
}
