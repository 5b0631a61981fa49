// Recognising API errors the workload controllers treat specially.

import { ApiStatusError } from '../../client/errors.js';

/** 403 because the namespace is being deleted: every creation in it will fail. */
export function isNamespaceTerminating(err: unknown): boolean {
  if (!(err instanceof ApiStatusError) || err.code !== 403) return false;
  return (err.status.details?.causes ?? []).some((c) => c.type === 'NamespaceTerminating') || /because it is being terminated/.test(err.message);
}
