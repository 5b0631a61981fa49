// NamespaceLifecycle admission, as kube-apiserver has it: objects can only be created in
// a namespace that exists and is not terminating, and the system namespaces cannot be
// deleted.

import { ApiError, errors } from '../errors.js';
import { isObject, type KObject } from '../kobject.js';
import type { AdmissionPlugin } from '../registry/hooks.js';

export const immortalNamespaces = ['default', 'kube-system', 'kube-public'];

/** lookup reads a namespace from the datastore (not a cache), so a namespace created a moment ago is seen. */
export function namespaceLifecycle(lookup: (name: string) => Promise<KObject | undefined>): AdmissionPlugin {
  return async (req) => {
    const r = req.resource;
    if (r.group === '' && r.kind === 'Namespace') {
      if (req.operation === 'DELETE' && immortalNamespaces.includes(req.name)) {
        throw errors.forbidden(`namespaces "${req.name}" is forbidden: this namespace may not be deleted`);
      }
      return;
    }
    if (req.operation !== 'CREATE' || !r.namespaced || req.namespace === undefined) return;
    const ns = await lookup(req.namespace);
    if (!ns) throw errors.notFound('', 'namespaces', req.namespace);
    const phase = isObject(ns.status) ? ns.status.phase : undefined;
    if (phase === 'Terminating' || ns.metadata.deletionTimestamp) {
      // Events about the namespace's own teardown are still allowed, as in Kubernetes.
      if (r.kind === 'Event') return;
      throw new ApiError(403, 'Forbidden', `${r.plural} "${req.name}" is forbidden: unable to create new content in namespace ${req.namespace} because it is being terminated`, {
        name: req.name, kind: r.plural, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${req.namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  };
}
