// The scheduler's own cost, without the API server: the default profile's filters and
// scores over 5,000 nodes for 10,000 pods (100m / 500Mi each, as SchedulingBasic), each
// assumed onto its node as the real loop does. Prints pods/s beside Kubernetes' CI bar
// for the whole SchedulingBasic test (270 pods/s), which includes the API server.
//
//   node dist/bench/scheduler/algorithm.js [nodes = 5000] [pods = 10000] [runs = 5]

import { Algorithm } from '../../src/scheduler/algorithm.js';
import { SchedulerCache } from '../../src/scheduler/cache/cache.js';
import { CycleState } from '../../src/scheduler/framework/interfaces.js';
import { newPodInfo } from '../../src/scheduler/framework/pod-info.js';
import { defaultFramework } from '../../src/scheduler/profile.js';
import type { Node, Pod } from '../../src/scheduler/types.js';

const NODES = Number(process.argv[2] ?? 5000);
const PODS = Number(process.argv[3] ?? 10_000);
const RUNS = Number(process.argv[4] ?? 5);

function node(i: number): Node {
  const r = { cpu: '4', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return { metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, type: 'hollow' } }, spec: {}, status: { capacity: r, allocatable: r } };
}

function pod(i: number): Pod {
  return {
    metadata: { name: `pod-${i}`, namespace: 'default', uid: `uid-${i}`, labels: { bench: 'basic' } },
    spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' } } }] },
  };
}

function run(): number {
  const cache = new SchedulerCache();
  for (let i = 0; i < NODES; i++) cache.addOrUpdateNode(node(i));
  const fw = defaultFramework({ handle: cache, binder: { create: async <T,>() => ({ metadata: {} }) as T } });
  const alg = new Algorithm(fw);
  const pods = Array.from({ length: PODS }, (_, i) => pod(i));
  const start = performance.now();
  for (const p of pods) {
    // PodInfo is built per attempt in the real loop too (from the informer's object).
    const info = newPodInfo(p);
    const { node: chosen } = alg.schedule(new CycleState(), info, cache.nodes());
    cache.assumePod(info, chosen);
  }
  return PODS / ((performance.now() - start) / 1000);
}

const results: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const pps = run();
  results.push(pps);
  console.log(`run ${r + 1}: ${pps.toFixed(0)} pods/s`);
}
results.sort((a, b) => a - b);
const median = results[Math.floor(results.length / 2)];
console.log(`\nscheduling algorithm alone, ${NODES} nodes / ${PODS} pods: median of ${RUNS}`);
console.log(`  k8ts filters + scores + assume   ${median.toFixed(0)} pods/s`);
console.log(`  Kubernetes CI bar (whole test)   270 pods/s`);
console.log(`  ratio                            ${(median / 270).toFixed(1)}x`);
