import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { ClusterDns } from './server.js';
import { frame, queryTcp, queryUdp, TcpFramer, type Endpoint } from './transport.js';
import { CLASS_IN, decodeMessage, emptyMessage, encodeMessage, encodeTruncated, Rcode, RecordType, type Message } from './wire.js';

const resources = [
  ...coreResources,
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
];
const run = promisify(execFile);
const silent = { info: () => {}, warn: () => {}, error: () => {} };

/** An upstream resolver on loopback: example.com A 93.184.216.34; big.example.com has 60 A records (truncated over UDP). */
async function fakeUpstream(t: { after(fn: () => Promise<void> | void): void }): Promise<{ port: number; asked: string[] }> {
  const asked: string[] = [];
  const reply = (raw: Buffer, udp: boolean): Buffer => {
    const q = decodeMessage(raw);
    const name = q.questions[0]!.name;
    asked.push(`${udp ? 'udp' : 'tcp'} ${name}`);
    const r: Message = { ...emptyMessage(q.id), qr: true, rd: q.rd, ra: true, questions: q.questions };
    const count = name === 'big.example.com' ? 60 : name === 'example.com' ? 1 : 0;
    if (count === 0) r.rcode = Rcode.NXDOMAIN;
    for (let i = 0; i < count; i++) r.answers.push({ name, type: RecordType.A, class: CLASS_IN, ttl: 60, data: { kind: 'A', address: count === 1 ? '93.184.216.34' : `192.0.2.${i}` } });
    return udp ? encodeTruncated(r, 512) : encodeMessage(r);
  };
  const conns = new Set<net.Socket>();
  // UDP takes a free port, TCP the same number, which some TCP socket may hold: then
  // both go and another port is tried.
  let udp: dgram.Socket, tcp: net.Server, port: number;
  for (let attempt = 0; ; attempt++) {
    udp = dgram.createSocket('udp4');
    const u = udp;
    u.on('message', (m, rinfo) => u.send(reply(m, true), rinfo.port, rinfo.address));
    await new Promise<void>((r) => u.bind(0, '127.0.0.1', r));
    port = u.address().port;
    tcp = net.createServer((s) => {
      conns.add(s);
      s.on('close', () => conns.delete(s));
      const f = new TcpFramer((m) => s.write(frame(reply(m, false))));
      s.on('data', (c: Buffer) => f.push(c));
    });
    const listening = await new Promise<boolean>((r) => {
      tcp.once('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EADDRINUSE' && attempt < 5) r(false); else throw e; });
      tcp.listen(port, '127.0.0.1', () => r(true));
    });
    if (listening) break;
    await new Promise<void>((r) => u.close(() => r()));
  }
  t.after(async () => {
    await new Promise<void>((r) => udp.close(() => r()));
    for (const c of conns) c.destroy();
    await new Promise<void>((r) => tcp.close(() => r()));
  });
  return { port, asked };
}

