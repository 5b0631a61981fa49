// Against the real kernel (needs root and nft): a fake ClusterIP spread over two
// listeners in namespaces of our own, then refused at once when they are gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { deleteTableScript, execNft } from './nft.js';
import { renderDelta } from './delta.js';
import { buildRuleset, renderRuleset, rulesetText } from './render.js';
import { NetnsLab } from './testing/netns.js';
import { endpoint, service, slice } from './testing/fixtures.js';

const isRoot = process.getuid?.() === 0;
const tag = String(process.pid % 100000);
const table = `k8ts-proxy-t${tag}`;

function fetchOnce(host: string, port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let data = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('timeout')); }, timeoutMs);
    sock.on('data', (d) => { data += d.toString(); });
    sock.on('end', () => { clearTimeout(timer); resolve(data); });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

test('nftables: ClusterIP spreads over ready endpoints and is refused at once without them', { skip: !isRoot && 'needs root' }, async () => {
  const lab = new NetnsLab();
  try {
    await lab.addBackend(`k8tsp-${tag}-a`, `kpa${tag}`, '10.250.1.1', '10.250.1.2', 8080, 'A');
    await lab.addBackend(`k8tsp-${tag}-b`, `kpb${tag}`, '10.250.1.5', '10.250.1.6', 8080, 'B');
    const svc = service('web', '10.43.250.10');
    const eps = [endpoint('10.250.1.2'), endpoint('10.250.1.6')];
    const opts = { nodeName: 'node-a', clusterCIDR: '10.42.0.0/16', table };
    await execNft.apply(renderRuleset([svc], [slice('web', eps)], opts));
    const seen = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const a = await fetchOnce('10.43.250.10', 80);
      seen.set(a, (seen.get(a) ?? 0) + 1);
    }
    assert.deepEqual([...seen.keys()].sort(), ['A', 'B'], `answers: ${JSON.stringify([...seen])}`);

    // A not-ready endpoint is never chosen; applied as an incremental change.
    const first = buildRuleset([svc], [slice('web', eps)], opts);
    const second = buildRuleset([svc], [slice('web', [endpoint('10.250.1.2', { ready: false, serving: false }), eps[1]!])], opts);
    const delta = renderDelta(first, second);
    assert.doesNotMatch(delta, /delete table/);
    await execNft.apply(delta);
    for (let i = 0; i < 10; i++) assert.equal(await fetchOnce('10.43.250.10', 80), 'B');

    await execNft.apply(renderDelta(second, buildRuleset([svc], [], opts)));
    const t0 = Date.now();
    await assert.rejects(fetchOnce('10.43.250.10', 80), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
    assert.ok(Date.now() - t0 < 500, `refusal took ${Date.now() - t0} ms`);
  } finally {
    await execNft.apply(deleteTableScript('ip', table)).catch(() => {});
    await lab.cleanup();
  }
  const tables = execFileSync('nft', ['list', 'tables'], { encoding: 'utf8' });
  assert.doesNotMatch(tables, new RegExp(`\\b${table}\\b`));
  const nsList = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  assert.doesNotMatch(nsList, new RegExp(`k8tsp-${tag}-`));
});

