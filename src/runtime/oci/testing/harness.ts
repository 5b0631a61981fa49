// A temporary runtime root for tests of the real runtime, and its complete cleanup:
// whatever a failed test left (containers, conmon processes, mounts, namespaces,
// cgroups) is removed, so the machine ends as it began.

import { mkdtempSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OciRuntimeService } from '../runtime.js';
import { DirRootfsProvider, type RootfsProvider } from '../rootfs.js';
import { removeCgroup } from '../cgroups.js';
import type { OciRuntimeName } from '../ocicli.js';
import { makeBusyboxRootfs } from './busybox.js';

const run = promisify(execFile);

export interface OciTestEnv {
  runtime: OciRuntimeService;
  images: DirRootfsProvider;
  dir: string;
  root: string;
  cgroupParent: string;
  /** Options to build another runtime instance over the same root (restart tests). */
  reopen(): Promise<OciRuntimeService>;
  cleanup(): Promise<void>;
}

/** Everything mounted at or below `prefix`, deepest first. */
async function mountsUnder(prefix: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').map((l) => l.split(' ')[4]).filter((m): m is string => !!m && (m === prefix || m.startsWith(prefix + '/')))
    .sort((a, b) => b.length - a.length);
}

export async function forceCleanup(root: string, runtimes: OciRuntimeName[], cgroupParent: string): Promise<void> {
  const cdir = join(root, 'containers');
  for (const id of await readdir(cdir).catch(() => [] as string[])) {
    for (const name of runtimes) {
      const bin = name === 'crun' ? '/usr/bin/crun' : '/usr/sbin/runc';
      await run(bin, ['--root', join(root, name), 'kill', '--all', id, 'KILL']).catch(() => {});
      await run(bin, ['--root', join(root, name), 'delete', '--force', id]).catch(() => {});
    }
    const pid = Number((await readFile(join(cdir, id, 'conmon.pid'), 'utf8').catch(() => '')).trim());
    const cmd = pid ? await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '') : '';
    if (cmd.includes('conmon') && cmd.includes(id)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  }
  for (const m of await mountsUnder(root)) await run('umount', ['-l', m]).catch(() => {});
  await removeCgroup(cgroupParent);
  await rm(root, { recursive: true, force: true });
}

export async function newOciTestEnv(ociRuntime: OciRuntimeName, opts: { logSizeMax?: number; rootfs?: (dir: string) => RootfsProvider } = {}): Promise<OciTestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-oci-'));
  const root = join(dir, 'root');
  const images = new DirRootfsProvider();
  images.add('busybox', makeBusyboxRootfs(join(dir, 'busybox')), { Cmd: ['sh'], Env: ['PATH=/bin'] });
  const cgroupParent = `/k8ts-test-${dir.split('-').pop()}`;
  const provider = opts.rootfs?.(dir) ?? images;
  const make = () => OciRuntimeService.create({ root, rootfs: provider, runtime: ociRuntime, cgroupParent, logSizeMax: opts.logSizeMax, log: () => {} });
  const runtime = await make();
  return {
    runtime, images, dir, root, cgroupParent, reopen: make,
    async cleanup() {
      try {
        for (const s of await runtime.listPodSandbox()) await runtime.removePodSandbox(s.id).catch(() => {});
      } finally {
        await forceCleanup(root, ['crun', 'runc'], cgroupParent);
        // Image stores of a test live beside the root; their overlays go too.
        for (const m of await mountsUnder(dir)) await run('umount', ['-l', m]).catch(() => {});
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
