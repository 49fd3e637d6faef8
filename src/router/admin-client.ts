import { Agent, request } from 'undici';
import { GreenlightError } from '../errors.js';
import type { Color } from '../spec/types.js';
import { ROUTER_ERRORS, RouterError, type RouterErrorCode } from './errors.js';
import type { RouterControl, RouterState, ShadowConfig, ShadowPair, SwitchResult } from './types.js';

/**
 * RouterControl over the router's admin HTTP API: what the control plane uses when the router
 * runs in its own process. Errors the router reports come back as RouterError with the same code
 * (GL_ROUTER_UNHEALTHY_TARGET, …); an unreachable router is GL_ROUTER_UNREACHABLE.
 */
export class RouterAdminClient implements RouterControl {
  private readonly base: string;
  private readonly dispatcher: Agent;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.dispatcher = new Agent({ connections: 8, keepAliveTimeout: 30_000 });
  }

  state(): Promise<RouterState> {
    return this.call('GET', '/state');
  }

  switchTo(to: Color): Promise<SwitchResult> {
    return this.call('POST', '/switch', { to });
  }

  rollback(): Promise<SwitchResult> {
    return this.call('POST', '/rollback', {});
  }

  async setBackends(color: Color, urls: string[], healthPath?: string): Promise<void> {
    await this.call('PUT', '/backends', { color, urls, ...(healthPath !== undefined ? { healthPath } : {}) });
  }

  async setShadow(config: ShadowConfig): Promise<void> {
    await this.call('PUT', '/shadow', config);
  }

  async setWeights(weights: Record<Color, number> | null): Promise<void> {
    await this.call('POST', '/weights', weights);
  }

  shadowPairs(
    since: number,
    limit: number,
  ): Promise<{ pairs: ShadowPair[]; nextSeq: number; dropped: number }> {
    return this.call('GET', `/shadow/pairs?since=${since}&limit=${limit}`);
  }

  /** `deadlineMs`: a duration in ms, or an absolute epoch-ms deadline. */
  async waitIdle(color: Color, deadlineMs: number): Promise<boolean> {
    const timeout = Math.max(0, Math.round(deadlineMs > 1e12 ? deadlineMs - Date.now() : deadlineMs));
    const r = await this.call<{ idle: boolean }>('GET', `/drain?color=${color}&timeoutMs=${timeout}`);
    return r.idle;
  }

  /** The router's Prometheus exposition (no token needed). */
  async metrics(): Promise<string> {
    const res = await request(`${this.base}/metrics`, { dispatcher: this.dispatcher });
    return res.body.text();
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  private async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${this.base}${path}`, {
        method,
        dispatcher: this.dispatcher,
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new GreenlightError(
        'GL_ROUTER_UNREACHABLE',
        `router admin API at ${this.base}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    const text = await res.body.text();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: text };
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return data as T;
    const { error, code } = (data ?? {}) as { error?: string; code?: string };
    const message = `${method} ${path}: ${error ?? `HTTP ${res.statusCode}`}`;
    if (code && code in ROUTER_ERRORS) throw new RouterError(code as RouterErrorCode, message);
    throw new GreenlightError('GL_ROUTER_ADMIN', message);
  }
}
