// CniPodNetwork: the kubelet's PodNetwork over the reference CNI plugins. It owns the
// node's network configuration list, the per-sandbox result cache, the masquerade table
// and, at node teardown, the bridge and host-local's leases.
import { mkdir, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ResultCache, type CachedAttachment } from './cache.js';
import {
  attachmentList, buildConfList, cniArgsFor, loopbackConf, portMappingsOf, DEFAULT_BRIDGE, DEFAULT_NETWORK_NAME, type CapabilityArgs,
} from './config.js';
import { bandwidthOf } from './bandwidth.js';
import { CniPluginError, PodNetworkSetupError } from './errors.js';
import { applyMasquerade, deleteLink, enableIPForward, removeNftTable } from './host.js';
import { acceptClusterForwarding, removeClusterForwarding } from './forward.js';
import { addNetworkList, checkNetworkList, delNetworkList, type Attachment } from './invoke.js';
import { isLiveNetns } from './netns.js';
import { removeIdlePortmapChains } from './portmap-chains.js';
import { podIPsOf } from './result.js';
import type { CniNetworkConfList, PodLike, SandboxRef } from './types.js';

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface CniPodNetworkOptions {
  /** The k8ts data directory; everything lives under `<dataDir>/agent/`. */
  dataDir: string;
  /** This node's pod CIDR (node.spec.podCIDR), e.g. 10.42.0.0/24. */
  podCIDR: string;
  /** Traffic to this range is not masqueraded. Default 10.42.0.0/16. */
  clusterCIDR?: string;
  /** Where the plugin binaries are (CNI_PATH). Default /usr/lib/cni. */
  pluginDir?: string;
  /** Default k8ts0 (not cni0, which other distributions use). */
  bridgeName?: string;
  /** Default k8ts; also names host-local's lease directory and cache files. */
  networkName?: string;
  /** Default k8ts-podnet. */
  nftTable?: string;
  log: Logger;
}

export interface PodNetworkAddresses {
  ip: string;
  ips: string[];
}

export const POD_IFNAME = 'eth0';

export class CniPodNetwork {
  readonly confList: CniNetworkConfList;
  readonly confPath: string;
  private readonly root: string;
  private readonly ipamDir: string;
  private readonly cache: ResultCache;
  private readonly pluginDir: string;
  private readonly bridgeName: string;
  private readonly clusterCIDR: string;
  private readonly nftTable: string;
  private readonly log: Logger;
  /** One operation at a time per sandbox, since ADD and DEL of one attachment must not interleave. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: CniPodNetworkOptions) {
    this.root = join(opts.dataDir, 'agent');
    this.ipamDir = join(this.root, 'cni', 'networks');
    this.cache = new ResultCache(join(this.root, 'cni', 'cache', 'results'));
    this.confPath = join(this.root, 'etc', 'cni', 'net.d', '10-k8ts.conflist');
    this.pluginDir = opts.pluginDir ?? '/usr/lib/cni';
    this.bridgeName = opts.bridgeName ?? DEFAULT_BRIDGE;
    this.clusterCIDR = opts.clusterCIDR ?? '10.42.0.0/16';
    this.nftTable = opts.nftTable ?? 'k8ts-podnet';
    this.log = opts.log;
    this.confList = buildConfList({
      podCIDR: opts.podCIDR,
      bridgeName: this.bridgeName,
      ipamDataDir: this.ipamDir,
      networkName: opts.networkName ?? DEFAULT_NETWORK_NAME,
    });
  }

  /**
   * Writes the configuration list, enables forwarding (and accepts the cluster CIDR's in
   * a FORWARD chain that could drop it), installs the masquerade table.
   */
  async setUpNode(): Promise<void> {
    await mkdir(join(this.root, 'etc', 'cni', 'net.d'), { recursive: true });
    const tmp = `${this.confPath}.tmp`;
    await writeFile(tmp, JSON.stringify(this.confList, null, 2) + '\n');
    await rename(tmp, this.confPath);
    await enableIPForward();
    await applyMasquerade(this.nftTable, this.opts.podCIDR, this.clusterCIDR);
    if (!(await acceptClusterForwarding(this.clusterCIDR))) {
      this.log.warn('pod network: iptables not found; pods on other nodes are reachable only if the FORWARD chain accepts them');
    }
    this.log.info(`pod network: ${this.confList.name} on bridge ${this.bridgeName}, pod CIDR ${this.opts.podCIDR}`);
  }

  /** Removes everything setUpNode and the plugins added at node level. Pods must be torn down first. */
  async tearDownNode(): Promise<void> {
    await removeNftTable(this.nftTable);
    await removeClusterForwarding(this.clusterCIDR);
    await deleteLink(this.bridgeName);
    await removeIdlePortmapChains();
    await rm(join(this.ipamDir, this.confList.name), { recursive: true, force: true });
    await rm(this.confPath, { force: true });
    await rm(join(this.root, 'cni', 'cache'), { recursive: true, force: true });
    // ip_forward stays on: other software on the host may rely on it by now.
  }

  setUp(pod: PodLike, sandbox: SandboxRef): Promise<PodNetworkAddresses> {
    return this.serialize(sandbox.id, () => this.doSetUp(pod, sandbox));
  }

  tearDown(pod: PodLike, sandbox: SandboxRef): Promise<void> {
    return this.serialize(sandbox.id, () => this.doTearDown(pod, sandbox));
  }

  /**
   * The attachments this node's cache knows of, for garbage collection after a restart:
   * the kubelet compares them with the runtime's sandboxes and releases the orphans.
   */
  async listAttachments(): Promise<Array<{ sandboxId: string; netnsPath: string; podRef: string }>> {
    const entries = await this.cache.list(this.confList.name);
    return entries.map((e) => ({ sandboxId: e.containerId, netnsPath: e.netns, podRef: e.podRef }));
  }

