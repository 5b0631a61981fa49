// Removes everything a k8ts node put on this machine, in the order that leaves nothing
// behind: containers stopped, each pod's network attachment released through CNI DEL
// (so portmap and IPAM state go as the plugins made them), sandboxes removed, then the
// node-level pieces (bridge and masquerade table, FORWARD rules, the proxy's table, the
// DNS link, host-gw routes, pod cgroups), then the mounts and files under the data dir.

import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { removeNftTable, runCommand } from '../../network/cni/host.js';
import { CniPodNetwork } from '../../network/cni/index.js';
import { removeDnsAddress } from '../../network/dns/address.js';
import { IpRouteTable } from '../../network/routes/kernel.js';
import { KUBEPODS, removeCgroupHierarchy } from '../../kubelet/cgroups/pod-cgroups.js';
import { ImageStore } from '../../runtime/oci/image/index.js';
import { ImageStoreRootfsProvider } from '../../runtime/oci/images.js';
import { DEFAULT_CGROUP_PARENT as CTR_CGROUP_PARENT, OciRuntimeService } from '../../runtime/oci/runtime.js';
import type { Logger } from '../log.js';

export interface RemoveNodeStateOptions {
  dataDir: string;
  /** Keep the data dir's files (certificates, datastore, images); remove the rest. */
  keepData: boolean;
  log: Logger;
}

/** The steps that failed (each named); an empty list means the machine is clean. */
export async function removeNodeState(o: RemoveNodeStateOptions): Promise<string[]> {
  const failed: string[] = [];
  const step = async (what: string, fn: () => Promise<string | void>): Promise<void> => {
    try {
      const done = await fn();
      if (done) o.log.info(done);
    } catch (err) {
      failed.push(`${what}: ${(err as Error).message}`);
      o.log.warn(`${what} failed: ${(err as Error).message}`);
    }
  };

  // The podCIDR only shapes the configuration ADD would use; DEL reads what the cache kept.
  const network = new CniPodNetwork({ dataDir: o.dataDir, podCIDR: '10.42.0.0/24', log: o.log });
  const runtimeRoot = join(o.dataDir, 'runtime');
  const runtime = !existsSync(runtimeRoot) ? undefined : await OciRuntimeService.create({
    root: runtimeRoot,
    rootfs: new ImageStoreRootfsProvider(new ImageStore({ root: join(runtimeRoot, 'images') })),
    log: (l) => o.log.info(l),
  }).catch((err: unknown) => {
    failed.push(`opening the runtime under ${runtimeRoot}: ${(err as Error).message}`);
    return undefined;
  });
  if (runtime) {
    await step('stopping containers', async () => {
      const containers = await runtime.listContainers();
      for (const c of containers) await runtime.stopContainer(c.id, 0);
      for (const c of containers) await runtime.removeContainer(c.id);
      return `removed ${containers.length} container(s)`;
    });
    await step('releasing pod network attachments', async () => {
      const attachments = await network.listAttachments();
      for (const a of attachments) await network.tearDownSandbox(a.sandboxId);
      return `released ${attachments.length} pod network attachment(s)`;
    });
    await step('removing pod sandboxes', async () => {
      const sandboxes = await runtime.listPodSandbox();
      for (const s of sandboxes) await runtime.stopPodSandbox(s.id);
      for (const s of sandboxes) await runtime.removePodSandbox(s.id);
      return `removed ${sandboxes.length} pod sandbox(es)`;
    });
  }
  await step('removing the pod network', async () => {
    await network.tearDownNode();
    return 'removed bridge k8ts0, table ip k8ts-podnet and the cluster CIDR\'s FORWARD rules';
  });
  await step('removing the service proxy\'s rules', async () => {
    await removeNftTable('k8ts-proxy');
    return 'removed table ip k8ts-proxy';
  });
  await step('removing the cluster DNS address', async () => {
    await removeDnsAddress();
    return 'removed link k8ts-dns';
  });
  await step('removing host-gw routes', async () => {
    const table = new IpRouteTable();
    const own = await table.listOwn();
    for (const r of own) await table.delete(r);
    return `removed ${own.length} pod route(s)`;
  });
  await step('removing pod cgroups', async () => {
    // kubepods holds the pods'; /k8ts the containers `k8ts ctr` ran (the runtime's default parent).
    await removeCgroupHierarchy(KUBEPODS);
    await removeCgroupHierarchy(CTR_CGROUP_PARENT);
    return `removed the ${KUBEPODS} and ${CTR_CGROUP_PARENT} cgroups`;
  });
  await step('unmounting', async () => {
    const n = await unmountUnder([o.dataDir, '/run/k8ts']);
    return `unmounted ${n} filesystem(s)`;
  });
  if (!o.keepData) await step(`removing ${o.dataDir}`, async () => {
    await rm(o.dataDir, { recursive: true, force: true });
    return `removed ${o.dataDir}`;
  });
  return failed;
}

/** Unmounts every mount at or below the given directories, deepest first; answers how many. */
async function unmountUnder(dirs: string[]): Promise<number> {
  const inside = (m: string) => dirs.some((d) => m === d || m.startsWith(`${d}/`));
  const mounts = (await readFile('/proc/self/mounts', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => !!m && inside(m))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    // A busy mount (a shell cd'ed into it) goes lazily rather than blocking the uninstall.
    await runCommand('umount', [m]).catch(() => runCommand('umount', ['-l', m]));
  }
  return mounts.length;
}
