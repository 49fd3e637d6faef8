import { readFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import { GreenlightError } from '../errors.js';
import { checkFeatureConfig, type FeatureConfig } from './features.js';

/** What a server needs to know about a model file before handing its bytes to ONNX Runtime. */
export interface ModelInfo {
  features: FeatureConfig;
  labels: string[];
  version: string | undefined;
  inputName: string;
  outputName: string;
  bytes: Uint8Array;
}

function invalid(path: string, reason: string, cause?: unknown): GreenlightError {
  return new GreenlightError('GL_MODEL_INVALID', `model ${path} is not usable: ${reason}`, { cause });
}

function decode(path: string, bytes: Uint8Array): onnxProto.onnx.ModelProto {
  try {
    return onnxProto.onnx.ModelProto.decode(bytes);
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    throw invalid(path, `not an ONNX protobuf (${why})`, err);
  }
}

function parseJson(path: string, key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalid(path, `metadata ${key} is not JSON`, err);
  }
}

/** The fixed size of a [N, width] tensor's second axis, when the graph declares one. */
function fixedWidth(value: onnxProto.onnx.IValueInfoProto | undefined): number | undefined {
  const dims = value?.type?.tensorType?.shape?.dim;
  const d = dims?.length === 2 ? dims[1].dimValue : undefined;
  return d === undefined || d === null ? undefined : Number(d);
}

async function readModelBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new GreenlightError('GL_MODEL_NOT_FOUND', `model file ${path} does not exist`, { cause: err });
    }
    throw invalid(path, `cannot read it (${code ?? (err as Error).message})`, err);
  }
}

/**
 * Read an ONNX model file and decode its protobuf, with the same errors as `readModelInfo`
 * (GL_MODEL_NOT_FOUND, GL_MODEL_INVALID), for readers of models that carry no greenlight metadata.
 */
export async function readModelProto(
  path: string,
): Promise<{ bytes: Uint8Array; model: onnxProto.onnx.ModelProto }> {
  const bytes = await readModelBytes(path);
  if (bytes.length === 0) throw invalid(path, 'the file is empty');
  return { bytes, model: decode(path, bytes) };
}

/**
 * Read an ONNX model file and the greenlight metadata it carries (`greenlight.features`,
 * `greenlight.labels`, `greenlight.version`). Throws GreenlightError `GL_MODEL_NOT_FOUND` when the
 * file cannot be read and `GL_MODEL_INVALID` (one-line reason) when it is not a usable model.
 */
export async function readModelInfo(path: string): Promise<ModelInfo> {
  const { bytes, model } = await readModelProto(path);
  const inputName = model.graph?.input?.length === 1 ? model.graph.input[0].name : undefined;
  const outputName = model.graph?.output?.length ? model.graph.output[0].name : undefined;
  if (!inputName || !outputName) throw invalid(path, 'no graph with one named input and an output');
  const meta = new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const featuresText = meta.get('greenlight.features');
  const labelsText = meta.get('greenlight.labels');
  if (featuresText === undefined || labelsText === undefined) {
    throw invalid(path, 'metadata greenlight.features or greenlight.labels is missing');
  }
  const checked = checkFeatureConfig(parseJson(path, 'greenlight.features', featuresText));
  if (!checked.ok) throw invalid(path, checked.reason);
  const labels = parseJson(path, 'greenlight.labels', labelsText);
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string')) {
    throw invalid(path, 'metadata greenlight.labels is not a list of at least two strings');
  }
  const width = fixedWidth(model.graph?.input?.[0]);
  if (width !== undefined && width !== checked.config.dim) {
    throw invalid(
      path,
      `input ${inputName} takes ${width} features but greenlight.features says dim ${checked.config.dim}`,
    );
  }
  const classes = fixedWidth(model.graph?.output?.[0]);
  if (classes !== undefined && classes !== labels.length) {
    throw invalid(
      path,
      `output ${outputName} has ${classes} columns but greenlight.labels lists ${labels.length}`,
    );
  }
  return {
    features: checked.config,
    labels: labels as string[],
    version: meta.get('greenlight.version') || undefined,
    inputName,
    outputName,
    bytes,
  };
}
