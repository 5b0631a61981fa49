// Container start-to-exit of `true`, image present, all in the same run and interleaved
// (one of each per round, in rotating order, so load from others on the machine and
// order effects hit every contender alike):
//   - k8ts RuntimeService: createContainer + startContainer + containerStatus until
//     EXITED, read again whenever the exit events the kubelet uses (conmon's exit
//     files, through inotify) name the container; overlay rootfs from the ImageStore,
//     conmon + crun (and + runc);
//   - the same over a plain-dir rootfs (the runtime's cost without the snapshotter's);
//   - raw `crun run` and `runc run` of a prepared bundle;
//   - raw `crun run` of the spec k8ts generates (its floor: same namespaces, seccomp, cgroups);
//   - `podman run --rm --runtime runc` of the same busybox image, copied into podman's
//     store under a name of this run's own and removed afterwards.
// With --steps, also the median of every runtime step (spec, rootfs, conmon, ...).
//   node dist/bench/runtime/start.js [iterations=30] [--steps]

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageStore } from '../../src/runtime/oci/image/index.js';
import { writeTestImages } from '../../src/runtime/oci/image/testing/fixtures.js';
import { ImageStoreRootfsProvider } from '../../src/runtime/oci/images.js';
import { OciRuntimeService } from '../../src/runtime/oci/runtime.js';
import { DirRootfsProvider } from '../../src/runtime/oci/rootfs.js';
import { makeBusyboxRootfs } from '../../src/runtime/oci/testing/busybox.js';
import { forceCleanup } from '../../src/runtime/oci/testing/harness.js';
import { removeCgroup } from '../../src/runtime/oci/cgroups.js';
import type { OciRuntimeName } from '../../src/runtime/oci/ocicli.js';
import { ExitFileEvents } from '../../src/kubelet/exit-events.js';
import { realClock, silentLogger } from '../../src/client/index.js';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 30);
const STEPS = args.includes('--steps');
const WARMUP = 2;
const IMAGE = 'k8ts.test/busybox:latest';
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

interface Contender { name: string; once(i: number): Promise<number>; close(): Promise<void>; spec?: () => Promise<string> }

const steps = new Map<string, number[]>();
function trace(step: string, t: number): void {
  if (!steps.has(step)) steps.set(step, []);
  steps.get(step)!.push(t);
}

async function viaRuntime(dir: string, name: OciRuntimeName, plainDir: boolean): Promise<Contender> {
  const root = join(dir, `rt-${name}-${plainDir}`);
  const cg = `/k8ts-bench-${process.pid}-${name}-${plainDir}`;
  // plainDir: the prepared bundle's rootfs directory instead of an overlay per container,
  // to separate the runtime's own cost from the snapshotter's.
  const dirs = new DirRootfsProvider();
  dirs.add(IMAGE, join(dir, 'bundle', 'rootfs'), { Cmd: ['sh'] });
  const rootfs = plainDir ? dirs : new ImageStoreRootfsProvider(new ImageStore({ root: join(dir, 'images') }));
  const traced = STEPS && name === 'crun';
  const prefix = plainDir ? 'plain-dir ' : '';
  const traceStep = (step: string, t: number) => trace(prefix + step, t);
  const rt = await OciRuntimeService.create({ root, rootfs, runtime: name, cgroupParent: cg, log: () => {}, ...(traced ? { trace: traceStep } : {}) });
  const sbc = { metadata: { name: 'bench', uid: 'bench', namespace: 'bench', attempt: 0 } };
  const sb = await rt.runPodSandbox(sbc);
  const exits = exitWaiter(join(root, 'exits'));
  return {
    name: `k8ts RuntimeService (conmon + ${name}${plainDir ? ', plain-dir rootfs' : ''})`,
    async once(i) {
      const t0 = process.hrtime.bigint();
      const id = await rt.createContainer(sb, { metadata: { name: `c${i}`, attempt: 0 }, image: { image: IMAGE }, command: ['true'] }, sbc);
      const tStart = process.hrtime.bigint();
      await rt.startContainer(id);
      const tWait = process.hrtime.bigint();
      for (;;) {
        const s = await rt.containerStatus(id);
        if (s.state === 'CONTAINER_EXITED') break;
        if (s.state === 'CONTAINER_UNKNOWN') throw new Error(`container ${id}: ${s.message}`);
        await exits.next(id, 5);
      }
      const t = ms(t0);
      if (traced) { traceStep('= create', Number(tStart - t0) / 1e6); traceStep('= start', Number(tWait - tStart) / 1e6); traceStep('= wait for exit', ms(tWait)); }
      const tRm = process.hrtime.bigint();
      await rt.removeContainer(id);
      if (traced) traceStep('= remove (not counted)', ms(tRm));
      return t;
    },
    async close() {
      exits.stop();
      try { await rt.removePodSandbox(sb); } finally { await forceCleanup(root, ['crun', 'runc'], cg); }
    },
    /** The config.json k8ts writes for this container, to run it with crun alone. */
    async spec() {
      const id = await rt.createContainer(sb, { metadata: { name: 'spec', attempt: 0 }, image: { image: IMAGE }, command: ['true'] }, sbc);
      try { return readFileSync(join(root, 'containers', id, 'config.json'), 'utf8'); } finally { await rt.removeContainer(id); }
    },
  };
}

