// The cost of a user namespace: container start-to-exit of `true` (create + start +
// status until EXITED; image present, overlay rootfs from the ImageStore, conmon + crun)
// in a sandbox without and with a user namespace (idmapped layers and bind mounts),
// interleaved one of each per round; also sandbox creation, the create part of the
// start (until the container exists) and container removal.
// With --steps, the median of every runtime step (rootfs, idmap, conmon, ...) of each kind.
//   node dist/bench/runtime/userns.js [iterations=30] [--steps]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PodSandboxConfig } from '../../src/runtime/cri.js';
import { ImageStore } from '../../src/runtime/oci/image/index.js';
import { writeTestImages } from '../../src/runtime/oci/image/testing/fixtures.js';
import { ImageStoreRootfsProvider } from '../../src/runtime/oci/images.js';
import { OciRuntimeService } from '../../src/runtime/oci/runtime.js';
import { forceCleanup } from '../../src/runtime/oci/testing/harness.js';

const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 30);
const STEPS = process.argv.includes('--steps');
/** Steps of the round under way, by kind: the runtime's trace hook is one per runtime. */
let kind = '';
let counting = false;
const steps = new Map<string, Map<string, number[]>>();
function trace(step: string, t: number): void {
  if (!counting) return;
  const m = steps.get(kind) ?? new Map<string, number[]>();
  steps.set(kind, m);
  m.set(step, [...(m.get(step) ?? []), t]);
}
const WARMUP = 2;
const IMAGE = 'k8ts.test/busybox:latest';
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-userns-'));
  const root = join(dir, 'rt');
  const cg = `/k8ts-bench-userns-${process.pid}`;
  try {
    const store = new ImageStore({ root: join(dir, 'images') });
    mkdirSync(join(dir, 'fixtures'));
    await store.importArchive((await writeTestImages(join(dir, 'fixtures'))).ociArchive);
    const rt = await OciRuntimeService.create({ root, rootfs: new ImageStoreRootfsProvider(store), runtime: 'crun', cgroupParent: cg, log: () => {}, ...(STEPS ? { trace } : {}) });
    const map = [{ containerId: 0, hostId: 65536 * 7, length: 65536 }];
    const kinds = {
      'no user namespace': (i: number): PodSandboxConfig => ({ metadata: { name: `plain${i}`, uid: `plain${i}`, namespace: 'bench', attempt: 0 } }),
      'user namespace (idmapped)': (i: number): PodSandboxConfig => ({ metadata: { name: `userns${i}`, uid: `userns${i}`, namespace: 'bench', attempt: 0 }, linux: { userNamespace: { uids: map, gids: map } } }),
    };
    const results = new Map<string, { sandbox: number[]; create: number[]; start: number[]; remove: number[] }>();
    for (const k of Object.keys(kinds)) results.set(k, { sandbox: [], create: [], start: [], remove: [] });
    for (let i = 0; i < N + WARMUP; i++) {
      const order = Object.entries(kinds);
      if (i % 2) order.reverse();
      for (const [name, config] of order) {
        kind = name;
        counting = i >= WARMUP;
        const sbc = config(i);
        let t0 = process.hrtime.bigint();
        const sb = await rt.runPodSandbox(sbc);
        const tSandbox = ms(t0);
        t0 = process.hrtime.bigint();
        const id = await rt.createContainer(sb, { metadata: { name: 'c', attempt: 0 }, image: { image: IMAGE }, command: ['true'] }, sbc);
        const tCreate = ms(t0);
        await rt.startContainer(id);
        for (;;) {
          const s = await rt.containerStatus(id);
          if (s.state === 'CONTAINER_EXITED') { if (s.exitCode !== 0) throw new Error(`${name}: exit ${s.exitCode}`); break; }
          if (s.state === 'CONTAINER_UNKNOWN') throw new Error(`${name}: ${s.message}`);
          await sleep(1);
        }
        const tStart = ms(t0);
        t0 = process.hrtime.bigint();
        await rt.removeContainer(id);
        const tRemove = ms(t0);
        await rt.removePodSandbox(sb);
        if (i >= WARMUP) {
          const r = results.get(name)!;
          r.sandbox.push(tSandbox); r.create.push(tCreate); r.start.push(tStart); r.remove.push(tRemove);
        }
      }
    }
    console.log(`user namespace cost, ${N} rounds, medians (ms):`);
    console.log('                              sandbox  create  start-to-exit  remove');
    for (const [name, r] of results) {
      console.log(`${name.padEnd(30)}${median(r.sandbox).toFixed(1).padStart(7)}${median(r.create).toFixed(1).padStart(8)}${median(r.start).toFixed(1).padStart(15)}${median(r.remove).toFixed(1).padStart(8)}`);
    }
    if (STEPS) {
      const names = [...results.keys()];
      const all = [...new Set(names.flatMap((n) => [...(steps.get(n)?.keys() ?? [])]))];
      console.log(`\nsteps, medians (ms): ${names.join(' | ')}`);
      for (const st of all) console.log(`  ${st.padEnd(22)}${names.map((n) => median(steps.get(n)?.get(st) ?? []).toFixed(2).padStart(9)).join('')}`);
    }
  } finally {
    await forceCleanup(root, ['crun', 'runc'], cg);
    // Overlays or idmapped layers a failed round left under the image store go first.
    const left = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m): m is string => !!m && m.startsWith(dir + '/'));
    for (const m of left.sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
