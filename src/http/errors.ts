import { GreenlightError } from '../errors.js';

/**
 * Why a message could not be read, with the status a server answers (a proxy answers an
 * upstream's unreadable response with 502 whatever the code):
 * - `GL_HTTP_BAD_HEAD` 400: a malformed or ambiguous head (RFC 9112 §2–§6);
 * - `GL_HTTP_UNSUPPORTED_CODING` 501: a transfer coding other than chunked (RFC 9112 §6.1);
 * - `GL_HTTP_UNKNOWN_METHOD` 501: a method Node's parser does not know (RFC 9110 §9.1);
 * - `GL_HTTP_BAD_CHUNKING` 400: malformed chunked framing (RFC 9112 §7.1);
 * - `GL_HTTP_BODY_TOO_LARGE` 413: a chunk declared past the body limit;
 * - `GL_HTTP_HEAD_TOO_LARGE` 431: a head longer than the reader's limit.
 */
const STATUS = {
  GL_HTTP_BAD_HEAD: 400,
  GL_HTTP_UNSUPPORTED_CODING: 501,
  GL_HTTP_UNKNOWN_METHOD: 501,
  GL_HTTP_BAD_CHUNKING: 400,
  GL_HTTP_BODY_TOO_LARGE: 413,
  GL_HTTP_HEAD_TOO_LARGE: 431,
} as const;

export type HttpErrorCode = keyof typeof STATUS;

export class HttpError extends GreenlightError {
  override readonly code: HttpErrorCode;
  readonly status: number;

  constructor(code: HttpErrorCode, message: string) {
    super(code, message);
    this.code = code;
    this.status = STATUS[code];
  }
}

/** A head that cannot be read. */
export class HeadError extends HttpError {
  constructor(
    message: string,
    code:
      | 'GL_HTTP_BAD_HEAD'
      | 'GL_HTTP_UNSUPPORTED_CODING'
      | 'GL_HTTP_UNKNOWN_METHOD'
      | 'GL_HTTP_HEAD_TOO_LARGE' = 'GL_HTTP_BAD_HEAD',
  ) {
    super(code, message);
    this.name = 'HeadError';
  }
}

/** A body whose framing cannot be read, or that is declared too large. */
export class FramingError extends HttpError {
  constructor(
    message: string,
    code: 'GL_HTTP_BAD_CHUNKING' | 'GL_HTTP_BODY_TOO_LARGE' = 'GL_HTTP_BAD_CHUNKING',
  ) {
    super(code, message);
    this.name = 'FramingError';
  }
}
