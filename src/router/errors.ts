import { GreenlightError } from '../errors.js';

/**
 * Stable error codes of the router. The data plane answers failures with
 * `{"error": message, "code": CODE}` and the status below; the admin API uses the same shape.
 */
export const ROUTER_ERRORS = {
  GL_ROUTER_BAD_REQUEST: 400,
  GL_ROUTER_UNAUTHORIZED: 401,
  GL_ROUTER_NOT_FOUND: 404,
  GL_ROUTER_TIMEOUT: 408,
  GL_ROUTER_UNHEALTHY_TARGET: 409,
  GL_ROUTER_BODY_TOO_LARGE: 413,
  GL_ROUTER_HEADERS_TOO_LARGE: 431,
  GL_ROUTER_INTERNAL: 500,
  GL_ROUTER_NOT_IMPLEMENTED: 501,
  GL_ROUTER_UPSTREAM_UNAVAILABLE: 502,
  GL_ROUTER_UPSTREAM_BAD_RESPONSE: 502,
  GL_ROUTER_NO_BACKENDS: 503,
  GL_ROUTER_UPSTREAM_TIMEOUT: 504,
} as const;

export type RouterErrorCode = keyof typeof ROUTER_ERRORS;

/** A router failure with a stable code and the HTTP status it maps to. */
export class RouterError extends GreenlightError {
  override readonly code: RouterErrorCode;
  readonly status: number;

  constructor(code: RouterErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.code = code;
    this.status = ROUTER_ERRORS[code];
    this.name = 'RouterError';
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A complete HTTP/1.1 error response written by the data plane itself (never by an upstream). */
export function errorResponse(code: RouterErrorCode, message: string, close: boolean): Buffer {
  const status = ROUTER_ERRORS[code];
  const body = JSON.stringify({ error: message, code });
  return Buffer.from(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n${close ? 'connection: close\r\n' : ''}\r\n${body}`,
    // utf8, as Content-Length counts: a message with a non-latin1 character must not hang the client
    'utf8',
  );
}
