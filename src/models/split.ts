import type { Email } from './corpus.js';

/**
 * The held-out set is fixed by each e-mail's published MD5, not by a shuffle: adding a model or
 * changing a seed can never move an e-mail between training and evaluation. One in five is held out.
 */
export function isHeldOut(email: Email): boolean {
  return checksumBucket(email, '', 5) === 0;
}

/** A stable bucket in [0, n) from an e-mail's checksum and a salt (deterministic sub-sampling). */
export function checksumBucket(email: Email, salt: string, n: number): number {
  const key = salt + email.checksum;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % n;
}

/** Split the corpus into the training pool and the held-out set, keeping corpus order. */
export function splitCorpus(emails: Email[]): { pool: Email[]; heldOut: Email[] } {
  const pool: Email[] = [];
  const heldOut: Email[] = [];
  for (const e of emails) (isHeldOut(e) ? heldOut : pool).push(e);
  return { pool, heldOut };
}