async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const upstream = await fakeUpstream(t);
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  fake.put('services', { metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } });
  fake.put('services', { metadata: { namespace: 'default', name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
  const dns = new ClusterDns({ client, clusterDomain: 'cluster.local', listen: [{ address: '127.0.0.1', port: 0 }], upstreams: [`127.0.0.1:${upstream.port}`], log: silent, forwardTimeoutMs: 1000 });
  t.after(async () => {
    await dns.stop();
    client.close();
    await fake.stop();
  });
  await dns.start();
  assert.equal(await dns.waitForSync(), true);
  return { fake, dns, upstream, at: dns.bound[0]! };
}

let nextId = 1;
function query(name: string, type: number, edns?: number): Buffer {
  const q = emptyMessage(nextId++);
  q.rd = true;
  q.questions.push({ name, type, class: CLASS_IN });
  if (edns) q.edns = { payloadSize: edns, extendedRcode: 0, version: 0, flags: 0, options: Buffer.alloc(0) };
  return encodeMessage(q);
}
const udp = async (at: Endpoint, name: string, type: number = RecordType.A, edns?: number) => decodeMessage(await queryUdp(at, query(name, type, edns), 2000));
const tcp = async (at: Endpoint, name: string, type: number = RecordType.A) => decodeMessage(await queryTcp(at, query(name, type), 2000));
const addrs = (m: Message) => m.answers.map((a) => (a.data.kind === 'A' ? a.data.address : a.data.kind === 'CNAME' ? `CNAME ${a.data.target}` : a.data.kind));

test('answers cluster names over UDP and TCP from the informers, following changes', async (t) => {
  const { fake, at } = await setup(t);
  assert.notEqual(at.port, 0);
  assert.deepEqual(addrs(await udp(at, 'web.default.svc.cluster.local')), ['10.43.0.20']);
  assert.deepEqual(addrs(await tcp(at, 'web.default.svc.cluster.local')), ['10.43.0.20']);
  const srv = await udp(at, '_http._tcp.web.default.svc.cluster.local', RecordType.SRV);
  assert.equal(srv.answers[0]!.data.kind === 'SRV' && srv.answers[0]!.data.port, 80);
  assert.equal((await udp(at, 'nope.default.svc.cluster.local')).rcode, Rcode.NXDOMAIN);

  // A headless StatefulSet service appears, with its endpoints.
  fake.put('services', { metadata: { namespace: 'default', name: 'db' }, spec: { clusterIP: 'None' } });
  fake.put('endpointslices', {
    metadata: { namespace: 'default', name: 'db-x', labels: { 'kubernetes.io/service-name': 'db' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.42.0.5'], hostname: 'db-0', conditions: { ready: true } }],
    ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  });
  await until(async () => (await udp(at, 'db-0.db.default.svc.cluster.local')).answers.length === 1, 'db-0 resolvable');
  assert.deepEqual(addrs(await tcp(at, 'db.default.svc.cluster.local')), ['10.42.0.5']);
  const ptr = await udp(at, '5.0.42.10.in-addr.arpa', RecordType.PTR);
  assert.deepEqual(ptr.answers.map((a) => a.data), [{ kind: 'PTR', target: 'db-0.db.default.svc.cluster.local' }]);
});

test('a large answer is truncated over UDP without EDNS, whole with EDNS or over TCP', async (t) => {
  const { fake, at } = await setup(t);
  fake.put('services', { metadata: { namespace: 'default', name: 'many' }, spec: { clusterIP: 'None' } });
  fake.put('endpointslices', {
    metadata: { namespace: 'default', name: 'many-x', labels: { 'kubernetes.io/service-name': 'many' } },
    addressType: 'IPv4',
    endpoints: Array.from({ length: 50 }, (_, i) => ({ addresses: [`10.42.1.${i + 1}`] })),
  });
  await until(async () => (await tcp(at, 'many.default.svc.cluster.local')).answers.length === 50, 'many');
  const small = await udp(at, 'many.default.svc.cluster.local');
  assert.equal(small.tc, true);
  assert.ok(small.answers.length < 50);
  const edns = await udp(at, 'many.default.svc.cluster.local', RecordType.A, 4096);
  assert.equal(edns.tc, false);
  assert.equal(edns.answers.length, 50);
  assert.equal(edns.edns?.payloadSize, 1232);
});

test('other names go to the upstream; its truncated answers are fetched again over TCP', async (t) => {
  const { at, upstream } = await setup(t);
  assert.deepEqual(addrs(await udp(at, 'example.com')), ['93.184.216.34']);
  assert.equal((await udp(at, 'web.default.svc')).rcode, Rcode.NXDOMAIN, 'a short name is forwarded as is');
  assert.ok(upstream.asked.includes('udp web.default.svc'));
  // The upstream truncates big.example.com over UDP: the server asks over TCP, and gives a
  // TCP client all of it and a UDP client without EDNS a truncated answer.
  assert.equal((await tcp(at, 'big.example.com')).answers.length, 60);
  assert.ok(upstream.asked.includes('tcp big.example.com'));
  assert.equal((await udp(at, 'big.example.com')).tc, true);
  // ExternalName to a name outside the cluster: the CNAME plus the upstream's answer.
  assert.deepEqual(addrs(await udp(at, 'ext.default.svc.cluster.local')), ['CNAME example.com', '93.184.216.34']);
});

test('garbage gets FORMERR; several queries share one TCP connection; no upstream gives SERVFAIL', async (t) => {
  const { at, dns, fake } = await setup(t);
  const bad = Buffer.concat([query('x', RecordType.A).subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
  const r = await queryUdp(at, bad, 2000);
  assert.equal(r.readUInt16BE(0), bad.readUInt16BE(0));
  assert.equal(r[3]! & 0xf, Rcode.FORMERR);

  const sock = net.connect(at.port, at.address);
  t.after(() => sock.destroy());
  const got: Message[] = [];
  const f = new TcpFramer((m) => got.push(decodeMessage(m)));
  sock.on('data', (c: Buffer) => f.push(c));
  const both = Buffer.concat([frame(query('web.default.svc.cluster.local', RecordType.A)), frame(query('nope.default.svc.cluster.local', RecordType.A))]);
  // Split mid-frame to exercise reassembly.
  sock.write(both.subarray(0, 7));
  await new Promise((res) => setTimeout(res, 20));
  sock.write(both.subarray(7));
  await until(() => got.length === 2, 'two answers');
  assert.deepEqual(got.map((m) => m.rcode).sort(), [Rcode.NOERROR, Rcode.NXDOMAIN]);

  // A record that cannot be encoded (an empty label) is SERVFAIL, not a crash.
  fake.put('services', { metadata: { namespace: 'default', name: 'broken' }, spec: { type: 'ExternalName', externalName: 'bad..example.com' } });
  await until(async () => (await udp(at, 'broken.default.svc.cluster.local')).rcode === Rcode.SERVFAIL, 'broken is SERVFAIL');
  assert.equal((await tcp(at, 'broken.default.svc.cluster.local')).rcode, Rcode.SERVFAIL);
  assert.deepEqual(addrs(await udp(at, 'web.default.svc.cluster.local')), ['10.43.0.20'], 'and the server still answers');

  const lonelyClient = new RestClient({ server: 'http://127.0.0.1:1' });
  t.after(() => lonelyClient.close());
  const lonely = new ClusterDns({ client: lonelyClient, listen: [], upstreams: [], log: silent });
  const out = await lonely.handle(query('example.com', RecordType.A), false);
  assert.equal(decodeMessage(out!).rcode, Rcode.SERVFAIL);
  const unsynced = await lonely.handle(query('nope.default.svc.cluster.local', RecordType.A), false);
  assert.equal(decodeMessage(unsynced!).rcode, Rcode.SERVFAIL, 'no NXDOMAIN before the informers have listed');
  assert.ok(dns.bound.length === 1);
});

test("Debian's busybox nslookup resolves cluster names and forwarded ones through the server", async (t) => {
  const { at } = await setup(t);
  const nslookup = async (...args: string[]) => {
    try {
      return (await run('busybox', ['nslookup', `-port=${at.port}`, ...args, at.address], { timeout: 10_000 })).stdout;
    } catch (e) {
      return String((e as { stdout?: string }).stdout ?? e);
    }
  };
  const a = await nslookup('web.default.svc.cluster.local');
  assert.match(a, /Name:\s+web\.default\.svc\.cluster\.local\nAddress: 10\.43\.0\.20/);
  assert.match(await nslookup('-type=srv', '_http._tcp.web.default.svc.cluster.local'), /0 100 80 web\.default\.svc\.cluster\.local/);
  assert.match(await nslookup('-type=ptr', '20.0.43.10.in-addr.arpa'), /name = web\.default\.svc\.cluster\.local/);
  assert.match(await nslookup('example.com'), /Address: 93\.184\.216\.34/);
  assert.match(await nslookup('nope.default.svc.cluster.local'), /NXDOMAIN/);
});

test('a repeated query is answered from the reply cache with its own id, and a change replaces the cached reply', async (t) => {
  const { fake, at } = await setup(t);
  const first = await queryUdp(at, query('web.default.svc.cluster.local', RecordType.A), 2000);
  const again = query('web.default.svc.cluster.local', RecordType.A);
  const second = await queryUdp(at, again, 2000);
  assert.equal(second.readUInt16BE(0), again.readUInt16BE(0), 'the cached reply carries the new id');
  assert.notEqual(second.readUInt16BE(0), first.readUInt16BE(0));
  assert.deepEqual(second.subarray(2), first.subarray(2), 'and otherwise the same bytes');
  // A mixed-case spelling is another query: its reply echoes its own spelling.
  assert.equal((await udp(at, 'WEB.default.svc.cluster.local')).questions[0]!.name, 'WEB.default.svc.cluster.local');
  fake.put('services', { metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.43.0.21', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } });
  await until(async () => addrs(await udp(at, 'web.default.svc.cluster.local'))[0] === '10.43.0.21', 'the new address answered');
  assert.deepEqual(addrs(await udp(at, 'WEB.default.svc.cluster.local')), ['10.43.0.21'], 'every cached spelling follows the change');
});
