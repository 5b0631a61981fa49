// Fixtures shared by the endpoints and endpointslice controller tests.

import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { silentLogger } from '../../client/log.js';
import type { PodObj, ServiceObj } from './types.js';

export const endpointResources = [
  ...coreResources,
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
];

export async function fakeCluster(
  t: { after(fn: () => Promise<void> | void): void },
  start: (o: { client: RestClient; log: typeof silentLogger }) => { stop(): Promise<void> },
): Promise<FakeApiServer> {
  const fake = new FakeApiServer(endpointResources);
  const client = new RestClient({ server: await fake.start() });
  const c = start({ client, log: silentLogger });
  t.after(async () => {
    await c.stop();
    client.close();
    await fake.stop();
  });
  return fake;
}

export interface PodOpts {
  ip?: string;
  ready?: boolean;
  labels?: Record<string, string>;
  terminating?: boolean;
  ports?: { name: string; containerPort: number }[];
  node?: string;
  hostname?: string;
  subdomain?: string;
}

export function pod(name: string, o: PodOpts = {}): PodObj {
  return {
    metadata: { namespace: 'ns', name, uid: `uid-${name}`, labels: o.labels ?? { app: 'web' }, ...(o.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: o.node ?? 'n1', hostname: o.hostname, subdomain: o.subdomain, containers: [{ name: 'c', ports: o.ports ?? [] }] },
    status: { phase: 'Running', podIP: o.ip, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

export function service(name: string, spec: ServiceObj['spec'] = {}): ServiceObj {
  return { metadata: { namespace: 'ns', name, uid: `svc-uid-${name}`, labels: { tier: 'front' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec } };
}
