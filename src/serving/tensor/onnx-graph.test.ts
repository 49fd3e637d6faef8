import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { graphFacts, isGreenlightTextModel } from './onnx-graph.js';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

/** A LinearClassifier + ZipMap graph as skl2onnx writes it, and an input declared without a shape. */
const model: onnxProto.onnx.IModelProto = {
  graph: {
    node: [
      {
        opType: 'LinearClassifier',
        domain: 'ai.onnx.ml',
        input: ['x'],
        output: ['label', 'p'],
        attribute: [
          {
            name: 'classlabels_strings',
            strings: [new TextEncoder().encode('ham'), new TextEncoder().encode('spam')],
          },
        ],
      },
      { opType: 'ZipMap', domain: 'ai.onnx.ml', input: ['p'], output: ['probs'] },
    ],
    input: [
      {
        name: 'x',
        type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 4 }] } } },
      },
      { name: 'any', type: { tensorType: { elemType: T.INT64 } } },
    ],
    output: [
      { name: 'label', type: { tensorType: { elemType: T.STRING, shape: { dim: [{ dimParam: 'N' }] } } } },
      {
        name: 'probs',
        type: {
          sequenceType: {
            elemType: { mapType: { keyType: T.STRING, valueType: { tensorType: { elemType: T.FLOAT } } } },
          },
        },
      },
    ],
  },
  metadataProps: [{ key: 'author', value: 'me' }],
};

describe('graphFacts', () => {
  it('reads what ONNX Runtime does not report: unshaped values, non-tensor types, properties, class labels', () => {
    const facts = graphFacts(model);
    expect([...facts.unknownRank]).toEqual(['any']);
    expect(facts.types.get('probs')).toBe('seq(map(string,tensor(float)))');
    expect(facts.types.get('x')).toBe('tensor(float)');
    expect(facts.properties).toEqual({ author: 'me' });
    expect(facts.classLabels).toEqual(['ham', 'spam']);
  });

  it('tells greenlight text models by their featurizer metadata', () => {
    expect(isGreenlightTextModel(model)).toBe(false);
    expect(isGreenlightTextModel({ metadataProps: [{ key: 'greenlight.features', value: '{}' }] })).toBe(
      true,
    );
  });
});
