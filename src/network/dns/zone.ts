// The cluster zone as CoreDNS's kubernetes plugin serves it, built from Services and
// EndpointSlices in one pure pass: every owner name with its records, and every name
// that exists (with empty non-terminals such as `ns.svc.cluster.local`), so an answer
// can tell NXDOMAIN from NODATA. The zone is rebuilt whenever the informers change.

import type { KObject } from '../../client/types.js';
import { RecordType, type RecordData } from './wire.js';

export interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string;
}

export interface ServiceObject extends KObject {
  spec?: { type?: string; clusterIP?: string; clusterIPs?: string[]; externalName?: string; ports?: ServicePort[] };
}

export interface EndpointSliceObject extends KObject {
  addressType?: string;
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean }; hostname?: string }[];
  ports?: ServicePort[] | null;
}

export interface ZoneRecord {
  type: number;
  data: RecordData;
}

export interface Zone {
  /** The cluster domain, lower case, without the trailing dot. */
  domain: string;
  serial: number;
  /** Lower-cased owner name -> its records. Reverse (in-addr.arpa, ip6.arpa) names are here too. */
  records: Map<string, ZoneRecord[]>;
  /** Every name in the cluster domain that exists, with or without records. */
  names: Set<string>;
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function soaData(domain: string, serial: number, ttl: number): RecordData {
  // CoreDNS's SOA for the cluster zone: refresh 2 h, retry 30 min, expire 1 day.
  return { kind: 'SOA', mname: `ns.dns.${domain}`, rname: `hostmaster.${domain}`, serial, refresh: 7200, retry: 1800, expire: 86400, minimum: ttl };
}

/** `10.0.0.1` -> `1.0.0.10.in-addr.arpa`; IPv6 as reversed nibbles under ip6.arpa. */
export function reverseName(ip: string, ipv6Hex?: (ip: string) => Buffer): string | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (ip.includes(':') && ipv6Hex) return `${[...ipv6Hex(ip).toString('hex')].reverse().join('.')}.ip6.arpa`;
  return undefined;
}

/** The label CoreDNS gives an endpoint without a hostname: its address with dashes. */
export function endpointLabel(ip: string, hostname?: string): string {
  if (hostname) return hostname;
  return ip.replace(/[.:]/g, '-');
}

function isIp(ip: string | undefined): ip is string {
  return !!ip && ip !== 'None' && (/^\d+\.\d+\.\d+\.\d+$/.test(ip) || ip.includes(':'));
}

function addressRecord(ip: string): ZoneRecord {
  return ip.includes(':') ? { type: RecordType.AAAA, data: { kind: 'AAAA', address: ip } } : { type: RecordType.A, data: { kind: 'A', address: ip } };
}

export interface BuildZoneInput {
  clusterDomain: string;
  services: ServiceObject[];
  endpointSlices: EndpointSliceObject[];
  serial?: number;
  ttl?: number;
  ipv6Bytes?: (ip: string) => Buffer;
}

