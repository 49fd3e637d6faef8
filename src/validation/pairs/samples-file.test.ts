import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../../errors.js';
import { parseSamples, readSamples } from './samples-file.js';

describe('samples file', () => {
  it('parses JSON lines, skipping blank lines; the text shorthand is input {"text"}', () => {
    const s = parseSamples('{"text":"a","expected_label":"spam","slice":"html"}\n\n{"text":"b"}\r\n');
    expect(s).toEqual([
      { input: { text: 'a' }, text: 'a', expected: 'spam', slice: 'html', line: 1 },
      { input: { text: 'b' }, text: 'b', line: 3 },
    ]);
  });

  it('takes any input (a request body, OIP inputs) with a label or a number expected', () => {
    const inputs = [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [1, 2] }];
    const s = parseSamples(
      `${JSON.stringify({ input: inputs, expected: 2.5, slice: 'a' })}\n{"input":{"instances":[[1,2]]},"expected":"cat"}\n{"input":[0.5]}\n{"input":"a bare string"}`,
    );
    expect(s).toEqual([
      { input: inputs, text: JSON.stringify(inputs), expected: 2.5, slice: 'a', line: 1 },
      { input: { instances: [[1, 2]] }, text: '{"instances":[[1,2]]}', expected: 'cat', line: 2 },
      { input: [0.5], text: '[0.5]', line: 3 },
      { input: 'a bare string', text: 'a bare string', line: 4 },
    ]);
  });

  it('names every bad line', () => {
    try {
      parseSamples(
        '{"text":"ok"}\nnot json\n{"label":"x"}\n[1]\n{"text":"x","slice":3}\n{"input":1,"text":"y"}\n{"text":""}\n{"input":2,"expected":{}}\n',
      );
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidDocumentError);
      expect((err as InvalidDocumentError).problems.map((p) => p.path)).toEqual([
        'line 2',
        'line 3: input',
        'line 4',
        'line 5: slice',
        'line 6: text',
        'line 7: text',
        'line 8: expected',
      ]);
      expect((err as Error).message).toContain(
        'line 3: input: expected the model input ("input": a request body or OIP inputs, or "text": "…"), found nothing',
      );
      expect((err as Error).message).toContain('line 7: text: expected a non-empty string, found ""');
    }
  });

  it('an empty file is invalid', () => {
    expect(() => parseSamples('\n \n')).toThrow(/at least one sample line/);
  });

  it('a missing file is GL_SAMPLES_NOT_FOUND', async () => {
    await expect(readSamples('/nonexistent/samples.jsonl')).rejects.toMatchObject({
      code: 'GL_SAMPLES_NOT_FOUND',
    });
  });
});
