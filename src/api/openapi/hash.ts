// The hash in the v3 root's serverRelativeURL and the ETag of every OpenAPI document:
// kube-openapi uses the upper-case hex SHA-512 of the serialized document, so a client
// that caches by URL refetches exactly when the content changes.

import { createHash } from 'node:crypto';

export function documentHash(serialized: string | Uint8Array): string {
  return createHash('sha512').update(serialized).digest('hex').toUpperCase();
}
