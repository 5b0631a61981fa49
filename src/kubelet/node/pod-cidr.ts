// Pod CIDRs: a /24 per node out of the cluster CIDR (10.42.0.0/16 by default), kept in
// node.spec.podCIDR. The control plane's node-IPAM controller assigns them with
// `allocatePodCIDR`; the kubelet only waits for its own with `waitForPodCIDR`.

import { realClock, sleep, type Clock } from '../../client/clock.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';

export class PodCIDRExhaustedError extends Error {
  constructor(readonly clusterCIDR: string) {
    super(`no free /24 left in cluster CIDR ${clusterCIDR}`);
    this.name = 'PodCIDRExhaustedError';
  }
}

export class InvalidCIDRError extends Error {
  constructor(readonly cidr: string) {
    super(`invalid IPv4 CIDR ${JSON.stringify(cidr)}`);
    this.name = 'InvalidCIDRError';
  }
}

interface NodeLike { spec?: { podCIDR?: string; podCIDRs?: string[] } }

function parseV4(cidr: string): { base: number; bits: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m) throw new InvalidCIDRError(cidr);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) throw new InvalidCIDRError(cidr);
  const ip = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (ip & mask) >>> 0, bits };
}

function formatV4(ip: number, bits: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}/${bits}`;
}

/**
 * The lowest /24 of `clusterCIDR` that no existing node holds (10.42.0.0/24 first, as
 * k3s gives its first node). Pure: the caller updates the node, and on a conflict
 * reads the nodes again and asks anew.
 */
export function allocatePodCIDR(existingNodes: readonly NodeLike[], clusterCIDR = '10.42.0.0/16', nodeMaskBits = 24): string {
  const cluster = parseV4(clusterCIDR);
  if (nodeMaskBits < cluster.bits || nodeMaskBits > 32) throw new InvalidCIDRError(`${clusterCIDR} cannot hold /${nodeMaskBits} blocks`);
  const used = new Set<number>();
  for (const n of existingNodes) {
    for (const c of [n.spec?.podCIDR, ...(n.spec?.podCIDRs ?? [])]) {
      if (!c || c.includes(':')) continue;
      try { used.add(parseV4(c).base); } catch { /* a malformed CIDR holds nothing */ }
    }
  }
  const count = 2 ** (nodeMaskBits - cluster.bits);
  const step = 2 ** (32 - nodeMaskBits);
  for (let i = 0; i < count; i++) {
    const base = (cluster.base + i * step) >>> 0;
    if (!used.has(base)) return formatV4(base, nodeMaskBits);
  }
  throw new PodCIDRExhaustedError(clusterCIDR);
}

export interface WaitForPodCIDROptions {
  /** Default 500 ms. */
  pollMs?: number;
  signal?: AbortSignal;
  clock?: Clock;
}

/** Polls the Node until the control plane has given it spec.podCIDR; resolves with it (undefined if aborted). */
export async function waitForPodCIDR(client: RestClient, nodeName: string, opts: WaitForPodCIDROptions = {}): Promise<string | undefined> {
  const clock = opts.clock ?? realClock;
  while (!opts.signal?.aborted) {
    try {
      const node = await client.get<KObject & NodeLike>(`/api/v1/nodes/${encodeURIComponent(nodeName)}`, undefined, opts.signal);
      const cidr = node.spec?.podCIDR ?? node.spec?.podCIDRs?.[0];
      if (cidr) return cidr;
    } catch {
      // Not registered yet, or the server is away: keep asking.
    }
    await sleep(clock, opts.pollMs ?? 500, opts.signal);
  }
  return undefined;
}
