/** One cause in a Status's details, as the API server reports field errors. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The parts of a `kind: Status` error body (meta/v1 Status) that clients read. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/**
 * An API error the emulated server answers with: HTTP `code` and a `kind: Status` body carrying the
 * same `reason` strings as kube-apiserver (apimachinery `StatusReason`), because clients branch on
 * them (`IsConflict`, `IsNotFound`, `IsGone`, client-node's `ApiException.code`).
 */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusDetails;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The meta/v1 Status object for the response body (and for a watch's ERROR event). */
  status(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details && { details: this.details }),
      code: this.code,
    };
  }
}

/** What a resource is called in messages: `deployments.apps "x"`, `pods "x"` (kube-apiserver's wording). */
export function qualified(group: string, plural: string): string {
  return group === '' ? plural : `${plural}.${group}`;
}

export const notFound = (group: string, plural: string, name: string): ApiError =>
  new ApiError(404, 'NotFound', `${qualified(group, plural)} "${name}" not found`, {
    name,
    group,
    kind: plural,
  });

export const alreadyExists = (group: string, plural: string, name: string): ApiError =>
  new ApiError(409, 'AlreadyExists', `${qualified(group, plural)} "${name}" already exists`, {
    name,
    group,
    kind: plural,
  });

export const conflict = (group: string, plural: string, name: string, why: string): ApiError =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(group, plural)} "${name}": ${why}`,
    {
      name,
      group,
      kind: plural,
    },
  );

export const staleResourceVersion = (group: string, plural: string, name: string): ApiError =>
  conflict(
    group,
    plural,
    name,
    'the object has been modified; please apply your changes to the latest version and try again',
  );

/** 422 Invalid with one cause per field, like apiserver's field.ErrorList. */
export const invalid = (kind: string, group: string, name: string, causes: StatusCause[]): ApiError =>
  new ApiError(
    422,
    'Invalid',
    `${kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
    { name, group, kind, causes },
  );

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

/** 410 Gone for a resourceVersion older than the kept history ("too old resource version"). */
export const gone = (requested: string, oldest: number): ApiError =>
  new ApiError(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
