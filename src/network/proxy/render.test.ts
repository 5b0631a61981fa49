import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRuleset } from './render.js';
import { endpoint, service, slice } from './testing/fixtures.js';

const opts = { nodeName: 'node-a', clusterCIDR: '10.42.0.0/16' };

function chainBody(text: string, prefix: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`\\tchain (${prefix}[\\w-]*) \\{\\n([\\s\\S]*?)\\n\\t\\}`, 'g');
  for (const m of text.matchAll(re)) out.push(m[2]!);
  return out;
}

test('replaces its own table in one script: declare, delete, redefine', () => {
  const text = renderRuleset([], [], { ...opts, table: 'k8ts-proxy-x' });
  const lines = text.split('\n');
  assert.equal(lines[0], 'table ip k8ts-proxy-x');
  assert.equal(lines[1], 'delete table ip k8ts-proxy-x');
  assert.equal(lines[2], 'table ip k8ts-proxy-x {');
  assert.match(text, /type nat hook prerouting priority dstnat/);
  assert.match(text, /type nat hook output priority -100/);
  assert.match(text, /type nat hook postrouting priority srcnat/);
  assert.doesNotMatch(text, /elements/); // empty maps carry no elements clause
});

test('ClusterIP: vmap entry and random spread over ready endpoints with DNAT', () => {
  const text = renderRuleset([service('web', '10.43.0.5')], [slice('web', [endpoint('10.42.0.7'), endpoint('10.42.0.8')])], opts);
  assert.match(text, /elements = \{ 10\.43\.0\.5 \. tcp \. 80 : goto svc-[0-9a-f]{16} \}/);
  const [svc] = chainBody(text, 'svc-');
  assert.ok(svc);
  assert.match(svc, /ip saddr != 10\.42\.0\.0\/16 meta mark set meta mark \| 0x00004000/);
  assert.match(svc, /meta l4proto tcp dnat ip addr \. port to numgen random mod 2 map \{ 0 : 10\.42\.0\.7 \. 8080, 1 : 10\.42\.0\.8 \. 8080 \}/);
  assert.doesNotMatch(text, /chain sep-/); // no per-endpoint chains without affinity
  assert.doesNotMatch(text, /no-endpoint-ips \{\n\t\ttype [^\n]*\n\t\telements/);
});

test('NodePort: node-ports map entry and an external chain that masquerades', () => {
  const svc = service('np', '10.43.0.6', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] });
  const text = renderRuleset([svc], [slice('np', [endpoint('10.42.0.7')])], opts);
  assert.match(text, /elements = \{ tcp \. 30080 : goto ext-\w+ \}/);
  assert.match(text, /fib daddr type local ip daddr != 127\.0\.0\.0\/8 meta l4proto \. th dport vmap @node-ports/);
  const [ext] = chainBody(text, 'ext-');
  assert.ok(ext);
  assert.match(ext, /meta mark set meta mark \| 0x00004000/);
  assert.match(ext, /meta l4proto tcp dnat to 10\.42\.0\.7:8080/);
});

test('a service without ready endpoints is rejected with a TCP reset, not routed', () => {
  const text = renderRuleset([service('empty', '10.43.0.9')], [slice('empty', [endpoint('10.42.0.7', { ready: false, serving: false })])], opts);
  assert.match(text, /set no-endpoint-ips \{\n\t\ttype [^\n]*\n\t\telements = \{ 10\.43\.0\.9 \. tcp \. 80 \}/);
  assert.match(text, /@no-endpoint-ips meta l4proto tcp reject with tcp reset/);
  assert.doesNotMatch(text, /dnat to/);
  assert.match(text, /type filter hook output priority filter/);
  assert.match(text, /type filter hook forward priority filter/);
});

test('sessionAffinity ClientIP: a timed set per endpoint, checked before the random pick', () => {
  const svc = service('sticky', '10.43.0.10', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } });
  const text = renderRuleset([svc], [slice('sticky', [endpoint('10.42.0.7'), endpoint('10.42.0.8')])], opts);
  assert.equal((text.match(/flags dynamic,timeout\n\t\ttimeout 60s/g) ?? []).length, 2);
  const [body] = chainBody(text, 'svc-');
  assert.ok(body);
  const lines = body.split('\n').map((l) => l.trim());
  const firstAff = lines.findIndex((l) => /^ip saddr @aff-sep-\w+ goto sep-\w+$/.test(l));
  const numgen = lines.findIndex((l) => l.startsWith('numgen'));
  assert.ok(firstAff >= 0 && firstAff < numgen);
  assert.match(body, /numgen random mod 2 vmap \{ 0 : goto sep-\w+, 1 : goto sep-\w+ \}/);
  const seps = chainBody(text, 'sep-');
  assert.equal(seps.length, 2);
  for (const sep of seps) assert.match(sep, /update @aff-sep-\w+ \{ ip saddr \}\n\t\tmeta l4proto tcp dnat to 10\.42\.0\.[78]:8080/);
});

