// The node's plain-text error answers, as the API server reports them: Status objects.

import { STATUS_CODES } from 'node:http';
import { ApiError, errors } from '../errors.js';

/** A non-2xx answer of the node as the API server reports it. */
export function nodeErrorToApiError(code: number, body: string): ApiError {
  const message = body.trim() || (STATUS_CODES[code] ?? 'error');
  if (code === 400) return errors.badRequest(message);
  if (code === 404) return new ApiError(404, 'NotFound', message);
  if (code === 401 || code === 403) return errors.internal(`the node refused the API server (${code}): ${message}`);
  if (code === 501) return new ApiError(501, 'NotImplemented', message);
  return errors.internal(message);
}
