// The addresses a service answers on from outside the cluster besides its NodePorts:
// spec.externalIPs and its load balancer's IPs, and the client ranges
// (loadBalancerSourceRanges) allowed to reach the latter. IPv4 only: the table is `ip`.
import type { Service } from './types.js';

/** spec.externalIPs (IPv4; this table is `ip`). */
export function externalIPs(svc: Service): string[] {
  return [...new Set((svc.spec?.externalIPs ?? []).map((a) => a.trim()).filter(isIPv4))];
}

/** The load balancer's VIPs: status ingress IPs, except those in ipMode Proxy (the LB proxies itself). */
export function loadBalancerIPs(svc: Service): string[] {
  if (svc.spec?.type !== 'LoadBalancer') return [];
  const ips = (svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ip && i.ipMode !== 'Proxy').map((i) => i.ip!);
  return [...new Set(ips.filter(isIPv4))];
}

export const sourceRangesAnnotation = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/**
 * loadBalancerSourceRanges (or the older annotation) as IPv4 networks, nested ranges
 * folded into the wider one (nft refuses overlapping intervals in one set); undefined
 * when unrestricted, [] when only non-IPv4 ranges are allowed.
 */
export function sourceRanges(svc: Service): string[] | undefined {
  let list = svc.spec?.loadBalancerSourceRanges ?? [];
  if (list.length === 0) list = (svc.metadata.annotations?.[sourceRangesAnnotation] ?? '').split(',');
  list = list.map((r) => r.trim()).filter((r) => r !== '');
  if (list.length === 0) return undefined;
  const nets = list.map(parseV4Cidr).filter((n): n is V4Net => n !== undefined).sort((a, b) => a.bits - b.bits || a.base - b.base);
  const kept: V4Net[] = [];
  for (const n of nets) if (!kept.some((k) => k.bits <= n.bits && (n.base & maskOf(k.bits)) >>> 0 === k.base)) kept.push(n);
  return kept.map((n) => `${[24, 16, 8, 0].map((s) => (n.base >>> s) & 255).join('.')}/${n.bits}`);
}

interface V4Net { base: number; bits: number }

const maskOf = (bits: number): number => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);

function parseV4Cidr(cidr: string): V4Net | undefined {
  const [addr, len] = cidr.split('/');
  if (!addr || !isIPv4(addr)) return undefined;
  const bits = len === undefined ? 32 : Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const n = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  return { base: (n & maskOf(bits)) >>> 0, bits };
}

export function isIPv4(ip: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);
}