test('internalTrafficPolicy Local uses only this node\'s endpoints', () => {
  const svc = service('itp', '10.43.0.11', { internalTrafficPolicy: 'Local' });
  const text = renderRuleset([svc], [slice('itp', [endpoint('10.42.0.7', { node: 'node-a' }), endpoint('10.42.1.7', { node: 'node-b' })])], opts);
  assert.match(text, /dnat to 10\.42\.0\.7:8080/);
  assert.doesNotMatch(text, /10\.42\.1\.7/);
});

test('externalTrafficPolicy Local: NodePort to local endpoints only, client address kept', () => {
  const svc = service('etp', '10.43.0.12', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30081, protocol: 'TCP' }] });
  const eps = [endpoint('10.42.0.7', { node: 'node-a' }), endpoint('10.42.1.7', { node: 'node-b' })];
  const text = renderRuleset([svc], [slice('etp', eps)], opts);
  const [ext] = chainBody(text, 'ext-');
  assert.ok(ext);
  const lines = ext.split('\n').map((l) => l.trim());
  // Pods and the node itself go through any endpoint (the node's traffic masqueraded);
  // outside clients reach the local endpoint with their address kept.
  assert.match(lines[0] ?? '', /^ip saddr 10\.42\.0\.0\/16 goto svc-\w+$/);
  assert.match(lines[1] ?? '', /^fib saddr type local meta mark set meta mark \| 0x00004000 goto svc-\w+$/);
  assert.equal(lines[2], 'meta l4proto tcp dnat to 10.42.0.7:8080'); // one local endpoint, no mark
  assert.equal(lines.length, 3);
  const [svcChain] = chainBody(text, 'svc-');
  assert.match(svcChain ?? '', /numgen random mod 2/); // ClusterIP still spreads over both
  // No local endpoint at all: the NodePort is rejected.
  const remote = renderRuleset([svc], [slice('etp', [endpoint('10.42.1.7', { node: 'node-b' })])], opts);
  assert.match(remote, /set no-endpoint-nodeports \{\n\t\ttype [^\n]*\n\t\telements = \{ tcp \. 30081 \}/);
});

test('terminating endpoints serve only when no endpoint is ready; not-serving never', () => {
  const svc = service('roll', '10.43.0.13');
  const mixed = [endpoint('10.42.0.7'), endpoint('10.42.0.8', { ready: false, serving: true, terminating: true })];
  const a = renderRuleset([svc], [slice('roll', mixed)], opts);
  assert.match(a, /dnat to 10\.42\.0\.7:8080/);
  assert.doesNotMatch(a, /10\.42\.0\.8/);
  const onlyTerminating = [endpoint('10.42.0.8', { ready: false, serving: true, terminating: true }),
    endpoint('10.42.0.9', { ready: false, serving: false, terminating: true }), endpoint('10.42.0.10', { ready: false })];
  const b = renderRuleset([svc], [slice('roll', onlyTerminating)], opts);
  assert.match(b, /dnat to 10\.42\.0\.8:8080/);
  assert.doesNotMatch(b, /10\.42\.0\.9|10\.42\.0\.10/);
});

