import type { Color } from '../spec/types.js';
import type { AdminAnswer, AdminRequest } from './admin-routes.js';
import type { SwitchState } from './switch-state.js';

/** The target of a well-formed switch or rollback request, or undefined for anything else. */
function switchTarget(state: SwitchState, req: AdminRequest): Color | undefined {
  if (req.method !== 'POST') return undefined;
  if (req.url === '/rollback') return state.previous;
  if (req.url !== '/switch') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(req.body);
  } catch {
    return undefined;
  }
  const t = typeof body === 'object' && body !== null ? (body as { to?: unknown }).to : undefined;
  return t === 'blue' || t === 'green' ? t : undefined;
}

/**
 * The admin thread's fast path: an authorized `POST /switch` or `POST /rollback` to a color the
 * data plane has published as servable, committed straight into the shared switch state.
 * Undefined for anything else (the main thread answers it, probing health or refusing as needed).
 */
export function fastSwitch(
  state: SwitchState,
  authorized: (authorization: string | undefined) => boolean,
  req: AdminRequest,
): AdminAnswer | undefined {
  const to = switchTarget(state, req);
  if (to === undefined || !authorized(req.authorization) || !state.servable(to)) return undefined;
  const result = state.commit(to, Date.now(), req.url === '/rollback');
  return { status: 200, contentType: 'application/json', body: JSON.stringify(result) };
}
