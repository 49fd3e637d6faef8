import { GreenlightError } from '../errors.js';
import type { AuditRecord } from './types.js';

/** One audit record as a line of `greenlight audit export` (JSON lines, the record's own fields). */
export function toExportLine(r: AuditRecord): string {
  return JSON.stringify(r);
}

/**
 * Read one export line back. Fields are taken as they are, not validated further: an edited
 * value must reach the hash check and be reported there, as the record that does not verify.
 */
export function toAuditRecord(line: string, lineNo: number, file: string): AuditRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new GreenlightError('GL_AUDIT_EXPORT_INVALID', `${file} line ${lineNo} is not JSON`);
  }
  const r = value as Partial<AuditRecord> | null;
  if (!r || typeof r !== 'object' || typeof r.seq !== 'number' || typeof r.hash !== 'string') {
    throw new GreenlightError(
      'GL_AUDIT_EXPORT_INVALID',
      `${file} line ${lineNo} is not an audit record (seq, hash, …)`,
    );
  }
  return r as AuditRecord;
}
