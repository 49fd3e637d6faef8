import { existsSync, readFileSync } from 'node:fs';
import { type FieldProblem, GreenlightError } from '../errors.js';
import { resolveDataDir } from '../store/data-dir.js';

/** An API call that the control plane answered with an error. */
export class ApiCallError extends GreenlightError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly problems?: FieldProblem[],
  ) {
    super(code, problems?.length ? `${message}:\n${problems.map(formatProblem).join('\n')}` : message);
    this.name = 'ApiCallError';
  }
}

function formatProblem(p: FieldProblem): string {
  return `  ${p.path}: expected ${p.expected}, found ${p.found}`;
}

export interface ClientOptions {
  /** Control plane URL; default GREENLIGHT_URL, else http://127.0.0.1:7070. */
  url?: string;
  /** Admin token; default GREENLIGHT_ADMIN_TOKEN, else `<data-dir>/admin-token`. */
  token?: string;
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** The control-plane API as the CLI uses it: JSON in, JSON out, errors typed. */
export interface ControlPlaneClient {
  readonly url: string;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

/** Build a client from flags and the environment (GREENLIGHT_URL, GREENLIGHT_ADMIN_TOKEN, the data dir's token). */
export function createClient(opts: ClientOptions = {}): ControlPlaneClient {
  const env = opts.env ?? process.env;
  const url = (opts.url ?? env.GREENLIGHT_URL ?? 'http://127.0.0.1:7070').replace(/\/+$/, '');
  let token = opts.token ?? env.GREENLIGHT_ADMIN_TOKEN;

  function adminToken(): string | undefined {
    if (token) return token;
    const file = `${resolveDataDir(opts.dataDir, env)}/admin-token`;
    if (existsSync(file)) token = readFileSync(file, 'utf8').trim();
    return token;
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') {
      headers['content-type'] = 'application/json';
      const t = adminToken();
      if (t) headers.authorization = `Bearer ${t}`;
    }
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new GreenlightError(
        'GL_CONTROL_PLANE_UNREACHABLE',
        `cannot reach the control plane at ${url} (is \`greenlight up\` running? set GREENLIGHT_URL)`,
        { cause: err },
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = { error: { code: 'GL_BAD_RESPONSE', message: text.slice(0, 200) } };
    }
    if (!res.ok) {
      const e =
        (parsed as { error?: { code?: string; message?: string; problems?: FieldProblem[] } }).error ?? {};
      throw new ApiCallError(
        res.status,
        e.code ?? `HTTP_${res.status}`,
        e.message ?? `HTTP ${res.status}`,
        e.problems,
      );
    }
    return parsed as T;
  }

  return {
    url,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
  };
}