test('hairpin: an endpoint reaching its own service is masqueraded', () => {
  const text = renderRuleset([service('web', '10.43.0.5')], [slice('web', [endpoint('10.42.0.7')])], opts);
  // Source and (DNATed) destination both the endpoint: masquerade, so the reply returns
  // through conntrack.
  assert.match(text, /set hairpin \{\n\t\ttype ipv4_addr \. ipv4_addr\n\t\telements = \{ 10\.42\.0\.7 \. 10\.42\.0\.7 \}/);
  const [post] = chainBody(text, 'nat-postrouting');
  assert.match(post ?? '', /ct status dnat ip saddr \. ip daddr @hairpin masquerade/);
  assert.match(post ?? '', /meta mark & 0x00004000 == 0x00004000 meta mark set meta mark \^ 0x00004000 masquerade/);
});

test('skips headless and ExternalName services and ignores other services\' slices', () => {
  const headless = service('hl', 'None');
  const ext = service('ex', '10.43.0.20', { type: 'ExternalName' });
  const text = renderRuleset([headless, ext, service('web', '10.43.0.5')], [slice('other', [endpoint('10.42.0.7')])], opts);
  assert.doesNotMatch(text, /10\.43\.0\.20|dnat to|dnat ip addr/);
  assert.match(text, /10\.43\.0\.5 \. tcp \. 80/); // web has no endpoints of its own: rejected
});

test('externalIPs: each external IP on the service port goes through the external chain, masqueraded', () => {
  const svc = service('ext', '10.43.0.30', { externalIPs: ['192.0.2.50', '192.0.2.51', 'fd00::5'] });
  const text = renderRuleset([svc], [slice('ext', [endpoint('10.42.0.7'), endpoint('10.42.1.7', { node: 'node-b' })])], opts);
  const ext = /192\.0\.2\.50 \. tcp \. 80 : goto (ext-\w+)/.exec(text)?.[1];
  assert.ok(ext, text);
  assert.match(text, new RegExp(`192\\.0\\.2\\.51 \\. tcp \\. 80 : goto ${ext}`));
  assert.match(text, /10\.43\.0\.30 \. tcp \. 80 : goto svc-/);
  assert.doesNotMatch(text, /fd00/); // the table is IPv4
  const [body] = chainBody(text, ext);
  assert.match(body ?? '', /meta mark set meta mark \| 0x00004000\n\t\tmeta l4proto tcp dnat ip addr \. port to numgen random mod 2/);
  assert.doesNotMatch(text, /node-ports \{\n\t\ttype [^\n]*\n\t\telements/, 'a ClusterIP service has no NodePort');
  // Without endpoints the external IP is refused like the cluster IP.
  const none = renderRuleset([svc], [], opts);
  assert.match(none, /set no-endpoint-ips \{\n\t\ttype [^\n]*\n\t\telements = \{ [^}]*192\.0\.2\.50 \. tcp \. 80/);
  assert.doesNotMatch(none, /chain ext-/);
});

test('LoadBalancer: ingress IPs (not ipMode Proxy, not hostnames) are served like the NodePort', () => {
  const svc = service('lb', '10.43.0.31', {
    type: 'LoadBalancer', ports: [{ port: 8081, nodePort: 30081, protocol: 'TCP', targetPort: 8080 }],
  });
  svc.status = { loadBalancer: { ingress: [{ ip: '192.168.7.10' }, { ip: '192.168.7.11', ipMode: 'VIP' }, { ip: '198.51.100.9', ipMode: 'Proxy' }, { hostname: 'lb.example.com' }] } };
  const text = renderRuleset([svc], [slice('lb', [endpoint('10.42.0.7')])], opts);
  const ext = /tcp \. 30081 : goto (ext-\w+)/.exec(text)?.[1];
  assert.ok(ext, text);
  assert.match(text, new RegExp(`192\\.168\\.7\\.10 \\. tcp \\. 8081 : goto ${ext}`));
  assert.match(text, new RegExp(`192\\.168\\.7\\.11 \\. tcp \\. 8081 : goto ${ext}`));
  assert.doesNotMatch(text, /198\.51\.100\.9/);
  assert.doesNotMatch(text, /chain fw-/, 'no source ranges, no firewall');
  // Status of a service that is no longer a LoadBalancer is not served.
  const plain = renderRuleset([{ ...svc, spec: { ...svc.spec, type: 'ClusterIP' } }], [slice('lb', [endpoint('10.42.0.7')])], opts);
  assert.doesNotMatch(plain, /192\.168\.7\.10/);
});

test('LoadBalancer with externalTrafficPolicy Local and no local endpoint: pods and the node still get through, others are refused', () => {
  const svc = service('lbl', '10.43.0.32', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30082, protocol: 'TCP' }] });
  svc.status = { loadBalancer: { ingress: [{ ip: '192.168.7.10' }] } };
  const text = renderRuleset([svc], [slice('lbl', [endpoint('10.42.1.7', { node: 'node-b' })])], opts);
  const ext = /192\.168\.7\.10 \. tcp \. 80 : goto (ext-\w+)/.exec(text)?.[1];
  assert.ok(ext, text);
  const body = chainBody(text, ext)[0]!.split('\n').map((l) => l.trim());
  assert.equal(body.length, 2);
  assert.match(body[0]!, /^ip saddr 10\.42\.0\.0\/16 goto svc-/);
  assert.match(body[1]!, /^fib saddr type local .* goto svc-/);
  assert.match(text, /set no-endpoint-ips \{\n\t\ttype [^\n]*\n\t\telements = \{ 192\.168\.7\.10 \. tcp \. 80 \}/);
  assert.match(text, /set no-endpoint-nodeports \{\n\t\ttype [^\n]*\n\t\telements = \{ tcp \. 30082 \}/);
});

test('loadBalancerSourceRanges: a firewall chain before DNAT drops other sources; nested ranges folded', () => {
  const svc = service('fw', '10.43.0.33', {
    type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30083, protocol: 'TCP' }],
    loadBalancerSourceRanges: ['10.0.0.0/8', ' 10.1.2.0/24', '192.168.1.7/24', '2001:db8::/32'],
  });
  svc.status = { loadBalancer: { ingress: [{ ip: '192.168.7.10' }] } };
  const text = renderRuleset([svc], [slice('fw', [endpoint('10.42.0.7')])], opts);
  const fw = /map firewall-ips \{\n\t\ttype [^\n]*\n\t\telements = \{ 192\.168\.7\.10 \. tcp \. 80 : goto (fw-\w+) \}/.exec(text)?.[1];
  assert.ok(fw, text);
  assert.deepEqual(chainBody(text, fw), ['\t\tip saddr != { 10.0.0.0/8, 192.168.1.0/24 } drop']);
  assert.match(text, /chain filter-prerouting \{\n\t\ttype filter hook prerouting priority -110; policy accept;\n\t\tct state new ip daddr \. meta l4proto \. th dport vmap @firewall-ips/);
  assert.match(text, /chain filter-output-pre-dnat \{\n\t\ttype filter hook output priority -110;/);
  // The old annotation counts when the field is empty; only IPv6 ranges leave no IPv4 client.
  const ann = service('fw', '10.43.0.33', { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30083, protocol: 'TCP' }] });
  ann.metadata.annotations = { 'service.beta.kubernetes.io/load-balancer-source-ranges': '203.0.113.0/24' };
  ann.status = svc.status;
  assert.match(renderRuleset([ann], [slice('fw', [endpoint('10.42.0.7')])], opts), /ip saddr != \{ 203\.0\.113\.0\/24 \} drop/);
  const v6 = { ...svc, spec: { ...svc.spec, loadBalancerSourceRanges: ['2001:db8::/32'] } };
  assert.deepEqual(chainBody(renderRuleset([v6], [slice('fw', [endpoint('10.42.0.7')])], opts), 'fw-'), ['\t\tdrop']);
});
