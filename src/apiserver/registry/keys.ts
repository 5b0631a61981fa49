// Where objects live in the datastore: /registry/<storageResource>/[<namespace>/]<name>.

import type { ResourceType } from '../../api/resources.js';

export const registryPrefix = '/registry/';

export function objectKey(r: ResourceType, namespace: string | undefined, name: string): string {
  return r.namespaced ? `${registryPrefix}${r.storageResource}/${namespace}/${name}` : `${registryPrefix}${r.storageResource}/${name}`;
}

/** The prefix of every object of r, or of those in one namespace. */
export function listPrefix(r: ResourceType, namespace?: string): string {
  return namespace && r.namespaced ? `${registryPrefix}${r.storageResource}/${namespace}/` : `${registryPrefix}${r.storageResource}/`;
}

/** A function telling which storage resource a key belongs to, for the watch cache. */
export function storageResourceOf(resources: ResourceType[]): (key: string) => string | undefined {
  const known = new Set(resources.map((r) => r.storageResource));
  return (key) => {
    if (!key.startsWith(registryPrefix)) return undefined;
    const parts = key.slice(registryPrefix.length).split('/');
    const two = `${parts[0]}/${parts[1]}`;
    if (parts.length >= 3 && known.has(two)) return two;
    return known.has(parts[0]) ? parts[0] : undefined;
  };
}
