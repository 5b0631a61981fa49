// Objects every cluster starts with, made by the API server itself on start-up (as
// kube-apiserver's post-start hooks do): the system namespaces.

import type { ResourceRegistry } from '../api/resources.js';
import { ApiError } from './errors.js';
import type { ObjectStore } from './registry/object-store.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function ensureSystemNamespaces(registry: ResourceRegistry, objects: ObjectStore): Promise<void> {
  const ns = registry.lookup('', 'v1', 'namespaces')!;
  for (const name of systemNamespaces) {
    try {
      await objects.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
    }
  }
}
