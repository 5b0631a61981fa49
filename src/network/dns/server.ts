// The cluster DNS server: UDP and TCP listeners in front of answer(), with the zone
// rebuilt from Service and EndpointSlice informers, and everything outside the cluster
// forwarded to upstream resolvers (UDP first, TCP when the upstream truncates).

import dgram from 'node:dgram';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Informer, ListWatchClient } from '../../client/informer.js';
import type { Logger } from '../../client/log.js';
import { answer, replyTo } from './answer.js';
import { hostUpstreams } from './resolv.js';
import { frame, parseEndpoint, queryTcp, queryUdp, TcpFramer, type Endpoint } from './transport.js';
import { decodeMessage, encodeMessage, encodeTruncated, ipv6Bytes, Rcode, udpLimit, type Message } from './wire.js';
import { buildZone, type EndpointSliceObject, type ServiceObject, type Zone } from './zone.js';

/** See currentZone(). */
const REBUILD_MIN_INTERVAL_MS = 50;
/** Distinct queries remembered per zone; past this the cache starts over (names are few, query spellings many). */
const REPLY_CACHE_SIZE = 10_000;

export interface ClusterDnsOptions {
  client: ListWatchClient;
  clusterDomain?: string;
  listen: Endpoint[];
  /** `ip` or `ip:port`; default the nameservers of /etc/resolv.conf, minus our own addresses. */
  upstreams?: string[];
  log: Logger;
  /** Shared informers (the integrator's); default a factory of our own, started and stopped here. */
  informers?: InformerFactory;
  forwardTimeoutMs?: number;
  ttl?: number;
}

export class ClusterDns {
  private readonly udp: dgram.Socket[] = [];
  private readonly tcp: net.Server[] = [];
  private readonly conns = new Set<net.Socket>();
  private readonly factory: InformerFactory;
  private readonly ownFactory: boolean;
  private readonly domain: string;
  private readonly upstreams: Endpoint[];
  private zone?: Zone;
  private dirty = true;
  private builtAt = 0;
  /** Encoded UDP replies of the current zone by query bytes past the id (see cachedReply). */
  private readonly replies = new Map<string, Buffer>();
  private readonly services: Informer<ServiceObject>;
  private readonly slices: Informer<EndpointSliceObject>;
  /** The addresses actually bound (port 0 becomes the port chosen). */
  readonly bound: Endpoint[] = [];

