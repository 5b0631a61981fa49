// A pod's start below the kubelet, step by step: runPodSandbox (namespaces, shm, /etc
// files), the pod network through the real CNI plugins (bridge + host-local, loopback;
// portmap and bandwidth only for pods that use them), then createContainer and
// startContainer of a long-running busybox `sleep`, image present, conmon + crun. Each
// step's median and the tasks (processes and threads) the machine created meanwhile,
// read from /proc/loadavg's last-pid field, so the figure counts every process a step
// costs, ours or not (other load on the machine inflates it). With --parallel K, K pods
// at a time, the time until each pod's container runs (p50, p99).
//
// It uses a bridge, nft table, pod CIDR and network name of its own, but node-level
// rules beside the agent's: run it under the agent lock.
//   flock /tmp/k8ts-agent.lock node dist/bench/runtime/sandbox.js [pods=20] [--parallel K]

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageStore } from '../../src/runtime/oci/image/index.js';
import { writeTestImages } from '../../src/runtime/oci/image/testing/fixtures.js';
import { ImageStoreRootfsProvider } from '../../src/runtime/oci/images.js';
import { OciRuntimeService } from '../../src/runtime/oci/runtime.js';
import { forceCleanup } from '../../src/runtime/oci/testing/harness.js';
import { CniPodNetwork } from '../../src/network/cni/index.js';
import type { PodSandboxConfig } from '../../src/runtime/cri.js';

const args = process.argv.slice(2);
const pAt = args.indexOf('--parallel');
const PARALLEL = pAt >= 0 ? Number(args.splice(pAt, 2)[1]) : 0;
const N = Number(args[0] ?? 20);
const IMAGE = 'k8ts.test/busybox:latest';
const WARMUP = 2;
const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? NaN; };
const lastPid = () => Number(readFileSync('/proc/loadavg', 'utf8').trim().split(/\s+/).pop());
const quiet = { info: () => {}, warn: (m: string) => process.stderr.write(`${m}\n`), error: (m: string) => process.stderr.write(`${m}\n`) };

const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-sandbox-'));
const cg = `/k8ts-bench-sandbox-${process.pid}`;
const root = join(dir, 'runtime');
const net = new CniPodNetwork({
  dataDir: dir, podCIDR: '10.42.251.0/24', clusterCIDR: '10.42.251.0/24', bridgeName: 'k8tsb0',
  nftTable: 'k8tsb-podnet', networkName: 'k8tsb', log: quiet,
});
let rt: OciRuntimeService | undefined;
const steps = new Map<string, { ms: number[]; tasks: number[] }>();
function record(step: string, ms: number, tasks: number): void {
  if (!steps.has(step)) steps.set(step, { ms: [], tasks: [] });
  steps.get(step)!.ms.push(ms);
  steps.get(step)!.tasks.push(tasks);
}

interface Started { sb: string; ctr: string; pod: { metadata: { namespace: string; name: string; uid: string } } }

async function startPod(i: number, traced: boolean): Promise<Started> {
  const pod = { metadata: { namespace: 'bench', name: `p${i}`, uid: `uid-${process.pid}-${i}` } };
  const config: PodSandboxConfig = { metadata: { ...pod.metadata, attempt: 0 }, hostname: `p${i}` };
  let t = performance.now();
  let pid = lastPid();
  const step = (name: string) => {
    const now = performance.now();
    const p = lastPid();
    if (traced) record(name, now - t, p - pid);
    t = now;
    pid = p;
  };
  const sb = await rt!.runPodSandbox(config);
  step('runPodSandbox');
  const { netnsPath } = await rt!.podSandboxStatus(sb);
  await net.setUp(pod, { id: sb, netnsPath });
  step('CNI setUp (loopback, bridge, host-local)');
  const ctr = await rt!.createContainer(sb, { metadata: { name: 'c', attempt: 0 }, image: { image: IMAGE }, command: ['sleep', '3600'] }, config);
  step('createContainer (rootfs, spec, conmon, crun create)');
  await rt!.startContainer(ctr);
  step('startContainer');
  return { sb, ctr, pod };
}

async function stopPod(s: Started): Promise<void> {
  await rt!.stopContainer(s.ctr, 0);
  const { netnsPath } = await rt!.podSandboxStatus(s.sb);
  await net.tearDown(s.pod, { id: s.sb, netnsPath });
  await rt!.removePodSandbox(s.sb);
}

try {
  const images = await writeTestImages(dir);
  const store = new ImageStore({ root: join(dir, 'images') });
  await store.importArchive(images.ociArchive);
  rt = await OciRuntimeService.create({ root, rootfs: new ImageStoreRootfsProvider(store), cgroupParent: cg, log: quiet.warn });
  await net.setUpNode();
  process.stdout.write(`load average before: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
  if (PARALLEL > 0) {
    const lat: number[] = [];
    for (let done = 0; done < N; done += PARALLEL) {
      const k = Math.min(PARALLEL, N - done);
      const t0 = performance.now();
      const started = await Promise.all(Array.from({ length: k }, async (_, j) => {
        const s = await startPod(done + j, false);
        lat.push(performance.now() - t0);
        return s;
      }));
      for (const s of started) await stopPod(s);
    }
    process.stdout.write(`${N} pods, ${PARALLEL} at a time: sandbox + network + container running p50 ${quantile(lat, 0.5).toFixed(0)} ms, p99 ${quantile(lat, 0.99).toFixed(0)} ms\n`);
  } else {
    const totals: number[] = [];
    for (let i = 0; i < N + WARMUP; i++) {
      const t0 = performance.now();
      const s = await startPod(i, i >= WARMUP);
      if (i >= WARMUP) totals.push(performance.now() - t0);
      await stopPod(s);
    }
    process.stdout.write(`one pod at a time, medians over ${N}:\n`);
    for (const [name, v] of steps) {
      process.stdout.write(`  ${name.padEnd(56)} ${quantile(v.ms, 0.5).toFixed(2).padStart(7)} ms  ${String(quantile(v.tasks, 0.5)).padStart(3)} tasks\n`);
    }
    process.stdout.write(`  ${'total: sandbox + network + container running'.padEnd(56)} ${quantile(totals, 0.5).toFixed(2).padStart(7)} ms\n`);
  }
  process.stdout.write(`load average after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
} finally {
  await net.tearDownNode().catch((e: Error) => process.stderr.write(`cleanup: ${e.message}\n`));
  await forceCleanup(root, ['crun', 'runc'], cg).catch((e: Error) => process.stderr.write(`cleanup: ${e.message}\n`));
  rmSync(dir, { recursive: true, force: true });
}
