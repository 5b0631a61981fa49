// How admission plugins read other objects: through the API server's own store, by
// resource, so they stay free of storage details and easy to fake in tests.

import { apiVersionOf, type ResourceRegistry } from '../../api/resources.js';
import { ApiError } from '../errors.js';
import type { KObject } from '../kobject.js';
import type { ObjectStore } from '../registry/object-store.js';

export interface AdmissionLookup {
  /** One object of a built-in resource ('priorityclasses', 'serviceaccounts', ...) of the given group. */
  get(group: string, resource: string, namespace: string | undefined, name: string): Promise<KObject | undefined>;
  list(group: string, resource: string, namespace: string | undefined): Promise<KObject[]>;
}

/** The lookup over the API server's own store (a function, since the store is built with the plugins). */
export function storeLookup(registry: ResourceRegistry, objects: () => ObjectStore): AdmissionLookup {
  const typeOf = (group: string, resource: string) => {
    const r = registry.all.find((t) => t.group === group && t.plural === resource && t.storageApiVersion === apiVersionOf(t));
    if (!r) throw new Error(`admission asked for unknown resource ${group}/${resource}`);
    return r;
  };
  return {
    async get(group, resource, namespace, name) {
      try {
        return (await objects().get(typeOf(group, resource), namespace, name)).obj;
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return undefined;
        throw err;
      }
    },
    async list(group, resource, namespace) {
      return (await objects().list(typeOf(group, resource), namespace)).items.map((e) => e.obj);
    },
  };
}

