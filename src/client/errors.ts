// Errors the client throws. Every failure the API server reports carries a Status body;
// callers branch on `code` and `reason` (NotFound, AlreadyExists, Conflict, Expired...),
// never on message text.

import type { Status } from './types.js';

export class ApiStatusError extends Error {
  override name = 'ApiStatusError';
  readonly code: number;
  readonly reason: string;
  readonly status: Status;

  constructor(status: Status, fallbackCode: number) {
    super(status.message ?? `request failed with HTTP ${fallbackCode}`);
    this.code = status.code ?? fallbackCode;
    this.reason = status.reason ?? '';
    this.status = status;
  }
}

/** An ERROR event inside a watch stream (410 Expired when the resourceVersion is too old). */
export class WatchStatusError extends ApiStatusError {
  override name = 'WatchStatusError';
}

/** The server could not be reached, or the connection broke mid-response. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A response body that is not the JSON it should be. */
export class DecodeError extends Error {
  override name = 'DecodeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiStatusError && err.code === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiStatusError && err.code === 409 && err.reason === 'AlreadyExists';
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiStatusError && err.code === 409 && err.reason !== 'AlreadyExists';
}

/** 410 Gone: the resourceVersion asked for has been compacted away; relist. */
export function isGone(err: unknown): boolean {
  return err instanceof ApiStatusError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone');
}
