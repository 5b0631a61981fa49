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
  assert.doesNotMatch(ext, /meta mark set/);
  assert.doesNotMatch(ext, /numgen/); // one local endpoint: a plain goto
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
