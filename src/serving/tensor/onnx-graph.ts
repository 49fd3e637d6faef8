import onnxProto from 'onnx-proto';

type ModelProto = onnxProto.onnx.IModelProto;
type TypeProto = onnxProto.onnx.ITypeProto;

/** What ONNX Runtime's metadata does not say about a model, read from its protobuf. */
export interface GraphFacts {
  /** Graph inputs and outputs that declare no shape (ONNX Runtime reports `[]`, as for a scalar). */
  unknownRank: Set<string>;
  /** Each input's and output's type as ONNX writes it: `tensor(float)`, `seq(map(int64,tensor(float)))`. */
  types: Map<string, string>;
  /** The model's metadata properties (`metadata_props`). */
  properties: Record<string, string>;
  /** Class labels of an ai.onnx.ml classifier (LinearClassifier, TreeEnsembleClassifier, SVMClassifier, ZipMap). */
  classLabels: Array<string | number> | undefined;
}

/** Does the model carry greenlight's text-featurizer metadata (a model built by `greenlight models build`)? */
export function isGreenlightTextModel(model: ModelProto): boolean {
  return (model.metadataProps ?? []).some((p) => p.key === 'greenlight.features');
}

export function graphFacts(model: ModelProto): GraphFacts {
  const unknownRank = new Set<string>();
  const types = new Map<string, string>();
  for (const v of [...(model.graph?.input ?? []), ...(model.graph?.output ?? [])]) {
    if (!v.name) continue;
    if (v.type?.tensorType && !v.type.tensorType.shape) unknownRank.add(v.name);
    types.set(v.name, typeText(v.type ?? undefined));
  }
  const properties: Record<string, string> = {};
  for (const p of model.metadataProps ?? []) if (p.key) properties[p.key] = p.value ?? '';
  return { unknownRank, types, properties, classLabels: classLabels(model) };
}

const CLASSIFIERS = new Set(['LinearClassifier', 'TreeEnsembleClassifier', 'SVMClassifier', 'ZipMap']);

function classLabels(model: ModelProto): Array<string | number> | undefined {
  for (const node of model.graph?.node ?? []) {
    if (node.domain !== 'ai.onnx.ml' || !CLASSIFIERS.has(node.opType ?? '')) continue;
    for (const a of node.attribute ?? []) {
      if (a.name === 'classlabels_strings' && a.strings?.length) {
        return a.strings.map((s) => new TextDecoder().decode(s));
      }
      if ((a.name === 'classlabels_int64s' || a.name === 'classlabels_ints') && a.ints?.length) {
        return a.ints.map((i) => Number(i));
      }
    }
  }
  return undefined;
}

const ELEM = onnxProto.onnx.TensorProto.DataType;
const elemName = (t: number | null | undefined) => (ELEM[t ?? 0] ?? 'undefined').toLowerCase();

/** An ONNX type in ONNX's own notation, for log notes and errors. */
export function typeText(t: TypeProto | undefined): string {
  if (!t) return 'an undeclared type';
  if (t.tensorType) return `tensor(${elemName(t.tensorType.elemType)})`;
  if (t.sequenceType) return `seq(${typeText(t.sequenceType.elemType ?? undefined)})`;
  if (t.mapType) return `map(${elemName(t.mapType.keyType)},${typeText(t.mapType.valueType ?? undefined)})`;
  if (t.optionalType) return `optional(${typeText(t.optionalType.elemType ?? undefined)})`;
  if (t.sparseTensorType) return `sparse_tensor(${elemName(t.sparseTensorType.elemType)})`;
  return 'an unknown type';
}
