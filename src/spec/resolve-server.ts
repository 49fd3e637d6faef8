import { protocolDefaults } from './server.js';
import type { ServerSpec } from './types.js';

/** A `server` section as written: every key optional. */
export type WrittenServer = Partial<ServerSpec>;

/**
 * One slot's server section: each key from the slot's `server`, else the spec's `server`, else the
 * protocol's defaults. Keys are taken whole (a slot that writes `readiness` replaces the probe, it
 * does not patch one field of it): a half-inherited probe is one nobody wrote.
 */
export function resolveServer(slot: WrittenServer | undefined, spec: WrittenServer | undefined): ServerSpec {
  const protocol = slot?.protocol ?? spec?.protocol ?? 'greenlight';
  const modelName = slot?.modelName ?? spec?.modelName ?? 'model';
  const base = protocolDefaults(protocol, modelName);
  const request = slot?.request ?? spec?.request ?? base.request;
  const response = slot?.response ?? spec?.response ?? base.response;
  return {
    protocol,
    modelName,
    health: slot?.health ?? spec?.health ?? base.health,
    readiness: slot?.readiness ?? spec?.readiness ?? base.readiness,
    ...(request ? { request } : {}),
    ...(response ? { response } : {}),
  };
}

/** Which section a resolved key came from, so an error names the field the user should edit. */
export function writtenAt(
  key: keyof ServerSpec,
  color: 'blue' | 'green',
  slot: WrittenServer | undefined,
): (string | number)[] {
  return slot?.[key] !== undefined ? ['spec', color, 'server', key] : ['spec', 'server', key];
}
