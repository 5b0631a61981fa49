// A RestClient bound to one resource, so controllers write `pods.get(ns, name)` instead of
// assembling paths. Namespace is '' (or omitted) for cluster-scoped resources and for
// collections across all namespaces.

import type { PatchType, RestClient } from './rest-client.js';
import { resourcePath, type Query, type ResourceRef } from './resource-path.js';
import type { DeleteOptions, KList, KObject, Status, WatchEvent } from './types.js';

export type ResourceType = Pick<ResourceRef, 'group' | 'version' | 'resource'>;

export class ResourceClient<T extends KObject = KObject> {
  constructor(
    readonly client: RestClient,
    readonly type: ResourceType,
  ) {}

  path(namespace?: string, name?: string, subresource?: string): string {
    return resourcePath({ ...this.type, namespace: namespace || undefined, name, subresource });
  }

  get(namespace: string, name: string, query?: Query): Promise<T> {
    return this.client.get<T>(this.path(namespace, name), query);
  }

  list(namespace?: string, query?: Query): Promise<KList<T>> {
    return this.client.list<T>(this.path(namespace), query);
  }

  create(obj: T, query?: Query): Promise<T> {
    return this.client.create<T>(this.path(obj.metadata.namespace), obj, query);
  }

  /** PUT of the whole object; its metadata.resourceVersion makes the write conditional. */
  update(obj: T, query?: Query): Promise<T> {
    return this.client.update<T>(this.path(obj.metadata.namespace, obj.metadata.name), obj, query);
  }

  updateStatus(obj: T): Promise<T> {
    return this.client.update<T>(this.path(obj.metadata.namespace, obj.metadata.name, 'status'), obj);
  }

  patch(namespace: string, name: string, patch: unknown, patchType: PatchType = 'merge', subresource?: string): Promise<T> {
    return this.client.patch<T>(this.path(namespace, name, subresource), patch, patchType);
  }

  delete(namespace: string, name: string, options?: DeleteOptions): Promise<T | Status> {
    return this.client.delete<T | Status>(this.path(namespace, name), options);
  }

  deleteCollection(namespace: string, query?: Query, options?: DeleteOptions): Promise<KList<T>> {
    return this.client.delete<KList<T>>(this.path(namespace), options, query);
  }

  watch(namespace: string | undefined, query: Query, onEvent: (ev: WatchEvent<T>) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    return this.client.watch<T>(this.path(namespace), query, onEvent, signal);
  }
}