  /** Releases a sandbox's attachment knowing only its id (the pod may be long gone). */
  tearDownSandbox(sandboxId: string): Promise<void> {
    return this.serialize(sandboxId, async () => {
      const cached = await this.cache.get(this.confList.name, sandboxId, POD_IFNAME);
      if (cached) await this.delete(cached);
    });
  }

  private async doSetUp(pod: PodLike, sandbox: SandboxRef): Promise<PodNetworkAddresses> {
    const podRef = podRefOf(pod);
    if (!sandbox.netnsPath) {
      // hostNetwork sandboxes have no namespace of their own; the kubelet must not attach them.
      throw new PodNetworkSetupError(`pod ${podRef}: sandbox ${sandbox.id} has no network namespace to attach`);
    }
    const existing = await this.cache.get(this.confList.name, sandbox.id, POD_IFNAME);
    if (existing?.result && existing.netns === sandbox.netnsPath && (await isLiveNetns(sandbox.netnsPath))) {
      // Already attached (a retried sync or a restarted agent): the same addresses,
      // provided the plugins agree the attachment is still intact (CHECK, unless the
      // list disables it).
      try {
        await checkNetworkList(existing.config, this.attachmentOf(existing), existing.result);
        return addressesOf(existing.result, podRef);
      } catch (err) {
        this.log.warn(`pod network: CHECK of ${podRef} failed, attaching again: ${(err as Error).message}`);
      }
    }
    if (existing) await this.delete(existing);

    const att: Attachment = {
      pluginDir: this.pluginDir,
      containerId: sandbox.id,
      netns: sandbox.netnsPath,
      ifName: POD_IFNAME,
      cniArgs: cniArgsFor(pod, sandbox.id),
      capabilityArgs: capabilityArgsOf(pod, podRef),
      podRef,
    };
    const entry: CachedAttachment = {
      kind: 'cniCacheV1',
      containerId: sandbox.id,
      ifName: POD_IFNAME,
      networkName: this.confList.name,
      netns: sandbox.netnsPath,
      cniArgs: att.cniArgs,
      capabilityArgs: att.capabilityArgs,
      config: attachmentList(this.confList, att.capabilityArgs),
      podRef,
    };
    // Recorded before ADD so that a crash half-way still leaves enough to DEL with.
    await this.cache.put(entry);
    try {
      // lo and eth0 are separate attachments that touch nothing of each other's: the
      // loopback plugin runs beside the bridge chain rather than before it.
      // Both settle before a failure is handled, so the cleanup's DEL never overlaps an ADD.
      const [lo, eth] = await Promise.allSettled([
        addNetworkList(loopbackConf(), { ...att, ifName: 'lo', capabilityArgs: {} }),
        addNetworkList(entry.config, att),
      ]);
      if (lo.status === 'rejected') throw lo.reason;
      if (eth.status === 'rejected') throw eth.reason;
      const result = eth.value;
      const addrs = addressesOf(result, podRef);
      await this.cache.put({ ...entry, result });
      return addrs;
    } catch (err) {
      // Undo the half-made attachment (released IP, removed veth) as runtimes do.
      await this.delete(entry).catch((e: unknown) =>
        this.log.warn(`pod network: cleanup after failed ADD of ${podRef}: ${(e as Error).message}`));
      throw err;
    }
  }

  private async doTearDown(pod: PodLike, sandbox: SandboxRef): Promise<void> {
    const cached = await this.cache.get(this.confList.name, sandbox.id, POD_IFNAME);
    if (cached) return this.delete(cached);
    // Nothing cached (never set up, or the cache was lost): DEL with the current
    // configuration anyway; the plugins treat missing state as success.
    const podRef = podRefOf(pod);
    await delNetworkList(this.confList, {
      pluginDir: this.pluginDir,
      containerId: sandbox.id,
      netns: (await isLiveNetns(sandbox.netnsPath)) ? sandbox.netnsPath : '',
      ifName: POD_IFNAME,
      cniArgs: cniArgsFor(pod, sandbox.id),
      // The annotations may be bad (setUp refused them); DEL needs no shaping figures.
      capabilityArgs: { portMappings: portMappingsOf(pod) },
      podRef,
    }, undefined);
  }

  /** DEL of a cached attachment with exactly what ADD used, then forgets it. */
  private async delete(entry: CachedAttachment): Promise<void> {
    const att = this.attachmentOf(entry);
    if (!(await isLiveNetns(att.netns))) att.netns = '';
    await delNetworkList(entry.config, att, entry.result);
    await this.cache.delete(entry.networkName, entry.containerId, entry.ifName);
  }

  private attachmentOf(entry: CachedAttachment): Attachment {
    return {
      pluginDir: this.pluginDir,
      containerId: entry.containerId,
      netns: entry.netns,
      ifName: entry.ifName,
      cniArgs: entry.cniArgs,
      capabilityArgs: entry.capabilityArgs,
      podRef: entry.podRef,
    };
  }

  private serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => {});
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return next;
  }
}

function capabilityArgsOf(pod: PodLike, podRef: string): CapabilityArgs {
  const args: CapabilityArgs = { portMappings: portMappingsOf(pod) };
  const bw = bandwidthOf(pod, podRef);
  if (bw) args.bandwidth = bw;
  return args;
}

function podRefOf(pod: PodLike): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

function addressesOf(result: Parameters<typeof podIPsOf>[0], podRef: string): PodNetworkAddresses {
  const ips = podIPsOf(result);
  if (ips.length === 0) throw new CniPluginError(podRef, 'bridge', 'ADD', 0, 'result has no IP address for the pod interface');
  return { ip: ips[0]!, ips };
}
