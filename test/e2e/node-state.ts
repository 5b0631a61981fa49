// What a node agent leaves on the machine besides its pods, and the removal every
// end-to-end test with a real agent runs afterwards, so the next run starts clean.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { k8tsBin, repoRoot } from './harness.js';

/** The test image's name once imported: busybox from Debian's busybox-static. */
export const testImage = 'k8ts.test/busybox:latest';

/** One node agent per machine: it owns the pod bridge, the DNS address and port 10250. */
export const otherAgentRuns = (): boolean => spawnSync('ip', ['link', 'show', 'k8ts0']).status === 0;

/** Builds the busybox test image and imports it into the runtime under dataDir, as `k8ts ctr` does. */
export function importTestImage(dataDir: string): void {
  const images = mkdtempSync(join(tmpdir(), 'k8ts-e2e-image-'));
  try {
    execFileSync('bash', [join(repoRoot, 'scripts/test-image/build.sh'), images], { stdio: 'ignore' });
    execFileSync(process.execPath, [k8tsBin, 'ctr', '--root', join(dataDir, 'runtime'), 'image', 'import', join(images, 'busybox-oci.tar')], { stdio: 'ignore' });
  } finally {
    rmSync(images, { recursive: true, force: true });
  }
}

/**
 * Removes the agent's kernel state: the pod bridge and its masquerade table, the DNS
 * link, the service proxy's table, its host-gw routes (protocol 75) and the kubepods
 * cgroups in every hierarchy (crun makes pod cgroups in hugetlb, systemd and the
 * cgroup2 mount too). Run after the pods are deleted and the agent stopped.
 */
export function removeAgentState(): void {
  spawnSync('ip', ['link', 'del', 'k8ts0']);
  spawnSync('nft', ['delete', 'table', 'ip', 'k8ts-podnet']);
  spawnSync('ip', ['link', 'del', 'k8ts-dns']);
  spawnSync('nft', ['delete', 'table', 'ip', 'k8ts-proxy']);
  spawnSync('ip', ['route', 'flush', 'table', 'main', 'proto', '75']);
  for (const c of readdirSync('/sys/fs/cgroup')) {
    spawnSync('find', [`/sys/fs/cgroup/${c}/kubepods`, '-depth', '-type', 'd', '-exec', 'rmdir', '{}', ';']);
  }
}

/** Unmounts whatever is still mounted under dir, deepest first, then removes it. */
export function removeDataDir(dir: string): void {
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m): m is string => !!m && m.startsWith(dir)).sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * After a node's server or agent has stopped: `k8ts uninstall` stops any container still
 * running (a force-deleted pod's, say) and removes the node's state; the direct removal
 * after it catches whatever a failing uninstall left, so the next test starts clean.
 */
export function uninstallNode(dataDir: string): void {
  const r = spawnSync(process.execPath, [k8tsBin, 'uninstall', '--data-dir', dataDir], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) process.stderr.write(`k8ts uninstall --data-dir ${dataDir} failed (${r.status}):\n${r.stderr}\n`);
  removeAgentState();
  removeDataDir(dataDir);
}
