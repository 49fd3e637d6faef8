/**
 * The ONE feature extractor: the trainer and the model server both call it, so a text is turned into
 * the same vector at training and at serving time (train/serve skew is the classic silent ML bug).
 * The config travels inside each ONNX file (`greenlight.features`), so a server featurizes for the
 * model it loaded, not for whatever it was compiled with.
 *
 * Scheme `hashed-words-v1`: lower-cased word tokens (ASCII letters and digits, and any code unit
 * above 0x7F; every digit folds to `0`), plus `$` and `!` as one-character tokens, optionally with
 * adjacent-word bigrams, hashed with 32-bit FNV-1a into `dim` buckets (`dim` a power of two);
 * each bucket holds log(1 + count) and the row is L2-normalised. Only the first `maxChars` UTF-16
 * code units are read, which bounds the cost of a huge request.
 */

/** JSON-serialisable description of how text becomes a feature vector. */
export interface FeatureConfig {
  /** The algorithm; a server must refuse a scheme it does not know. */
  scheme: 'hashed-words-v1';
  /** Vector length (a power of two): the model's input width. */
  dim: number;
  /** Characters read from the start of a text; the rest is ignored. */
  maxChars: number;
  /** Also hash adjacent word pairs. */
  bigrams: boolean;
  /** Tokens longer than this (base64 runs, hashes) are skipped. */
  maxTokenLength: number;
}

export const FEATURE_SCHEMES = ['hashed-words-v1'] as const;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Separates the words of a bigram so "ab c" and "a bc" hash differently.
const BIGRAM_SEPARATOR = 0x20;

/** Whether a UTF-16 code unit continues a word token. */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
}

/** Fold a word character: upper-case ASCII to lower case, every digit to `0`. */
function fold(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  if (c >= 48 && c <= 57) return 48;
  return c;
}

function fnvStep(h: number, c: number): number {
  return Math.imul(h ^ c, FNV_PRIME);
}

/**
 * Count hashed tokens of `text` into out[offset … offset+dim) and return the buckets it touched.
 * Tokens are hashed on the fly from char codes: no substring is allocated per token, and only
 * touched buckets are visited afterwards (this runs on the server's hot path; dim can be 65,536).
 */
function countInto(text: string, cfg: FeatureConfig, out: Float32Array, offset: number): number[] {
  const touched: number[] = [];
  const add = (bucket: number) => {
    const at = offset + bucket;
    if (out[at] === 0) touched.push(at);
    out[at] += 1;
  };
  const mask = cfg.dim - 1;
  const end = Math.min(text.length, cfg.maxChars);
  let h = FNV_OFFSET;
  let len = 0;
  let prev = -1; // hash of the previous kept word, -1 = none
  for (let i = 0; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 32;
    if (isWordChar(c)) {
      h = fnvStep(h, fold(c));
      len++;
      continue;
    }
    if (len > 0) {
      if (len <= cfg.maxTokenLength) {
        const word = h >>> 0;
        add(word & mask);
        if (cfg.bigrams && prev !== -1) {
          let b = fnvStep(prev, BIGRAM_SEPARATOR);
          b = fnvStep(b, word & 0xffff);
          b = fnvStep(b, word >>> 16) >>> 0;
          add(b & mask);
        }
        prev = word;
      }
      h = FNV_OFFSET;
      len = 0;
    }
    if (c === 36 || c === 33) {
      // `$` and `!` are strong spam cues on their own
      add((fnvStep(FNV_OFFSET, c) >>> 0) & mask);
    }
  }
  return touched;
}

/** Replace counts by log(1 + count) and scale the row to unit L2 norm (an all-zero row stays zero). */
function normalise(out: Float32Array, touched: number[]): void {
  let sum = 0;
  for (const j of touched) {
    const l = Math.log1p(out[j]);
    out[j] = l;
    sum += l * l;
  }
  if (sum === 0) return;
  const inv = 1 / Math.sqrt(sum);
  for (const j of touched) out[j] *= inv;
}

/** Featurize one text into a new vector of length `cfg.dim`. */
export function featurize(text: string, cfg: FeatureConfig): Float32Array {
  const out = new Float32Array(cfg.dim);
  normalise(out, countInto(text, cfg, out, 0));
  return out;
}

/** Featurize texts into one row-major N×dim matrix (the ONNX input layout). */
export function featurizeBatch(texts: string[], cfg: FeatureConfig, scratch?: Float32Array): Float32Array {
  const size = texts.length * cfg.dim;
  // A caller that owns a large enough buffer (the model server, one batch at a time) reuses it:
  // a fresh N×dim array per batch (4 MB at 64 × 16,384) is mostly garbage-collector work.
  const out = scratch && scratch.length >= size ? scratch.subarray(0, size).fill(0) : new Float32Array(size);
  for (let i = 0; i < texts.length; i++) {
    normalise(out, countInto(texts[i], cfg, out, i * cfg.dim));
  }
  return out;
}

/**
 * Check that an untrusted value (e.g. parsed from a model file's metadata) is a FeatureConfig this
 * module can apply. Returns the config, or a one-line reason why not.
 */
export function checkFeatureConfig(
  value: unknown,
): { ok: true; config: FeatureConfig } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'feature config is not an object' };
  }
  const v = value as Record<string, unknown>;
  if (!(FEATURE_SCHEMES as readonly unknown[]).includes(v.scheme)) {
    return { ok: false, reason: `unknown feature scheme ${JSON.stringify(v.scheme)}` };
  }
  const dim = v.dim;
  if (
    typeof dim !== 'number' ||
    !Number.isInteger(dim) ||
    dim < 2 ||
    dim > 1 << 24 ||
    (dim & (dim - 1)) !== 0
  ) {
    return { ok: false, reason: `feature dim must be a power of two from 2 to 2^24, found ${String(dim)}` };
  }
  const maxChars = v.maxChars;
  if (typeof maxChars !== 'number' || !Number.isInteger(maxChars) || maxChars < 1) {
    return { ok: false, reason: `feature maxChars must be a positive integer, found ${String(maxChars)}` };
  }
  const maxTokenLength = v.maxTokenLength;
  if (typeof maxTokenLength !== 'number' || !Number.isInteger(maxTokenLength) || maxTokenLength < 1) {
    return {
      ok: false,
      reason: `feature maxTokenLength must be a positive integer, found ${String(maxTokenLength)}`,
    };
  }
  if (typeof v.bigrams !== 'boolean') {
    return { ok: false, reason: `feature bigrams must be a boolean, found ${String(v.bigrams)}` };
  }
  return {
    ok: true,
    config: { scheme: 'hashed-words-v1', dim, maxChars, bigrams: v.bigrams, maxTokenLength },
  };
}
