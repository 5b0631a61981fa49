// The storageVersionHash of discovery: an opaque value that changes when the version a
// resource is stored in changes, so that storage migrators notice. Kubernetes takes the
// first 8 bytes of sha256("<group>/<version>/<kind>") of the storage version, base64.

import { createHash } from 'node:crypto';
import type { ResourceType } from '../../api/resources.js';

export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

export function storageVersionHashOf(r: ResourceType): string {
  const storageGroup = r.storageResource.includes('/') ? r.storageResource.split('/')[0] : '';
  return storageVersionHash(storageGroup, r.storageVersion, r.kind);
}

/** Kinds that are created to ask a question and never stored carry no hash. */
export function isStored(r: ResourceType): boolean {
  const verbs = (r as { verbs?: string[] }).verbs;
  return verbs === undefined || verbs.some((v) => v !== 'create');
}
