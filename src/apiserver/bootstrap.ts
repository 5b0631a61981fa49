// Objects every cluster starts with, made by the API server itself on start-up (as
// kube-apiserver's post-start hooks do): the system namespaces, and the `kubernetes`
// Service in `default` with endpoints naming this server.

import type { ResourceRegistry, ResourceType } from '../api/resources.js';
import { ApiError } from './errors.js';
import type { KObject } from './kobject.js';
import type { ObjectStore } from './registry/object-store.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The first address of the service CIDR belongs to the `kubernetes` Service. */
export const kubernetesServiceIP = '10.43.0.1';

async function createIfMissing(objects: ObjectStore, r: ResourceType, namespace: string | undefined, obj: KObject): Promise<void> {
  try {
    await objects.create(r, namespace, obj);
  } catch (err) {
    if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
  }
}

export async function ensureSystemNamespaces(registry: ResourceRegistry, objects: ObjectStore): Promise<void> {
  const ns = registry.lookup('', 'v1', 'namespaces')!;
  for (const name of systemNamespaces) await createIfMissing(objects, ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** The `kubernetes` Service and its endpoints: how pods find the API server. */
export async function ensureKubernetesService(registry: ResourceRegistry, objects: ObjectStore, advertise: { ip: string; port: number }): Promise<void> {
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  await createIfMissing(objects, registry.lookup('', 'v1', 'services')!, 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: {
      type: 'ClusterIP',
      clusterIP: kubernetesServiceIP,
      clusterIPs: [kubernetesServiceIP],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: advertise.port }],
      sessionAffinity: 'None',
    },
  });
  const endpoints = registry.lookup('', 'v1', 'endpoints')!;
  const subsets = [{ addresses: [{ ip: advertise.ip }], ports: [{ name: 'https', port: advertise.port, protocol: 'TCP' }] }];
  await objects.update(endpoints, 'default', 'kubernetes', (current) => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { ...(current?.metadata ?? {}), name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets,
  }), { allowCreate: true });
  const slices = registry.lookup('discovery.k8s.io', 'v1', 'endpointslices')!;
  await objects.update(slices, 'default', 'kubernetes', (current) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { ...(current?.metadata ?? {}), name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [advertise.ip], conditions: { ready: true } }],
    ports: [{ name: 'https', port: advertise.port, protocol: 'TCP' }],
  }), { allowCreate: true });
}
