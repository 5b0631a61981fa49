import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDelta } from './delta.js';
import { buildRuleset, RenderCache, rulesetText } from './render.js';
import { endpoint, service, slice } from './testing/fixtures.js';

const opts = { nodeName: 'node-a', clusterCIDR: '10.42.0.0/16', table: 'k8ts-proxy-d' };

test('no change, no commands', () => {
  const s = [service('web', '10.43.0.5')];
  const e = [slice('web', [endpoint('10.42.0.7')])];
  assert.equal(renderDelta(buildRuleset(s, e, opts), buildRuleset(s, e, opts)), '');
});

test('one endpoint more: the service chain rewritten, the hairpin pair added, nothing else', () => {
  const s = [service('web', '10.43.0.5'), service('other', '10.43.0.6')];
  const a = buildRuleset(s, [slice('web', [endpoint('10.42.0.7')]), slice('other', [endpoint('10.42.0.9')])], opts);
  const b = buildRuleset(s, [slice('web', [endpoint('10.42.0.7'), endpoint('10.42.0.8')]), slice('other', [endpoint('10.42.0.9')])], opts);
  const d = renderDelta(a, b).trim().split('\n');
  assert.match(d[0]!, /^flush chain ip k8ts-proxy-d svc-\w+$/);
  assert.ok(d.some((l) => /add rule .* numgen random mod 2 map \{ 0 : 10\.42\.0\.7 \. 8080, 1 : 10\.42\.0\.8 \. 8080 \}$/.test(l)));
  assert.ok(d.includes('add element ip k8ts-proxy-d hairpin { 10.42.0.8 . 10.42.0.8 }'), d.join('\n'));
  assert.equal(d.length, 4, d.join('\n')); // flush, two rules (mark, dnat), the element
  assert.ok(!d.some((l) => /10\.42\.0\.9|delete/.test(l)), d.join('\n'));
});

test('last endpoint gone: map element out, reject element in, chains flushed then deleted', () => {
  const s = [service('web', '10.43.0.5')];
  const a = buildRuleset(s, [slice('web', [endpoint('10.42.0.7')])], opts);
  const b = buildRuleset(s, [], opts);
  const d = renderDelta(a, b);
  assert.match(d, /delete element ip k8ts-proxy-d cluster-ips \{ 10\.43\.0\.5 \. tcp \. 80 \}/);
  assert.match(d, /add element ip k8ts-proxy-d no-endpoint-ips \{ 10\.43\.0\.5 \. tcp \. 80 \}/);
  const lines = d.trim().split('\n');
  const delEl = lines.findIndex((l) => l.startsWith('delete element'));
  const flush = lines.findIndex((l) => l.startsWith('flush chain'));
  const delChain = lines.findIndex((l) => l.startsWith('delete chain'));
  assert.ok(delEl < flush && flush < delChain, d);
  assert.equal(lines.filter((l) => l.startsWith('delete chain')).length, 1);
  assert.match(d, /delete element ip k8ts-proxy-d hairpin \{ 10\.42\.0\.7 \. 10\.42\.0\.7 \}/);
});

test('RenderCache: unchanged objects reuse their part, a changed slice is re-rendered, equal to a fresh build', () => {
  const svcs = [service('web', '10.43.0.5'), service('db', '10.43.0.6')];
  const webSlice = slice('web', [endpoint('10.42.0.7')]);
  const dbSlice = slice('db', [endpoint('10.42.0.9')]);
  const cache = new RenderCache();
  const a = buildRuleset(svcs, [webSlice, dbSlice], opts, cache);
  const dbPart = cache.entries.get('default/db')!.part;
  const webSlice2 = slice('web', [endpoint('10.42.0.7'), endpoint('10.42.0.8')]);
  const b = buildRuleset(svcs, [webSlice2, dbSlice], opts, cache);
  assert.equal(cache.entries.get('default/db')!.part, dbPart); // reused, not rebuilt
  assert.notEqual(renderDelta(a, b), '');
  assert.equal(rulesetText(b), rulesetText(buildRuleset(svcs, [webSlice2, dbSlice], opts)));
  buildRuleset([svcs[0]!], [webSlice2], opts, cache);
  assert.equal(cache.entries.has('default/db'), false); // a deleted service is forgotten
});

test('a load balancer IP with source ranges arrives and leaves as elements and a firewall chain', () => {
  const lb = service('lb', '10.43.0.7', { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }], loadBalancerSourceRanges: ['10.0.0.0/8'] });
  const withIp = { ...lb, status: { loadBalancer: { ingress: [{ ip: '192.168.7.10' }] } } };
  const e = [slice('lb', [endpoint('10.42.0.7')])];
  const a = buildRuleset([lb], e, opts);
  const b = buildRuleset([withIp], e, opts);
  const d = renderDelta(a, b).trim().split('\n');
  const fw = /^add chain ip k8ts-proxy-d (fw-\w+)$/.exec(d[0] ?? '')?.[1];
  assert.ok(fw, d.join('\n'));
  assert.ok(d.includes(`add rule ip k8ts-proxy-d ${fw} ip saddr != { 10.0.0.0/8 } drop`), d.join('\n'));
  assert.ok(d.some((l) => /^add element ip k8ts-proxy-d cluster-ips \{ 192\.168\.7\.10 \. tcp \. 80 : goto ext-\w+ \}$/.test(l)), d.join('\n'));
  assert.ok(d.includes(`add element ip k8ts-proxy-d firewall-ips { 192.168.7.10 . tcp . 80 : goto ${fw} }`), d.join('\n'));
  const back = renderDelta(b, a).trim().split('\n');
  assert.ok(back.includes('delete element ip k8ts-proxy-d firewall-ips { 192.168.7.10 . tcp . 80 }'), back.join('\n'));
  assert.ok(back.indexOf(`delete chain ip k8ts-proxy-d ${fw}`) > back.indexOf('delete element ip k8ts-proxy-d firewall-ips { 192.168.7.10 . tcp . 80 }'));
});
