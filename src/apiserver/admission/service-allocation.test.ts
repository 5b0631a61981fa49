import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceRegistry } from '../../api/resources.js';
import { ApiError } from '../errors.js';
import type { KObject } from '../kobject.js';
import type { AdmissionLookup } from './lookup.js';
import { serviceAllocation } from './service-allocation.js';

const services = new ResourceRegistry().lookup('', 'v1', 'services')!;

function setup(existing: KObject[] = []) {
  const lookup: AdmissionLookup = { get: async () => undefined, list: async () => existing };
  const plugin = serviceAllocation(lookup);
  const create = async (name: string, spec: Record<string, unknown>) => {
    const object: KObject = { metadata: { name, namespace: 'default' }, spec };
    await plugin({ operation: 'CREATE', resource: services, namespace: 'default', name, dryRun: false, object });
    return object.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  return { create };
}

test('cluster IPs come from the service CIDR, never twice, never the reserved ones', async () => {
  const { create } = setup();
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const spec = await create(`s${i}`, { ports: [{ port: 80 }] });
    assert.match(spec.clusterIP, /^10\.43\.\d+\.\d+$/);
    assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
    assert.notEqual(spec.clusterIP, '10.43.0.1');
    assert.notEqual(spec.clusterIP, '10.43.0.10');
    assert.ok(!seen.has(spec.clusterIP));
    seen.add(spec.clusterIP);
  }
});

test('requested IPs and node ports must be in range and free; headless and ExternalName get none', async () => {
  const taken: KObject = { metadata: { name: 'old', namespace: 'default' }, spec: { clusterIP: '10.43.5.5', ports: [{ port: 80, nodePort: 30080 }] } };
  const { create } = setup([taken]);
  await assert.rejects(create('a', { clusterIP: '10.43.5.5' }), (e: unknown) => e instanceof ApiError && e.code === 422 && /already allocated/.test(e.message));
  await assert.rejects(create('b', { clusterIP: '192.168.1.1' }), (e: unknown) => e instanceof ApiError && e.code === 422 && /not in the valid range/.test(e.message));
  assert.equal((await create('c', { clusterIP: '10.43.7.7' })).clusterIP, '10.43.7.7');
  assert.deepEqual((await create('d', { clusterIP: 'None' })).clusterIPs, ['None']);
  assert.equal((await create('e', { type: 'ExternalName', externalName: 'example.com' })).clusterIP, undefined);
  const np = await create('f', { type: 'NodePort', ports: [{ port: 80 }, { port: 443, nodePort: 30443 }] });
  assert.ok(np.ports[0].nodePort >= 30000 && np.ports[0].nodePort <= 32767);
  assert.equal(np.ports[1].nodePort, 30443);
  await assert.rejects(create('g', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), (e: unknown) => e instanceof ApiError && /already allocated/.test(e.message));
  await assert.rejects(create('h', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }), (e: unknown) => e instanceof ApiError && /not in the valid range/.test(e.message));
});
