import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { startServiceLBController } from './controller.js';

const resources = [
  ...coreResources,
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
];
const log = { info: () => {}, warn: () => {}, error: () => {} };

type Ingress = { ip?: string }[] | undefined;

function nodeObj(name: string, ip: string, ready = true, unschedulable = false) {
  return {
    metadata: { name },
    spec: { unschedulable },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] },
  };
}

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  const events: string[] = [];
  const c = startServiceLBController({ client, log, events: { event: async (o, type, reason, message) => { events.push(`${o.metadata.name} ${type} ${reason}: ${message}`); } } });
  t.after(async () => {
    await c.stop();
    client.close();
    await fake.stop();
  });
  const ingress = (name: string): string[] | undefined => {
    const s = fake.getObject('services', 'default', name) as { status?: { loadBalancer?: { ingress?: Ingress } } } | undefined;
    return s?.status?.loadBalancer?.ingress?.map((i) => i.ip ?? '');
  };
  return { fake, events, ingress };
}

test('a LoadBalancer service gets the ready nodes\' InternalIPs and follows node changes', async (t) => {
  const { fake, events, ingress } = await setup(t);
  fake.put('nodes', nodeObj('n1', '192.168.5.1'));
  fake.put('nodes', nodeObj('n2', '192.168.5.2', false));
  fake.put('services', { metadata: { namespace: 'default', name: 'web' }, spec: { type: 'LoadBalancer', clusterIP: '10.43.0.50', ports: [{ port: 80, nodePort: 30080 }] } });
  await until(() => ingress('web')?.join() === '192.168.5.1', 'ingress n1');
  fake.put('nodes', nodeObj('n2', '192.168.5.2', true));
  await until(() => ingress('web')?.join() === '192.168.5.1,192.168.5.2', 'ingress n1,n2');
  fake.put('nodes', nodeObj('n1', '192.168.5.1', true, true)); // cordoned
  await until(() => ingress('web')?.join() === '192.168.5.2', 'cordoned n1 leaves');
  fake.remove('nodes', undefined, 'n2');
  await until(() => ingress('web')?.length === 0 || ingress('web') === undefined, 'no nodes left');
  await until(() => events.some((e) => /UnAvailableLoadBalancer/.test(e)), 'warning event');
  assert.ok(events.some((e) => e === 'web Normal UpdatedLoadBalancer: Updated LoadBalancer with new IPs: [192.168.5.1] -> [192.168.5.1 192.168.5.2]'), events.join('\n'));
});

test('services with a loadBalancerClass are left alone; one that stops being a LoadBalancer is cleared', async (t) => {
  const { fake, ingress } = await setup(t);
  fake.put('nodes', nodeObj('n1', '192.168.5.1'));
  fake.put('services', { metadata: { namespace: 'default', name: 'other' }, spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb', ports: [{ port: 80 }] }, status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } } });
  fake.put('services', { metadata: { namespace: 'default', name: 'web' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
  fake.put('services', { metadata: { namespace: 'default', name: 'plain' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } });
  await until(() => ingress('web')?.join() === '192.168.5.1', 'web ingress');
  assert.deepEqual(ingress('other'), ['203.0.113.9'], 'another implementation\'s status stays');
  assert.equal(ingress('plain'), undefined);
  const web = fake.getObject('services', 'default', 'web')!;
  fake.put('services', { ...web, spec: { ...(web.spec as object), type: 'ClusterIP' } });
  await until(() => ingress('web') === undefined, 'ingress cleared');
});

test('externalTrafficPolicy Local follows the nodes of ready endpoints', async (t) => {
  const { fake, ingress } = await setup(t);
  fake.put('nodes', nodeObj('n1', '192.168.5.1'));
  fake.put('nodes', nodeObj('n2', '192.168.5.2'));
  fake.put('services', { metadata: { namespace: 'default', name: 'web' }, spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] } });
  const slice = (node: string, ready: boolean) => ({
    metadata: { namespace: 'default', name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4', endpoints: [{ addresses: ['10.42.0.9'], conditions: { ready }, nodeName: node, targetRef: { kind: 'Pod', name: 'p' } }],
  });
  fake.put('endpointslices', slice('n2', true));
  await until(() => ingress('web')?.join() === '192.168.5.2', 'only n2');
  fake.put('endpointslices', slice('n2', false));
  await until(() => (ingress('web') ?? []).length === 0, 'none ready');
});
