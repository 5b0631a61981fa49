import { test } from 'node:test';
import assert from 'node:assert/strict';
import { truncateSubsets, type EndpointSubset } from './subsets.js';

const addrs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ ip: `${prefix}.${i}` }));

test('over capacity keeps ready addresses first and says it cut', () => {
  const subsets: EndpointSubset[] = [
    { addresses: addrs('10.0.0', 3), notReadyAddresses: addrs('10.0.1', 3), ports: [{ port: 80, protocol: 'TCP' }] },
    { addresses: addrs('10.0.2', 2), ports: [{ port: 81, protocol: 'TCP' }] },
  ];
  assert.deepEqual(truncateSubsets(subsets, 8), { subsets, truncated: false });
  const cut = truncateSubsets(subsets, 6);
  assert.equal(cut.truncated, true);
  assert.equal(cut.subsets[0].addresses!.length, 3);
  assert.equal(cut.subsets[0].notReadyAddresses!.length, 1);
  assert.equal(cut.subsets[1].addresses!.length, 2);
  const tiny = truncateSubsets(subsets, 2);
  assert.deepEqual(tiny.subsets, [{ addresses: addrs('10.0.0', 2), ports: [{ port: 80, protocol: 'TCP' }] }]);
});