/**
 * Wakes a waiter when a container's exit is reported, as the kubelet learns of it: the
 * runtime's exit files through ExitFileEvents (inotify), with `ms` as the longest wait.
 */
function exitWaiter(dir: string): { next(id: string, ms: number): Promise<void>; stop(): void } {
  const waiting = new Map<string, () => void>();
  const events = new ExitFileEvents({ dir, clock: realClock, log: silentLogger });
  events.start((id) => waiting.get(id)?.());
  return {
    next: (id, ms) => new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() { clearTimeout(timer); waiting.delete(id); resolve(); }
      waiting.set(id, done);
    }),
    stop: () => events.stop(),
  };
}

/** `crun run` of the very spec k8ts generates (joined sandbox namespaces, seccomp, cgroup): the floor for k8ts. */
function viaRawSpec(dir: string, specJson: string, bundle: string): Contender {
  const cg = `/k8ts-bench-${process.pid}-rawspec`;
  const stateRoot = join(dir, 'state-rawspec');
  const spec = JSON.parse(specJson) as { root: { path: string }; linux: { cgroupsPath: string } };
  spec.root.path = join(bundle, 'rootfs');
  return {
    name: "crun run (k8ts's spec, plain-dir rootfs)",
    async once(i) {
      const b = join(dir, `rawspec-${i}`);
      mkdirSync(b);
      writeFileSync(join(b, 'config.json'), JSON.stringify({ ...spec, linux: { ...spec.linux, cgroupsPath: `${cg}/${i}` } }));
      const t0 = process.hrtime.bigint();
      const r = spawnSync('/usr/bin/crun', ['--root', stateRoot, 'run', '-b', b, `bench-${process.pid}-spec-${i}`], { stdio: 'ignore' });
      const t = ms(t0);
      if (r.status !== 0) throw new Error(`crun run of k8ts's spec failed (${r.status})`);
      return t;
    },
    async close() { await removeCgroup(cg); },
  };
}

function rawBundle(dir: string): string {
  const bundle = join(dir, 'bundle');
  mkdirSync(bundle);
  makeBusyboxRootfs(join(bundle, 'rootfs'));
  execFileSync('crun', ['spec'], { cwd: bundle });
  const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as { process: { terminal: boolean; args: string[]; rlimits?: unknown[] } };
  spec.process.terminal = false;
  spec.process.args = ['true'];
  delete spec.process.rlimits;
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  return bundle;
}

function viaRaw(bin: string, dir: string, bundle: string): Contender {
  const short = bin.split('/').pop()!;
  const stateRoot = join(dir, `state-${short}`);
  return {
    name: `${short} run (prepared bundle)`,
    async once(i) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(bin, ['--root', stateRoot, 'run', '-b', bundle, `bench-${process.pid}-${i}`], { stdio: 'ignore' });
      const t = ms(t0);
      if (r.status !== 0) throw new Error(`${bin} run failed (${r.status})`);
      return t;
    },
    async close() {},
  };
}

