/**
 * One request as the model server's handler sees it: the head already parsed and the body already
 * read (bodies are small JSON documents; streaming them would cost more than it saves).
 */
export interface HttpRequest {
  readonly method: string;
  /** The request target as sent: path and optional query. */
  readonly target: string;
  /**
   * The whole body (empty when there is none), or undefined when it was larger than the body
   * limit: its bytes are discarded, and the handler should answer 413.
   */
  readonly body: Buffer | undefined;
  /**
   * Answer, once (later calls are ignored). `extraFields` are field lines of this response, each
   * ending in CRLF (`allow: GET\r\n`). Responses leave in request order, even when pipelined.
   */
  respond(status: number, contentType: string, body: string, extraFields?: string): void;
}

/** Called once per request, as soon as its body has been read (or found too large). */
export type HttpHandler = (req: HttpRequest) => void;
