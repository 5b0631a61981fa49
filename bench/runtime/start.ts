// Container start-to-exit of `true`, image present:
//   k8ts RuntimeService (createContainer + startContainer until EXITED, overlay rootfs
//   from the ImageStore, conmon + crun), raw `crun run` and `runc run` of a prepared
//   bundle, and `podman run` when podman is installed, all in the same run.
//   node dist/bench/runtime/start.js [iterations=30]

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageStore } from '../../src/runtime/oci/image/index.js';
import { writeTestImages } from '../../src/runtime/oci/image/testing/fixtures.js';
import { ImageStoreRootfsProvider } from '../../src/runtime/oci/images.js';
import { OciRuntimeService } from '../../src/runtime/oci/runtime.js';
import { DirRootfsProvider } from '../../src/runtime/oci/rootfs.js';
import { makeBusyboxRootfs } from '../../src/runtime/oci/testing/busybox.js';
import { forceCleanup } from '../../src/runtime/oci/testing/harness.js';
import type { OciRuntimeName } from '../../src/runtime/oci/ocicli.js';

const N = Number(process.argv[2] ?? 30);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function viaRuntime(dir: string, name: OciRuntimeName, plainDir = false): Promise<number[]> {
  const root = join(dir, `rt-${name}-${plainDir}`);
  const cg = `/k8ts-bench-${process.pid}`;
  // plainDir: the prepared bundle's rootfs directory instead of an overlay per container,
  // to separate the runtime's own cost from the snapshotter's.
  const dirs = new DirRootfsProvider();
  dirs.add('k8ts.test/busybox:latest', join(dir, 'bundle', 'rootfs'), { Cmd: ['sh'] });
  const rootfs = plainDir ? dirs : new ImageStoreRootfsProvider(new ImageStore({ root: join(dir, 'images') }));
  const rt = await OciRuntimeService.create({ root, rootfs, runtime: name, cgroupParent: cg, log: () => {} });
  const times: number[] = [];
  try {
    const sbc = { metadata: { name: 'bench', uid: 'bench', namespace: 'bench', attempt: 0 } };
    const sb = await rt.runPodSandbox(sbc);
    for (let i = 0; i < N + 2; i++) {
      const t0 = process.hrtime.bigint();
      const id = await rt.createContainer(sb, { metadata: { name: `c${i}`, attempt: 0 }, image: { image: 'k8ts.test/busybox:latest' }, command: ['true'] }, sbc);
      await rt.startContainer(id);
      for (;;) {
        const s = await rt.containerStatus(id);
        if (s.state === 'CONTAINER_EXITED') break;
        await new Promise((r) => setTimeout(r, 1));
      }
      const t = ms(t0);
      if (i >= 2) times.push(t); // the first runs warm caches
      await rt.removeContainer(id);
    }
    await rt.removePodSandbox(sb);
  } finally {
    await forceCleanup(root, ['crun', 'runc'], cg);
  }
  return times;
}

function rawBundle(dir: string): string {
  const bundle = join(dir, 'bundle');
  mkdirSync(bundle);
  makeBusyboxRootfs(join(bundle, 'rootfs'));
  execFileSync('crun', ['spec'], { cwd: bundle });
  const spec = JSON.parse(execFileSync('cat', [join(bundle, 'config.json')], { encoding: 'utf8' })) as { process: { terminal: boolean; args: string[]; rlimits?: unknown[] } };
  spec.process.terminal = false;
  spec.process.args = ['true'];
  delete spec.process.rlimits;
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  return bundle;
}

function viaRaw(bin: string, dir: string, bundle: string): number[] {
  const stateRoot = join(dir, `state-${bin.split('/').pop()}`);
  const times: number[] = [];
  for (let i = 0; i < N + 2; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(bin, ['--root', stateRoot, 'run', '-b', bundle, `bench-${process.pid}-${i}`], { stdio: 'ignore' });
    const t = ms(t0);
    if (r.status !== 0) throw new Error(`${bin} run failed (${r.status})`);
    if (i >= 2) times.push(t);
  }
  return times;
}

function podman(): number[] | string {
  const which = spawnSync('sh', ['-c', 'command -v podman']);
  if (which.status !== 0) return 'podman is not installed on this machine';
  const args = ['run', '--rm', '--runtime', 'runc', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', '--network', 'none'];
  const times: number[] = [];
  for (let i = 0; i < N + 2; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('podman', [...args, 'k8ts.test/busybox:latest', 'true'], { stdio: 'ignore' });
    if (r.status !== 0) return `podman run failed (${r.status}); is k8ts.test/busybox loaded into podman?`;
    if (i >= 2) times.push(ms(t0));
  }
  return times;
}

const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-start-'));
try {
  const images = await writeTestImages(dir);
  await new ImageStore({ root: join(dir, 'images') }).importArchive(images.ociArchive);
  const bundle = rawBundle(dir);
  const results: [string, number][] = [];
  const k8tsCrun = median(await viaRuntime(dir, 'crun'));
  const k8tsRunc = median(await viaRuntime(dir, 'runc'));
  const k8tsPlain = median(await viaRuntime(dir, 'crun', true));
  const crun = median(viaRaw('/usr/bin/crun', dir, bundle));
  const runc = median(viaRaw('/usr/sbin/runc', dir, bundle));
  results.push(['k8ts RuntimeService (conmon + crun)', k8tsCrun], ['k8ts RuntimeService (conmon + runc)', k8tsRunc], ['k8ts RuntimeService (crun, plain-dir rootfs)', k8tsPlain], ['crun run (prepared bundle)', crun], ['runc run (prepared bundle)', runc]);
  const p = podman();
  for (const [name, v] of results) process.stdout.write(`${name.padEnd(46)} median ${v.toFixed(1)} ms over ${N} runs\n`);
  if (typeof p === 'string') process.stdout.write(`podman run                               ${p}\n`);
  else process.stdout.write(`podman run --runtime runc                median ${median(p).toFixed(1)} ms; k8ts/podman ${(k8tsCrun / median(p)).toFixed(2)}x\n`);
  process.stdout.write(`ratio k8ts(crun)/crun ${(k8tsCrun / crun).toFixed(2)}x, k8ts(runc)/runc ${(k8tsRunc / runc).toFixed(2)}x, plain-dir k8ts(crun)/crun ${(k8tsPlain / crun).toFixed(2)}x\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