export function buildZone(input: BuildZoneInput): Zone {
  const domain = input.clusterDomain.toLowerCase().replace(/\.$/, '');
  const serial = input.serial ?? Math.floor(Date.now() / 1000);
  const zone: Zone = { domain, serial, records: new Map(), names: new Set() };
  const seen = new Set<string>();
  const add = (name: string, rec: ZoneRecord) => {
    const n = name.toLowerCase();
    const key = `${n} ${JSON.stringify(rec)}`;
    if (seen.has(key)) return;
    seen.add(key);
    let list = zone.records.get(n);
    if (!list) zone.records.set(n, (list = []));
    list.push(rec);
    markExists(zone, n);
  };
  add(domain, { type: RecordType.SOA, data: soaData(domain, serial, input.ttl ?? 5) });
  add(domain, { type: RecordType.NS, data: { kind: 'NS', target: `ns.dns.${domain}` } });
  // The schema version record of the Kubernetes DNS specification.
  add(`dns-version.${domain}`, { type: RecordType.TXT, data: { kind: 'raw', bytes: Buffer.from('\x051.1.0', 'latin1') } });
  markExists(zone, `svc.${domain}`);
  markExists(zone, `pod.${domain}`);

  const slicesByService = new Map<string, EndpointSliceObject[]>();
  for (const s of input.endpointSlices) {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const key = `${s.metadata.namespace ?? ''}/${svc}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), s]);
  }

  for (const svc of input.services) {
    const ns = svc.metadata.namespace ?? '';
    const name = svc.metadata.name ?? '';
    if (!ns || !name) continue;
    const base = `${name}.${ns}.svc.${domain}`.toLowerCase();
    markExists(zone, base);
    const spec = svc.spec ?? {};
    if (spec.type === 'ExternalName') {
      if (spec.externalName) add(base, { type: RecordType.CNAME, data: { kind: 'CNAME', target: spec.externalName.replace(/\.$/, '') } });
      continue;
    }
    const headless = spec.clusterIP === 'None';
    const srv: { owner: string; port: number; target: string }[] = [];
    if (!headless) {
      const ips = (spec.clusterIPs?.length ? spec.clusterIPs : [spec.clusterIP]).filter(isIp);
      for (const ip of ips) {
        add(base, addressRecord(ip));
        const rev = reverseName(ip, input.ipv6Bytes);
        if (rev) add(rev, { type: RecordType.PTR, data: { kind: 'PTR', target: base } });
      }
      if (ips.length > 0) {
        for (const p of spec.ports ?? []) {
          if (!p.port) continue;
          if (p.name) srv.push({ owner: `_${p.name}._${(p.protocol ?? 'TCP').toLowerCase()}.${base}`, port: p.port, target: base });
          srv.push({ owner: base, port: p.port, target: base });
        }
      }
    } else {
      for (const slice of slicesByService.get(`${ns}/${name}`) ?? []) {
        if (slice.addressType === 'FQDN') continue;
        for (const ep of slice.endpoints ?? []) {
          // A nil ready condition means ready, as the EndpointSlice API says.
          if (ep.conditions?.ready === false) continue;
          for (const ip of (ep.addresses ?? []).filter(isIp)) {
            const host = `${endpointLabel(ip, ep.hostname)}.${base}`.toLowerCase();
            add(base, addressRecord(ip));
            add(host, addressRecord(ip));
            const rev = reverseName(ip, input.ipv6Bytes);
            if (rev) add(rev, { type: RecordType.PTR, data: { kind: 'PTR', target: host } });
            for (const p of slice.ports ?? []) {
              if (!p.port) continue;
              if (p.name) srv.push({ owner: `_${p.name}._${(p.protocol ?? 'TCP').toLowerCase()}.${base}`, port: p.port, target: host });
              srv.push({ owner: base, port: p.port, target: host });
            }
          }
        }
      }
    }
    // CoreDNS spreads the weight evenly over the records of one owner name.
    const perOwner = new Map<string, number>();
    for (const s of srv) perOwner.set(s.owner, (perOwner.get(s.owner) ?? 0) + 1);
    for (const s of srv) {
      const weight = Math.max(1, Math.floor(100 / perOwner.get(s.owner)!));
      add(s.owner, { type: RecordType.SRV, data: { kind: 'SRV', priority: 0, weight, port: s.port, target: s.target } });
    }
  }
  return zone;
}

/** Marks a name and each ancestor down to the zone apex as existing. */
function markExists(zone: Zone, name: string): void {
  if (!(name === zone.domain || name.endsWith(`.${zone.domain}`))) return;
  let n = name;
  while (n !== zone.domain && !zone.names.has(n)) {
    zone.names.add(n);
    n = n.slice(n.indexOf('.') + 1);
  }
  zone.names.add(zone.domain);
}
