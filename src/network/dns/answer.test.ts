import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer } from './answer.js';
import { CLASS_IN, decodeMessage, emptyMessage, encodeMessage, ipv6Bytes, Rcode, RecordType, type Message } from './wire.js';
import { buildZone, type EndpointSliceObject, type ServiceObject } from './zone.js';

const services: ServiceObject[] = [
  { metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.43.0.20', clusterIPs: ['10.43.0.20', 'fd00:43::20'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] } },
  { metadata: { namespace: 'default', name: 'db' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } },
  { metadata: { namespace: 'default', name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com.' } },
  { metadata: { namespace: 'default', name: 'alias' }, spec: { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' } },
  { metadata: { namespace: 'other', name: 'pending' }, spec: { clusterIP: '' } },
];
const slices: EndpointSliceObject[] = [
  {
    metadata: { namespace: 'default', name: 'db-abc', labels: { 'kubernetes.io/service-name': 'db' } },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.42.0.5'], hostname: 'db-0', conditions: { ready: true } },
      { addresses: ['10.42.0.6'], conditions: {} },
      { addresses: ['10.42.0.7'], hostname: 'db-2', conditions: { ready: false } },
    ],
    ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  },
];
const zone = buildZone({ clusterDomain: 'cluster.local', services, endpointSlices: slices, serial: 1234, ipv6Bytes });

function ask(name: string, type: number, edit?: (m: Message) => void): Message | undefined {
  const q = emptyMessage(77);
  q.rd = true;
  q.questions.push({ name, type, class: CLASS_IN });
  edit?.(q);
  // Through the wire and back, so the answer is what a client would see.
  const r = answer(decodeMessage(encodeMessage(q)), { zone });
  return r && decodeMessage(encodeMessage(r));
}

const data = (m: Message | undefined) => m!.answers.map((a) => a.data);

test('a ClusterIP service: A, AAAA, with the query name and flags', () => {
  const r = ask('web.default.svc.cluster.local', RecordType.A)!;
  assert.equal(r.id, 77);
  assert.equal(r.qr && r.aa && r.rd && r.ra, true);
  assert.equal(r.rcode, Rcode.NOERROR);
  assert.deepEqual(data(r), [{ kind: 'A', address: '10.43.0.20' }]);
  assert.equal(r.answers[0]!.ttl, 5);
  assert.deepEqual(data(ask('web.default.svc.cluster.local', RecordType.AAAA)), [{ kind: 'AAAA', address: 'fd00:43::20' }]);
  assert.deepEqual(data(ask('WEB.default.svc.Cluster.Local', RecordType.A)), [{ kind: 'A', address: '10.43.0.20' }], 'names are case-insensitive');
});

test('search-path-style names: only fully qualified cluster names are ours', () => {
  assert.equal(ask('web.default.svc', RecordType.A), undefined, 'outside the zone: forwarded');
  assert.equal(ask('web', RecordType.A), undefined);
  assert.equal(ask('web.default.svc.cluster.local.default.svc.cluster.local', RecordType.A)!.rcode, Rcode.NXDOMAIN);
  assert.equal(ask('example.com.default.svc.cluster.local', RecordType.A)!.rcode, Rcode.NXDOMAIN);
});

test('a headless service: the ready endpoint IPs and hostnames', () => {
  const r = ask('db.default.svc.cluster.local', RecordType.A);
  assert.deepEqual(data(r).map((d) => (d.kind === 'A' ? d.address : '')).sort(), ['10.42.0.5', '10.42.0.6']);
  assert.deepEqual(data(ask('db-0.db.default.svc.cluster.local', RecordType.A)), [{ kind: 'A', address: '10.42.0.5' }]);
  assert.deepEqual(data(ask('10-42-0-6.db.default.svc.cluster.local', RecordType.A)), [{ kind: 'A', address: '10.42.0.6' }]);
  assert.equal(ask('db-2.db.default.svc.cluster.local', RecordType.A)!.rcode, Rcode.NXDOMAIN, 'not ready: no record');
});

test('SRV for named ports: the service name, or the endpoint names when headless', () => {
  const r = ask('_http._tcp.web.default.svc.cluster.local', RecordType.SRV)!;
  assert.deepEqual(data(r), [{ kind: 'SRV', priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
  assert.deepEqual(r.additionals.map((a) => a.data.kind).sort(), ['A', 'AAAA']);
  assert.deepEqual(data(ask('_dns._udp.web.default.svc.cluster.local', RecordType.SRV)).map((d) => d.kind === 'SRV' && d.port), [53]);
  assert.equal(ask('_dns._tcp.web.default.svc.cluster.local', RecordType.SRV)!.rcode, Rcode.NXDOMAIN);
  const h = ask('_pg._tcp.db.default.svc.cluster.local', RecordType.SRV)!;
  assert.deepEqual(data(h).map((d) => (d.kind === 'SRV' ? `${d.port} ${d.target} ${d.weight}` : '')).sort(), ['5432 10-42-0-6.db.default.svc.cluster.local 50', '5432 db-0.db.default.svc.cluster.local 50']);
  assert.deepEqual(h.additionals.map((a) => `${a.name} ${a.data.kind === 'A' ? a.data.address : ''}`).sort(), ['10-42-0-6.db.default.svc.cluster.local 10.42.0.6', 'db-0.db.default.svc.cluster.local 10.42.0.5']);
});

test('PTR for cluster IPs and endpoint IPs; other reverse names are forwarded', () => {
  assert.deepEqual(data(ask('20.0.43.10.in-addr.arpa', RecordType.PTR)), [{ kind: 'PTR', target: 'web.default.svc.cluster.local' }]);
  assert.deepEqual(data(ask('5.0.42.10.in-addr.arpa', RecordType.PTR)), [{ kind: 'PTR', target: 'db-0.db.default.svc.cluster.local' }]);
  const v6 = '0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.4.0.0.0.0.d.f.ip6.arpa';
  assert.deepEqual(data(ask(v6, RecordType.PTR)), [{ kind: 'PTR', target: 'web.default.svc.cluster.local' }]);
  assert.equal(ask('1.1.168.192.in-addr.arpa', RecordType.PTR), undefined);
});

test('ExternalName: a CNAME for every type; a target in the zone is chased', () => {
  assert.deepEqual(data(ask('ext.default.svc.cluster.local', RecordType.A)), [{ kind: 'CNAME', target: 'example.com' }]);
  assert.deepEqual(data(ask('ext.default.svc.cluster.local', RecordType.CNAME)), [{ kind: 'CNAME', target: 'example.com' }]);
  assert.deepEqual(data(ask('alias.default.svc.cluster.local', RecordType.A)), [{ kind: 'CNAME', target: 'web.default.svc.cluster.local' }, { kind: 'A', address: '10.43.0.20' }]);
});

test('pod records from the dashed address', () => {
  assert.deepEqual(data(ask('10-42-0-9.default.pod.cluster.local', RecordType.A)), [{ kind: 'A', address: '10.42.0.9' }]);
  assert.equal(ask('10-42-0-999.default.pod.cluster.local', RecordType.A)!.rcode, Rcode.NXDOMAIN);
  assert.equal(ask('10-42-0-9.default.pod.cluster.local', RecordType.AAAA)!.answers.length, 0);
});

test('NXDOMAIN and NODATA carry the SOA in authority', () => {
  const nx = ask('nope.default.svc.cluster.local', RecordType.A)!;
  assert.equal(nx.rcode, Rcode.NXDOMAIN);
  assert.equal(nx.answers.length, 0);
  assert.equal(nx.authorities[0]!.type, RecordType.SOA);
  assert.deepEqual(nx.authorities[0]!.data, { kind: 'SOA', mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1234, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 });
  for (const [name, type] of [['web.default.svc.cluster.local', RecordType.TXT], ['default.svc.cluster.local', RecordType.A], ['svc.cluster.local', RecordType.A], ['pending.other.svc.cluster.local', RecordType.A], ['db.default.svc.cluster.local', RecordType.AAAA]] as const) {
    const r = ask(name, type)!;
    assert.equal(r.rcode, Rcode.NOERROR, name);
    assert.equal(r.answers.length, 0, name);
    assert.equal(r.authorities[0]!.type, RecordType.SOA, name);
  }
  assert.equal(ask('nothere.svc.cluster.local', RecordType.A)!.rcode, Rcode.NXDOMAIN, 'a namespace without services');
  assert.deepEqual(data(ask('cluster.local', RecordType.SOA)).map((d) => d.kind), ['SOA']);
  assert.deepEqual(data(ask('dns-version.cluster.local', RecordType.TXT)), [{ kind: 'raw', bytes: Buffer.from('\x051.1.0', 'latin1') }]);
  assert.deepEqual(data(ask('cluster.local', RecordType.NS)), [{ kind: 'NS', target: 'ns.dns.cluster.local' }]);
});

test('EDNS queries get an OPT back; other opcodes NOTIMP; EDNS version 1 BADVERS', () => {
  const r = ask('web.default.svc.cluster.local', RecordType.A, (q) => (q.edns = { payloadSize: 4096, extendedRcode: 0, version: 0, flags: 0x8000, options: Buffer.alloc(0) }))!;
  assert.equal(r.edns!.payloadSize, 1232);
  assert.equal(r.edns!.flags, 0x8000);
  assert.equal(ask('web.default.svc.cluster.local', RecordType.A)!.edns, undefined);
  assert.equal(ask('web.default.svc.cluster.local', RecordType.A, (q) => (q.opcode = 2))!.rcode, Rcode.NOTIMP);
  assert.equal(ask('web.default.svc.cluster.local', RecordType.A, (q) => (q.edns = { payloadSize: 512, extendedRcode: 0, version: 1, flags: 0, options: Buffer.alloc(0) }))!.rcode, 16);
  assert.equal(ask('web.default.svc.cluster.local', RecordType.A, (q) => q.questions.push({ ...q.questions[0]! }))!.rcode, Rcode.FORMERR);
});
