import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../../errors.js';
import { parseSamples, readSamples } from './samples-file.js';

describe('samples file', () => {
  it('parses JSON lines, skipping blank lines; only text is required', () => {
    const s = parseSamples('{"text":"a","expected_label":"spam","slice":"html"}\n\n{"text":"b"}\r\n');
    expect(s).toEqual([{ text: 'a', expectedLabel: 'spam', slice: 'html' }, { text: 'b' }]);
  });

  it('names every bad line', () => {
    try {
      parseSamples('{"text":"ok"}\nnot json\n{"label":"x"}\n[1]\n{"text":"x","slice":3}\n');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidDocumentError);
      expect((err as InvalidDocumentError).problems.map((p) => p.path)).toEqual([
        'line 2',
        'line 3: text',
        'line 4',
        'line 5: slice',
      ]);
      expect((err as Error).message).toContain('line 3: text: expected a non-empty string, found nothing');
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
