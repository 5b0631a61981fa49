// API errors: every failure the API server reports is one of these, turned into a
// Kubernetes `Status` object with the matching HTTP code and reason.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }

  toStatus(): StatusObject {
    const s: StatusObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** What an error message calls an object: `pods "web"`, `deployments.apps "web"`. */
export function qualifiedResource(group: string, plural: string): string {
  return group === '' ? plural : `${plural}.${group}`;
}

export const errors = {
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (message: string) => new ApiError(403, 'Forbidden', message),
  notFound: (group: string, plural: string, name: string) =>
    new ApiError(404, 'NotFound', `${qualifiedResource(group, plural)} "${name}" not found`, { name, group: group || undefined, kind: plural }),
  notFoundPath: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
  methodNotAllowed: (message: string) => new ApiError(405, 'MethodNotAllowed', message),
  notAcceptable: (message: string) => new ApiError(406, 'NotAcceptable', message),
  alreadyExists: (group: string, plural: string, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualifiedResource(group, plural)} "${name}" already exists`, { name, group: group || undefined, kind: plural }),
  conflict: (group: string, plural: string, name: string, why: string) =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(group, plural)} "${name}": ${why}`, { name, group: group || undefined, kind: plural }),
  resourceExpired: (message: string) => new ApiError(410, 'Expired', message),
  tooLarge: (message: string) => new ApiError(413, 'RequestEntityTooLarge', message),
  unsupportedMediaType: (contentType: string) => new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${JSON.stringify(contentType)})`),
  invalid: (group: string, kind: string, name: string, message: string, causes: StatusCause[]) =>
    new ApiError(422, 'Invalid', message, { name, group: group || undefined, kind, causes }),
  tooManyRequests: (message: string) => new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds: 1 }),
  internal: (message: string, cause?: unknown) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }, { cause }),
  timeout: (message: string) => new ApiError(504, 'Timeout', message),
};