function execIn(ns: string, host: string, port: number): string {
  const script = `const s=require('net').connect(${port},'${host}');let d='';s.on('data',x=>d+=x);` +
    `s.on('end',()=>{process.stdout.write(d)});s.on('error',e=>{process.stdout.write('ERR '+e.code)});setTimeout(()=>process.exit(2),3000).unref();`;
  return execFileSync('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { encoding: 'utf8' });
}

test('nftables: session affinity, NodePort on the host address, hairpin from an endpoint to its own service', { skip: !isRoot && 'needs root' }, async () => {
  const lab = new NetnsLab();
  const table2 = `${table}x`;
  try {
    const a = await lab.addBackend(`k8tsp-${tag}-c`, `kpc${tag}`, '10.250.1.9', '10.250.1.10', 8080, 'C');
    await lab.addBackend(`k8tsp-${tag}-d`, `kpd${tag}`, '10.250.1.13', '10.250.1.14', 8080, 'D');
    const eps = [endpoint('10.250.1.10'), endpoint('10.250.1.14')];
    const opts = { nodeName: 'node-a', clusterCIDR: '10.42.0.0/16', table: table2 };
    const sticky = service('sticky', '10.43.250.20', { type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ port: 80, nodePort: 30999, protocol: 'TCP' }] });
    await execNft.apply(renderRuleset([sticky], [slice('sticky', eps)], opts));
    const answers = new Set<string>();
    for (let i = 0; i < 15; i++) answers.add(await fetchOnce('10.43.250.20', 80));
    assert.equal(answers.size, 1, `affinity broken: ${[...answers].join(',')}`);
    // NodePort on the node's own (non-loopback) address.
    const hostIp = execFileSync('ip', ['-4', '-o', 'route', 'get', '1.1.1.1'], { encoding: 'utf8' }).match(/src (\S+)/)?.[1];
    if (hostIp) assert.match(await fetchOnce(hostIp, 30999), /^[CD]$/);
    // Hairpin: only endpoint C, reached from C itself through the ClusterIP. The cluster
    // CIDR covers C here, so only the hairpin rule can masquerade (without it this fails).
    const plain = service('hp', '10.43.250.21');
    await execNft.apply(renderRuleset([plain], [slice('hp', [endpoint('10.250.1.10')])], { ...opts, clusterCIDR: '10.250.0.0/16' }));
    assert.equal(execIn(a.ns, '10.43.250.21', 80), 'C');
  } finally {
    await execNft.apply(deleteTableScript('ip', table2)).catch(() => {});
    await lab.cleanup();
  }
  assert.doesNotMatch(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }), new RegExp(`k8tsp-${tag}-`));
});

test('nftables: external IPs and load balancer IPs answer on the service port; source ranges drop others', { skip: !isRoot && 'needs root' }, async () => {
  const lab = new NetnsLab();
  const table3 = `${table}e`;
  try {
    // The host side of the lab's veth is a local address of an interface made here.
    const e = await lab.addBackend(`k8tsp-${tag}-e`, `kpe${tag}`, '10.250.1.17', '10.250.1.18', 8080, 'E');
    const local = e.hostIp;
    const opts = { nodeName: 'node-a', clusterCIDR: '10.42.0.0/16', table: table3 };
    const eps = [endpoint('10.250.1.18', { node: 'node-b' })];
    const ext = service('ext', '10.43.250.30', { externalIPs: [local], ports: [{ port: 8099, protocol: 'TCP', targetPort: 8080 }] });
    const lb = service('lb', '10.43.250.31', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 8098, nodePort: 30998, protocol: 'TCP', targetPort: 8080 }] });
    const first = buildRuleset([ext, lb], [slice('ext', eps), slice('lb', eps)], opts);
    await execNft.apply(rulesetText(first));
    assert.equal(await fetchOnce(local, 8099), 'E', 'external IP');
    // The load balancer gets its IP (as servicelb writes it): an incremental change.
    const withIp = { ...lb, status: { loadBalancer: { ingress: [{ ip: local }] } } };
    const second = buildRuleset([ext, withIp], [slice('ext', eps), slice('lb', eps)], opts);
    await execNft.apply(renderDelta(first, second));
    // Local policy, the only endpoint elsewhere: the node's own traffic still gets through.
    assert.equal(await fetchOnce(local, 8098), 'E', 'load balancer IP from the node');
    const fenced = { ...withIp, spec: { ...withIp.spec, loadBalancerSourceRanges: ['10.99.0.0/16'] } };
    const third = buildRuleset([ext, fenced], [slice('ext', eps), slice('lb', eps)], opts);
    await execNft.apply(renderDelta(second, third));
    await assert.rejects(fetchOnce(local, 8098, 800), /timeout/, 'a source outside the ranges is dropped');
    assert.equal(await fetchOnce(local, 8099), 'E', 'the external IP has no source ranges');
    const open = { ...fenced, spec: { ...fenced.spec, loadBalancerSourceRanges: ['10.99.0.0/16', `${local}/32`] } };
    await execNft.apply(renderDelta(third, buildRuleset([ext, open], [slice('ext', eps), slice('lb', eps)], opts)));
    assert.equal(await fetchOnce(local, 8098), 'E', 'an allowed source passes');
  } finally {
    await execNft.apply(deleteTableScript('ip', table3)).catch(() => {});
    await lab.cleanup();
  }
  assert.doesNotMatch(execFileSync('nft', ['list', 'tables'], { encoding: 'utf8' }), new RegExp(`\\b${table3}\\b`));
});