  constructor(private readonly opts: ClusterDnsOptions) {
    this.domain = (opts.clusterDomain ?? 'cluster.local').toLowerCase().replace(/\.$/, '');
    this.ownFactory = !opts.informers;
    this.factory = opts.informers ?? new InformerFactory({ client: opts.client, log: opts.log });
    this.services = this.factory.informer<ServiceObject>({ resource: { group: '', version: 'v1', resource: 'services' } });
    this.slices = this.factory.informer<EndpointSliceObject>({ resource: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' } });
    const mark = { onAdd: () => (this.dirty = true), onUpdate: () => (this.dirty = true), onDelete: () => (this.dirty = true) };
    this.services.addEventHandler(mark);
    this.slices.addEventHandler(mark);
    this.upstreams = opts.upstreams ? opts.upstreams.map(parseEndpoint) : hostUpstreams(opts.listen);
  }

  async start(): Promise<void> {
    if (this.ownFactory) this.factory.start();
    else {
      this.services.start();
      this.slices.start();
    }
    try {
      for (const l of this.opts.listen) await this.listenRetrying(l);
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.opts.log.info(`cluster DNS for ${this.domain} on ${this.bound.map((b) => `${b.address}:${b.port}`).join(', ')}`);
  }

  /** Resolves once both informers have listed (answers before that see an empty zone). */
  waitForSync(): Promise<boolean> {
    return Promise.all([this.services.waitForSync(), this.slices.waitForSync()]).then((r) => r.every(Boolean));
  }

  async stop(): Promise<void> {
    for (const s of this.udp.splice(0)) await new Promise<void>((r) => s.close(() => r()));
    for (const c of this.conns) c.destroy();
    for (const s of this.tcp.splice(0)) await new Promise<void>((r) => s.close(() => r()));
    if (this.ownFactory) await this.factory.stop();
  }

  /**
   * With port 0, UDP picks a free port and TCP must then take the same number, which
   * another TCP socket may hold: pick again a few times before giving up.
   */
  private async listenRetrying(l: Endpoint): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.listen(l);
      } catch (err) {
        if (l.port !== 0 || attempt >= 5 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
  }

  private async listen(l: Endpoint): Promise<void> {
    const family = net.isIPv6(l.address) ? 'udp6' : 'udp4';
    // A larger receive buffer than the kernel's default (208 KiB) rides out bursts, such as
    // many pods starting at once, instead of dropping queries that then wait out a client timeout.
    // Replies go to the address a query came from, always an IP literal: answering the
    // socket's per-send lookup at once skips dns.lookup's deferred callback on every reply.
    const literal = (address: string, _opts: unknown, callback: (err: null, address: string, family: number) => void) =>
      callback(null, address, family === 'udp6' ? 6 : 4);
    const udp = dgram.createSocket({ type: family, reuseAddr: false, recvBufferSize: 1 << 20, lookup: literal });
    udp.on('message', (msg, rinfo) => {
      const hit = this.cachedReply(msg);
      if (hit) {
        udp.send(hit, rinfo.port, rinfo.address);
        return;
      }
      void this.safeHandle(msg, false).then((out) => {
        if (!out) return;
        try {
          udp.send(out, rinfo.port, rinfo.address);
        } catch {
          // The socket closed (stop()) while the answer was being made.
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(l.port, l.address, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    udp.on('error', (e) => this.opts.log.warn(`cluster DNS UDP socket: ${e.message}`));
    const port = udp.address().port;
    const tcp = net.createServer((sock) => this.serveTcp(sock));
    // TCP binds the same port UDP was given, so port 0 means one port for both.
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, l.address, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      udp.close();
      throw err;
    }
    this.udp.push(udp);
    this.tcp.push(tcp);
    this.bound.push({ address: l.address, port });
  }

  private serveTcp(sock: net.Socket): void {
    this.conns.add(sock);
    sock.on('close', () => this.conns.delete(sock));
    sock.on('error', () => sock.destroy());
    // Idle connections are closed after a while, as RFC 7766 lets a server do.
    sock.setTimeout(10_000, () => sock.destroy());
    const framer = new TcpFramer((msg) => {
      void this.safeHandle(msg, true).then((out) => out && !sock.destroyed && sock.write(frame(out)));
    });
    sock.on('data', (c: Buffer) => framer.push(c));
  }

  private currentZone(): Zone {
    // While objects keep changing (a thousand EndpointSlices being written, say), a rebuild
    // per query would cost O(services) each; answers may lag the informers by this much.
    if (!this.zone || (this.dirty && performance.now() - this.builtAt >= REBUILD_MIN_INTERVAL_MS)) {
      this.dirty = false;
      this.zone = buildZone({ clusterDomain: this.domain, services: this.services.lister.list(), endpointSlices: this.slices.lister.list(), ttl: this.opts.ttl, ipv6Bytes });
      this.builtAt = performance.now();
      this.replies.clear();
    }
    return this.zone;
  }

  /**
   * The reply to a UDP query answered before from the same zone: the same bytes past
   * the id (flags, question, EDNS) give the same reply, so it is copied with the new id.
   * Only replies made from the zone alone are kept (not forwarded or chased ones).
   */
  private cachedReply(raw: Buffer): Buffer | undefined {
    if (raw.length < 12 || raw.length > 512 || this.replies.size === 0) return undefined;
    this.currentZone();
    const hit = this.replies.get(raw.toString('latin1', 2));
    if (!hit) return undefined;
    const out = Buffer.allocUnsafe(hit.length);
    hit.copy(out);
    out[0] = raw[0]!;
    out[1] = raw[1]!;
    return out;
  }

  private remember(raw: Buffer, out: Buffer): void {
    if (raw.length > 512) return;
    if (this.replies.size >= REPLY_CACHE_SIZE) this.replies.clear();
    this.replies.set(raw.toString('latin1', 2), out);
  }

  /** handle(), with any failure (a name that cannot be encoded, say) answered SERVFAIL instead of thrown. */
  private async safeHandle(raw: Buffer, overTcp: boolean): Promise<Buffer | undefined> {
    try {
      return await this.handle(raw, overTcp);
    } catch (e) {
      this.opts.log.warn(`cluster DNS: answering a query failed: ${(e as Error).message}`);
      try {
        return encodeMessage(replyTo(decodeMessage(raw), Rcode.SERVFAIL));
      } catch {
        return undefined;
      }
    }
  }

  /** The reply bytes for one query, or undefined to stay silent (garbage, or a response). */
  async handle(raw: Buffer, overTcp: boolean): Promise<Buffer | undefined> {
    let query: Message;
    try {
      query = decodeMessage(raw);
    } catch {
      if (raw.length < 12 || raw[2]! & 0x80) return undefined;
      // Unparseable past the header: FORMERR with the id, as RFC 1035 asks.
      const r = Buffer.alloc(12);
      raw.copy(r, 0, 0, 4);
      r[2] = (r[2]! & 0x79) | 0x80;
      r[3] = Rcode.FORMERR;
      return r;
    }
    if (query.qr) return undefined;
    const limit = overTcp ? 65535 : udpLimit(query);
    let reply = answer(query, { zone: this.currentZone(), ttl: this.opts.ttl });
    const synced = this.services.hasSynced() && this.slices.hasSynced();
    // Before the first list an empty zone would deny names that exist: SERVFAIL makes
    // clients retry instead of caching NXDOMAIN, as CoreDNS does while not yet synced.
    if (reply && reply.rcode === Rcode.NXDOMAIN && !synced) reply = { ...reply, rcode: Rcode.SERVFAIL, authorities: [] };
    if (!reply) return this.forward(raw, query, limit);
    const cname = reply.answers.length === 1 ? reply.answers[0]!.data : undefined;
    if (cname?.kind === 'CNAME' && query.questions[0]!.type !== 5) return encodeTruncated(await this.chase(reply, cname.target, query), limit);
    const out = encodeTruncated(reply, limit);
    if (!overTcp && synced) this.remember(raw, out);
    return out;
  }

  /** An ExternalName's target outside the cluster: asks upstream, as CoreDNS does, and appends. */
  private async chase(reply: Message, target: string, query: Message): Promise<Message> {
    const sub = { ...query, id: (Math.random() * 0xffff) | 0, questions: [{ ...query.questions[0]!, name: target }], edns: undefined };
    const out = await this.ask(encodeMessage(sub));
    if (!out) return reply;
    try {
      const m = decodeMessage(out);
      return { ...reply, answers: [...reply.answers, ...m.answers] };
    } catch {
      return reply;
    }
  }

  private async forward(raw: Buffer, query: Message, limit: number): Promise<Buffer> {
    const out = await this.ask(raw);
    if (!out) return encodeMessage(replyTo(query, Rcode.SERVFAIL));
    if (out.length <= limit) return out;
    // The upstream answered over TCP with more than this UDP client takes.
    try {
      return encodeTruncated(decodeMessage(out), limit);
    } catch {
      return encodeMessage({ ...replyTo(query, Rcode.NOERROR), tc: true });
    }
  }

  /** Each upstream in turn: UDP with a timeout, then TCP if the answer came truncated. */
  private async ask(raw: Buffer): Promise<Buffer | undefined> {
    const timeout = this.opts.forwardTimeoutMs ?? 2000;
    for (const u of this.upstreams) {
      try {
        const out = await queryUdp(u, raw, timeout);
        if (out.length > 2 && out[2]! & 0x02) return await queryTcp(u, raw, timeout);
        return out;
      } catch (e) {
        this.opts.log.warn(`cluster DNS: upstream ${u.address}:${u.port}: ${(e as Error).message}`);
      }
    }
    return undefined;
  }
}
