// The kernel's routing table through iproute2. Our routes carry a protocol number of
// their own (and a metric of their own), so that listing, replacing and deleting only
// ever touches routes this manager made: the kernel matches `ip route del ... proto N`
// on the protocol, and `replace` only collides with a route of the same destination and
// metric, which we look for first.
import { execFile } from 'node:child_process';
import { RouteCommandError } from './errors.js';
import type { LocalAddress } from './desired.js';

/** Unassigned in /etc/iproute2/rt_protos (0-4 are the kernel's, 8-192 partly taken by routing daemons). */
export const DEFAULT_ROUTE_PROTOCOL = 75;
export const DEFAULT_ROUTE_METRIC = 75;

export interface KernelRoute {
  dst: string;
  via: string;
  dev: string;
  metric: number;
}

/** The seam between the manager and the kernel (tests of the loop give their own). */
export interface RouteTable {
  /** The metric our routes are made with. */
  readonly metric: number;
  /** The routes carrying our protocol in the main table. */
  listOwn(): Promise<KernelRoute[]>;
  /** Whether a route we did not make holds dst at our metric (replace would overwrite it). */
  foreignRouteAt(dst: string): Promise<boolean>;
  replace(r: { dst: string; via: string; dev: string }): Promise<void>;
  delete(r: KernelRoute): Promise<void>;
  /** This host's IPv4 addresses of global scope. */
  localAddresses(): Promise<LocalAddress[]>;
}

export type IpRunner = (args: string[]) => Promise<string>;

export const runIp: IpRunner = (args) =>
  new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: 30_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new RouteCommandError(`ip ${args.join(' ')} failed: ${String(stderr).trim() || err.message}`, args, { cause: err }));
      else resolve(String(stdout));
    });
  });

interface IpJsonRoute {
  dst?: string;
  gateway?: string;
  dev?: string;
  metric?: number;
  protocol?: string;
}

interface IpJsonLink {
  ifname?: string;
  addr_info?: Array<{ family?: string; local?: string; prefixlen?: number; scope?: string }>;
}

function parseJson<T>(text: string): T[] {
  const t = text.trim();
  return t === '' ? [] : (JSON.parse(t) as T[]);
}

/** `ip -j` writes a host route's dst without its /32. */
function withLength(dst: string): string {
  return dst.includes('/') ? dst : `${dst}/32`;
}

export interface IpRouteTableOptions {
  protocol?: number;
  metric?: number;
  ip?: IpRunner;
}

export class IpRouteTable implements RouteTable {
  readonly protocol: number;
  readonly metric: number;
  private readonly ip: IpRunner;

  constructor(o: IpRouteTableOptions = {}) {
    this.protocol = o.protocol ?? DEFAULT_ROUTE_PROTOCOL;
    this.metric = o.metric ?? DEFAULT_ROUTE_METRIC;
    this.ip = o.ip ?? runIp;
  }

  async listOwn(): Promise<KernelRoute[]> {
    const out = await this.ip(['-j', '-4', 'route', 'show', 'table', 'main', 'proto', String(this.protocol)]);
    return parseJson<IpJsonRoute>(out)
      .filter((r) => r.dst && r.gateway && r.dev)
      .map((r) => ({ dst: withLength(r.dst!), via: r.gateway!, dev: r.dev!, metric: r.metric ?? 0 }));
  }

  async foreignRouteAt(dst: string): Promise<boolean> {
    const all = parseJson<IpJsonRoute>(await this.ip(['-j', '-4', 'route', 'show', 'table', 'main', 'exact', dst]));
    const ours = parseJson<IpJsonRoute>(await this.ip(['-j', '-4', 'route', 'show', 'table', 'main', 'exact', dst, 'proto', String(this.protocol)]));
    const atMetric = (rs: IpJsonRoute[]) => rs.filter((r) => (r.metric ?? 0) === this.metric).length;
    return atMetric(all) > atMetric(ours);
  }

  async replace(r: { dst: string; via: string; dev: string }): Promise<void> {
    await this.ip(['-4', 'route', 'replace', r.dst, 'via', r.via, 'dev', r.dev, 'proto', String(this.protocol), 'metric', String(this.metric), 'table', 'main']);
  }

  async delete(r: KernelRoute): Promise<void> {
    try {
      await this.ip(['-4', 'route', 'del', r.dst, 'via', r.via, 'dev', r.dev, 'proto', String(this.protocol), 'metric', String(r.metric), 'table', 'main']);
    } catch (err) {
      // Gone already (its device went away, or another sync got there first): the goal is met.
      if (err instanceof RouteCommandError && /No such process|Cannot find device/.test(err.message)) return;
      throw err;
    }
  }

  async localAddresses(): Promise<LocalAddress[]> {
    const links = parseJson<IpJsonLink>(await this.ip(['-j', '-4', 'addr', 'show']));
    const out: LocalAddress[] = [];
    for (const l of links) {
      for (const a of l.addr_info ?? []) {
        if (a.family === 'inet' && a.scope === 'global' && a.local && l.ifname && typeof a.prefixlen === 'number') {
          out.push({ dev: l.ifname, address: a.local, prefixLen: a.prefixlen });
        }
      }
    }
    return out;
  }
}
