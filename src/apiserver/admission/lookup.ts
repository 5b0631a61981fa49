// How admission plugins read other objects: through the API server's own store, by
// resource, so they stay free of storage details and easy to fake in tests.

import { apiVersionOf, type ResourceRegistry, type ResourceType } from '../../api/resources.js';
import type { KObject } from '../kobject.js';
import type { ObjectStore } from '../registry/object-store.js';

export interface AdmissionLookup {
  /** One object of a built-in resource ('priorityclasses', 'serviceaccounts', ...) of the given group. */
  get(group: string, resource: string, namespace: string | undefined, name: string): Promise<KObject | undefined>;
  list(group: string, resource: string, namespace: string | undefined): Promise<KObject[]>;
}

/** The lookup over the API server's own store (a function, since the store is built with the plugins). */
export function storeLookup(registry: ResourceRegistry, objects: () => ObjectStore): AdmissionLookup {
  const types = new Map<string, ResourceType>();
  const typeOf = (group: string, resource: string): ResourceType => {
    const key = `${group}/${resource}`;
    let r = types.get(key);
    if (!r) {
      r = registry.all.find((t) => t.group === group && t.plural === resource && t.storageApiVersion === apiVersionOf(t));
      if (!r) throw new UnknownLookupResourceError(group, resource);
      types.set(key, r);
    }
    return r;
  };
  return {
    async get(group, resource, namespace, name) {
      return (await objects().find(typeOf(group, resource), namespace, name))?.obj;
    },
    async list(group, resource, namespace) {
      return (await objects().list(typeOf(group, resource), namespace)).items.map((e) => e.obj);
    },
  };
}


export class UnknownLookupResourceError extends Error {
  constructor(readonly group: string, readonly resource: string) {
    super(`admission asked for unknown resource ${group}/${resource}`);
    this.name = 'UnknownLookupResourceError';
  }
}
