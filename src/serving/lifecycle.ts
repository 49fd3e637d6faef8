/** Where a model server is in its life; only `ready` answers 200 on the readiness endpoints. */
export type ServerState =
  /** Listening, the model is loaded, warm-up inferences are running. */
  | 'warming'
  /** Warmed up; the only state in which a load balancer should send traffic. */
  | 'ready'
  /** Warm-up failed: the model loads but cannot infer; the process is about to exit. */
  | 'failed'
  /** Shutting down: in-flight requests finish, new work should go elsewhere. */
  | 'draining';

/** Mutable holder of the server state, shared by the request handler and the server. */
export interface Lifecycle {
  state: ServerState;
}

export function isReady(lifecycle: Lifecycle): boolean {
  return lifecycle.state === 'ready';
}
