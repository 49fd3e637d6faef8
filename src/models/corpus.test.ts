import { describe, expect, it } from 'vitest';
import { isHtml, loadCorpus, TEXT_MAX_CHARS, toEmail } from './corpus.js';

const raw = (group: string, text: string) => ({ id: '00001', group, checksum: { value: 'abc' }, text });

describe('toEmail', () => {
  it('keeps the Subject (unfolded) and the body, drops other headers', () => {
    const e = toEmail(
      raw('spam-1', 'From: a@b.c\r\nSubject: Cheap\r\n  pills\r\nX-Relay: mx1\r\n\r\nBuy now\r\nline two'),
    );
    expect(e).toMatchObject({ id: 'spam-1/00001', group: 'spam-1', label: 'spam', slice: 'plain' });
    expect(e.text).toBe('Subject: Cheap pills\n\nBuy now\nline two');
  });

  it('labels ham groups ham and detects HTML bodies', () => {
    const e = toEmail(raw('hard-ham-1', 'Subject: hi\n\n<HTML><BODY>hello</BODY></HTML>'));
    expect(e.label).toBe('ham');
    expect(e.slice).toBe('html');
  });

  it('cuts long texts', () => {
    expect(toEmail(raw('easy-ham-2', `Subject: x\n\n${'a'.repeat(10000)}`)).text).toHaveLength(
      TEXT_MAX_CHARS,
    );
  });
});

describe('isHtml', () => {
  it.each([
    ['<p>hello</p>', true],
    ['click <a href="http://x">here</a>', true],
    ['<br/>', true],
    ['use a < b and b > c', false],
    ['mail me at <joe@example.com>', false],
    ['plain text', false],
  ])('%j → %s', (body, html) => {
    expect(isHtml(body)).toBe(html);
  });
});

describe('loadCorpus', () => {
  it('loads the SpamAssassin groups with both labels and slices, without duplicate texts', () => {
    const emails = loadCorpus();
    expect(emails.length).toBeGreaterThan(5800);
    expect(emails.length).toBeLessThanOrEqual(6046);
    expect(new Set(emails.map((e) => e.group))).toEqual(
      new Set(['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']),
    );
    expect(new Set(emails.map((e) => e.text)).size).toBe(emails.length);
    const spam = emails.filter((e) => e.label === 'spam').length;
    expect(spam / emails.length).toBeGreaterThan(0.25);
    expect(spam / emails.length).toBeLessThan(0.4);
    const html = emails.filter((e) => e.slice === 'html').length;
    expect(html / emails.length).toBeGreaterThan(0.1);
  });
});
