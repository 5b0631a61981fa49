// Answers one query from the cluster zone, as CoreDNS's kubernetes plugin does; a pure
// function of the query and the zone, so it is tested without sockets. Answers
// `undefined` for a query that is not the cluster's to answer: the server forwards it.

import { CLASS_IN, Rcode, RecordType, type Message, type ResourceRecord } from './wire.js';
import { soaData, type Zone, type ZoneRecord } from './zone.js';

export interface AnswerState {
  zone: Zone;
  /** TTL of every record; CoreDNS's kubernetes plugin defaults to 5 s. */
  ttl?: number;
}

/** The EDNS payload size this server advertises (the DNS flag day 2020 value). */
export const SERVER_PAYLOAD_SIZE = 1232;

export function replyTo(query: Message, rcode: number): Message {
  const r: Message = {
    id: query.id,
    qr: true,
    opcode: query.opcode,
    aa: false,
    tc: false,
    rd: query.rd,
    ra: true,
    rcode,
    questions: query.questions.slice(0, 1),
    answers: [],
    authorities: [],
    additionals: [],
  };
  if (query.edns) r.edns = { payloadSize: SERVER_PAYLOAD_SIZE, extendedRcode: 0, version: 0, flags: query.edns.flags & 0x8000, options: Buffer.alloc(0) };
  return r;
}

function inZone(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

/** `a-b-c-d.ns.pod.<domain>`: the A record CoreDNS's "pods insecure" mode answers without looking. */
function podRecords(name: string, domain: string): ZoneRecord[] | undefined {
  const suffix = `.pod.${domain}`;
  if (!name.endsWith(suffix)) return undefined;
  const labels = name.slice(0, -suffix.length).split('.');
  if (labels.length !== 2) return undefined;
  const parts = labels[0]!.split('-');
  if (parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return [{ type: RecordType.A, data: { kind: 'A', address: parts.map(Number).join('.') } }];
  return undefined;
}

function toRecords(owner: string, recs: ZoneRecord[], ttl: number): ResourceRecord[] {
  return recs.map((r) => ({ name: owner, type: r.type, class: CLASS_IN, ttl, data: r.data }));
}

export function answer(query: Message, state: AnswerState): Message | undefined {
  const zone = state.zone;
  const ttl = state.ttl ?? 5;
  if (query.qr) return undefined;
  if (query.opcode !== 0) return replyTo(query, Rcode.NOTIMP);
  if (query.questions.length !== 1) return replyTo(query, Rcode.FORMERR);
  const q = query.questions[0]!;
  const name = q.name.toLowerCase();
  if (!inZone(name, zone.domain)) {
    // Reverse names of cluster addresses are ours; any other reverse name is forwarded.
    if (q.type === RecordType.PTR && (name.endsWith('.in-addr.arpa') || name.endsWith('.ip6.arpa'))) {
      const recs = zone.records.get(name)?.filter((r) => r.type === RecordType.PTR);
      if (recs?.length) return { ...replyTo(query, Rcode.NOERROR), aa: true, answers: toRecords(q.name, recs, ttl) };
    }
    return undefined;
  }
  if (query.edns && query.edns.version > 0) return replyTo(query, 16 /* BADVERS */);
  const reply = { ...replyTo(query, Rcode.NOERROR), aa: true };
  const soa: ResourceRecord = { name: zone.domain, type: RecordType.SOA, class: CLASS_IN, ttl, data: soaData(zone.domain, zone.serial, ttl) };
  const recs = zone.records.get(name) ?? podRecords(name, zone.domain);
  if (!recs && !zone.names.has(name)) return { ...reply, rcode: Rcode.NXDOMAIN, authorities: [soa] };
  const all = recs ?? [];
  const cname = all.find((r) => r.type === RecordType.CNAME);
  if (cname && q.type !== RecordType.CNAME) {
    // An ExternalName: the CNAME answers every type; a target inside the zone is chased here,
    // one outside is left to the server (which forwards it) and the client's resolver.
    reply.answers.push(...toRecords(q.name, [cname], ttl));
    if (cname.data.kind === 'CNAME') {
      const target = cname.data.target;
      const more = zone.records.get(target.toLowerCase())?.filter((r) => r.type === q.type);
      if (more) reply.answers.push(...toRecords(target, more, ttl));
    }
    return reply;
  }
  const matching = all.filter((r) => r.type === q.type || q.type === RecordType.ANY);
  if (matching.length === 0) return { ...reply, authorities: [soa] };
  reply.answers.push(...toRecords(q.name, matching, ttl));
  // SRV targets' addresses go in the additional section, saving the client a lookup.
  for (const r of matching) {
    if (r.data.kind !== 'SRV') continue;
    const target = r.data.target;
    const addrs = zone.records.get(target.toLowerCase())?.filter((a) => a.type === RecordType.A || a.type === RecordType.AAAA) ?? [];
    for (const rr of toRecords(target, addrs, ttl)) {
      if (!reply.additionals.some((x) => x.name === rr.name && JSON.stringify(x.data) === JSON.stringify(rr.data))) reply.additionals.push(rr);
    }
  }
  return reply;
}