/** podman with the image under a name of our own, or why it cannot run. */
function podman(archive: string): Contender | string {
  if (spawnSync('sh', ['-c', 'command -v podman && command -v skopeo'], { stdio: 'ignore' }).status !== 0) return 'podman or skopeo is not installed';
  const ref = `localhost/k8ts-bench-start-${process.pid}:latest`;
  const copy = spawnSync('skopeo', ['copy', '-q', `oci-archive:${archive}`, `containers-storage:${ref}`], { encoding: 'utf8' });
  if (copy.status !== 0) return `skopeo copy into podman's store failed: ${copy.stderr.trim()}`;
  const flags = ['run', '--rm', '--runtime', 'runc', '--network', 'none', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];
  return {
    name: 'podman run --rm --runtime runc',
    async once() {
      const t0 = process.hrtime.bigint();
      const r = spawnSync('podman', [...flags, ref, 'true'], { stdio: 'ignore' });
      const t = ms(t0);
      if (r.status !== 0) throw new Error(`podman run failed (${r.status})`);
      return t;
    },
    async close() { spawnSync('podman', ['rmi', '-f', ref], { stdio: 'ignore' }); },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-start-'));
const contenders: Contender[] = [];
try {
  const images = await writeTestImages(dir);
  await new ImageStore({ root: join(dir, 'images') }).importArchive(images.ociArchive);
  const bundle = rawBundle(dir);
  const plainCrun = await viaRuntime(dir, 'crun', true);
  contenders.push(
    await viaRuntime(dir, 'crun', false), await viaRuntime(dir, 'runc', false), plainCrun,
    viaRaw('/usr/bin/crun', dir, bundle), viaRaw('/usr/sbin/runc', dir, bundle),
  );
  const rawSpec = viaRawSpec(dir, await plainCrun.spec!(), bundle);
  const p = podman(images.ociArchive);
  if (typeof p !== 'string') contenders.push(p);
  contenders.push(rawSpec);
  const times = contenders.map(() => [] as number[]);
  for (let i = 0; i < N + WARMUP; i++) {
    // Each round starts with the next contender: whoever runs first after a pause pays
    // the kernel's slow first cgroup attach (an RCU grace period), so no one always does.
    for (let k = 0; k < contenders.length; k++) {
      const c = (i + k) % contenders.length;
      const t = await contenders[c]!.once(i);
      if (i >= WARMUP) times[c]!.push(t); // the first rounds warm caches
    }
    if (i === WARMUP - 1) steps.clear();
  }
  const med = times.map(median);
  contenders.forEach((c, i) => process.stdout.write(`${c.name.padEnd(52)} median ${med[i]!.toFixed(1).padStart(6)} ms over ${N} runs\n`));
  if (typeof p === 'string') process.stdout.write(`podman: ${p}\n`);
  const [k8tsCrun, k8tsRunc, plain, crun, runc] = med as [number, number, number, number, number];
  const pod = typeof p === 'string' ? undefined : med[5];
  const specFloor = med[med.length - 1]!;
  process.stdout.write(`ratio k8ts(crun)/crun ${(k8tsCrun / crun).toFixed(2)}x (goal <= 1.5x), k8ts(runc)/runc ${(k8tsRunc / runc).toFixed(2)}x, plain-dir k8ts(crun)/crun ${(plain / crun).toFixed(2)}x\n`);
  process.stdout.write(`ratio k8ts(crun)/crun-run-of-k8ts's-spec ${(k8tsCrun / specFloor).toFixed(2)}x (what conmon, create+start and the bookkeeping add)\n`);
  if (pod !== undefined) process.stdout.write(`ratio podman/k8ts(crun) ${(pod / k8tsCrun).toFixed(2)}x (goal >= 3x)\n`);
  if (STEPS) {
    process.stdout.write('steps of k8ts (conmon + crun; overlay, then plain-dir), medians:\n');
    for (const [s, xs] of steps) process.stdout.write(`  ${s.padEnd(28)} ${median(xs).toFixed(2).padStart(7)} ms\n`);
  }
} finally {
  for (const c of contenders) await c.close().catch((e: Error) => process.stderr.write(`cleanup: ${e.message}\n`));
  rmSync(dir, { recursive: true, force: true });
}
