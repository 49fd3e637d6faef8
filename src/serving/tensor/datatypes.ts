import { float16Bits, float16Value } from './float16.js';

/** The OIP v2 tensor datatypes that ONNX Runtime can carry (inference_rest.md "Tensor Data Types"). */
export type OipDatatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

/** ONNX Runtime's names for the same element types (onnxruntime-common Tensor.Type). */
export type OrtType =
  | 'bool'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float16'
  | 'float32'
  | 'float64'
  | 'string';

/** What a tensor's data is held in on its way to and from ONNX Runtime. */
export type TensorData =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | string[];

/** How one datatype's JSON elements are checked and stored. */
export interface Datatype {
  oip: OipDatatype;
  ort: OrtType;
  /** What an element must be, for error messages: "an integer in [-128, 127]". */
  expected: string;
  /** A container for `n` elements. */
  alloc(n: number): TensorData;
  /**
   * Store the JSON elements `values` into `data`; the index of the first one that is not a valid
   * element of this type, or -1. One loop per type: this runs for every element of every request.
   */
  fill(data: TensorData, values: readonly unknown[]): number;
  /** One element as the JSON text of a response (exact digits for 64-bit integers). */
  text(data: TensorData, i: number): string;
}

const int = (oip: OipDatatype, ort: OrtType, min: number, max: number, make: (n: number) => TensorData) => ({
  oip,
  ort,
  expected: `an integer in [${min}, ${max}]`,
  alloc: make,
  fill(data: TensorData, values: readonly unknown[]) {
    const out = data as Int32Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return i;
      out[i] = v;
    }
    return -1;
  },
  text: (data: TensorData, i: number) => String((data as Int32Array)[i]),
});

// A JSON number beyond 2^53 has already been rounded by the parser: it is refused rather than fed
// to the model as a different integer than the client wrote (Number.isSafeInteger).
const int64 = (oip: OipDatatype, ort: OrtType, min: number, make: (n: number) => TensorData) => ({
  oip,
  ort,
  expected: `an integer in [${min === 0 ? 0 : '-(2^53 - 1)'}, 2^53 - 1] (larger JSON numbers lose precision)`,
  alloc: make,
  fill(data: TensorData, values: readonly unknown[]) {
    const out = data as BigInt64Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) return i;
      out[i] = BigInt(v);
    }
    return -1;
  },
  // Exact digits even beyond 2^53: a JSON number literal is unbounded; Python and Go read it exactly.
  text: (data: TensorData, i: number) => String((data as BigInt64Array)[i]),
});

const FP32_MAX = 3.4028234663852886e38;

const float = (oip: OipDatatype, ort: OrtType, max: number, make: (n: number) => TensorData) => ({
  oip,
  ort,
  expected: max === Number.MAX_VALUE ? 'a number' : `a number of magnitude at most ${max}`,
  alloc: make,
  fill(data: TensorData, values: readonly unknown[]) {
    const out = data as Float64Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      // JSON has no NaN or Infinity; a value past the type's range would silently become Infinity.
      if (typeof v !== 'number' || !(v <= max && v >= -max)) return i;
      out[i] = v;
    }
    return -1;
  },
  text: (data: TensorData, i: number) => jsonNumber((data as Float64Array)[i]),
});

/** NaN and ±Infinity have no JSON form: they are written as null, as JSON.stringify does. */
function jsonNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

const DATATYPES: Datatype[] = [
  {
    oip: 'BOOL',
    ort: 'bool',
    expected: 'true or false',
    alloc: (n) => new Uint8Array(n),
    fill(data, values) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (typeof v !== 'boolean') return i;
        (data as Uint8Array)[i] = v ? 1 : 0;
      }
      return -1;
    },
    text: (data, i) => ((data as Uint8Array)[i] ? 'true' : 'false'),
  },
  int('UINT8', 'uint8', 0, 255, (n) => new Uint8Array(n)),
  int('UINT16', 'uint16', 0, 65535, (n) => new Uint16Array(n)),
  int('UINT32', 'uint32', 0, 4294967295, (n) => new Uint32Array(n)),
  int64('UINT64', 'uint64', 0, (n) => new BigUint64Array(n)),
  int('INT8', 'int8', -128, 127, (n) => new Int8Array(n)),
  int('INT16', 'int16', -32768, 32767, (n) => new Int16Array(n)),
  int('INT32', 'int32', -2147483648, 2147483647, (n) => new Int32Array(n)),
  int64('INT64', 'int64', -Number.MAX_SAFE_INTEGER, (n) => new BigInt64Array(n)),
  {
    oip: 'FP16',
    ort: 'float16',
    expected: 'a number of magnitude at most 65504',
    alloc: (n) => new Uint16Array(n),
    fill(data, values) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !(Math.abs(v) <= 65504)) return i;
        (data as Uint16Array)[i] = float16Bits(v);
      }
      return -1;
    },
    text: (data, i) => jsonNumber(float16Value((data as Uint16Array)[i])),
  },
  float('FP32', 'float32', FP32_MAX, (n) => new Float32Array(n)),
  float('FP64', 'float64', Number.MAX_VALUE, (n) => new Float64Array(n)),
  {
    oip: 'BYTES',
    ort: 'string',
    expected: 'a string',
    alloc: (n) => new Array<string>(n),
    fill(data, values) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (typeof v !== 'string') return i;
        (data as string[])[i] = v;
      }
      return -1;
    },
    text: (data, i) => JSON.stringify((data as string[])[i]),
  },
];

const BY_OIP = new Map(DATATYPES.map((d) => [d.oip, d]));
const BY_ORT = new Map(DATATYPES.map((d) => [d.ort, d]));

/** The datatype named by an OIP request, or undefined for a name OIP (or this server) does not know. */
export function datatypeOf(oip: unknown): Datatype | undefined {
  return typeof oip === 'string' ? BY_OIP.get(oip as OipDatatype) : undefined;
}

/** The datatype of an ONNX Runtime element type; undefined for types OIP cannot carry (int4, uint4). */
export function datatypeOfOrt(ort: string): Datatype | undefined {
  return BY_ORT.get(ort as OrtType);
}

/** Every OIP datatype this server accepts, in the spec's order. */
export const OIP_DATATYPES: readonly OipDatatype[] = DATATYPES.map((d) => d.oip);
