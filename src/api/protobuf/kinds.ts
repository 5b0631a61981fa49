// Which table message a (apiVersion, kind) pair names. Kinds live in their group's
// package; the meta/v1 option kinds (DeleteOptions, ...) are accepted in every group
// version, as Kubernetes registers them in every one.
import { ProtobufDecodeError } from './errors.js';
import type { Schema } from './table.js';

const packageOfGroup: Record<string, string> = {
  '': 'core',
  apps: 'apps',
  batch: 'batch',
  autoscaling: 'autoscaling',
  'coordination.k8s.io': 'coordination',
  'discovery.k8s.io': 'discovery',
  'events.k8s.io': 'events',
  'rbac.authorization.k8s.io': 'rbac',
  'scheduling.k8s.io': 'scheduling',
  'storage.k8s.io': 'storage',
  'networking.k8s.io': 'networking',
  'authentication.k8s.io': 'authentication',
  'authorization.k8s.io': 'authorization',
  policy: 'policy',
  'certificates.k8s.io': 'certificates',
  'node.k8s.io': 'node',
  'admissionregistration.k8s.io': 'admissionregistration',
  'flowcontrol.apiserver.k8s.io': 'flowcontrol',
  'meta.k8s.io': 'meta',
};

const metaKinds = new Set(['DeleteOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions', 'GetOptions', 'ListOptions', 'Status', 'WatchEvent']);

/** Qualified table name, e.g. ('apps/v1', 'Deployment') -> 'apps/v1.Deployment'. */
export function messageForKind(schema: Schema, apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  const pkg = packageOfGroup[group];
  if (pkg !== undefined && pkg !== 'meta' && kind !== '') {
    const name = `${pkg}/${version}.${kind}`;
    // Only top-level kinds, not nested types such as PodSpec: those carry metadata.
    if (schema.has(name) && schema.message(name).fields.some((f) => f.json === 'metadata')) return name;
  }
  if (metaKinds.has(kind) && version !== undefined && version !== '') return `meta/v1.${kind}`;
  throw new ProtobufDecodeError('unknown-kind', `no protobuf decoding for kind ${JSON.stringify(kind)} in ${JSON.stringify(apiVersion)}`);
}
