// PodTopologySpread and InterPodAffinity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../framework/interfaces.js';
import { Code } from '../framework/status.js';
import { handle, info, node, nodeInfo, pod } from '../testing/fixtures.js';
import { InterPodAffinity } from './interpodaffinity/inter-pod-affinity.js';
import { PodTopologySpread } from './podtopologyspread/pod-topology-spread.js';

const app = (name: string, extra: Parameters<typeof pod>[1] = {}) => pod(name, { labels: { app: 'web' }, ...extra });

test('PodTopologySpread: DoNotSchedule keeps the skew within maxSkew', () => {
  const a = nodeInfo(node('a', { labels: { zone: 'z1' } }), app('w1'), app('w2'));
  const b = nodeInfo(node('b', { labels: { zone: 'z2' } }));
  const nolabel = nodeInfo(node('c'));
  const pts = new PodTopologySpread(handle([a, b, nolabel]));
  const p = info(app('new', { spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] } }));
  const st = new CycleState();
  assert.equal(pts.preFilter(st, p).code, Code.Success);
  assert.equal(pts.filter(st, p, a).message(), "node(s) didn't match pod topology spread constraints");
  assert.equal(pts.filter(st, p, b).code, Code.Success);
  assert.equal(pts.filter(st, p, nolabel).code, Code.UnschedulableAndUnresolvable);
});

test('PodTopologySpread: pods without constraints skip the filter; ScheduleAnyway scores', () => {
  const a = nodeInfo(node('a', { labels: { zone: 'z1' } }), app('w1'));
  const b = nodeInfo(node('b', { labels: { zone: 'z2' } }));
  const pts = new PodTopologySpread(handle([a, b]));
  const st = new CycleState();
  assert.equal(pts.preFilter(st, info(pod('x'))).code, Code.Skip);
  const p = info(app('n', { spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }] } }));
  assert.equal(pts.preScore(st, p).code, Code.Success);
  const scores = new Float64Array([pts.score(st, p, a), pts.score(st, p, b)]);
  pts.normalizeScore(st, p, scores);
  assert.equal(scores[1] > scores[0], true);
});

test('InterPodAffinity: required affinity needs a match in the domain; the first of a group may go anywhere', () => {
  const a = nodeInfo(node('a', { labels: { zone: 'z1' } }), pod('db', { labels: { app: 'db' } }));
  const b = nodeInfo(node('b', { labels: { zone: 'z2' } }));
  const ipa = new InterPodAffinity(handle([a, b]));
  const wantDb = info(pod('w', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'db' } } }] } } } }));
  const st = new CycleState();
  ipa.preFilter(st, wantDb);
  assert.equal(ipa.filter(st, wantDb, a).code, Code.Success);
  assert.equal(ipa.filter(st, wantDb, b).message(), "node(s) didn't match pod affinity rules");
  const self = info(pod('c1', { labels: { app: 'cache' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'cache' } } }] } } } }));
  const st2 = new CycleState();
  ipa.preFilter(st2, self);
  assert.equal(ipa.filter(st2, self, b).code, Code.Success);
});

test('InterPodAffinity: anti-affinity both ways', () => {
  const guard = pod('g', { labels: { app: 'guard' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } } } });
  const a = nodeInfo(node('a'), guard);
  const b = nodeInfo(node('b'), app('w1'));
  const c = nodeInfo(node('c'));
  const ipa = new InterPodAffinity(handle([a, b, c]));
  const web = info(app('w2', { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } } } }));
  const st = new CycleState();
  ipa.preFilter(st, web);
  assert.equal(ipa.filter(st, web, a).message(), "node(s) didn't satisfy existing pods anti-affinity rules");
  assert.equal(ipa.filter(st, web, b).message(), "node(s) didn't match pod anti-affinity rules");
  assert.equal(ipa.filter(st, web, c).code, Code.Success);
  // A pod with no terms, and no existing anti-affinity matching it, skips the filter.
  const st2 = new CycleState();
  assert.equal(ipa.preFilter(st2, info(pod('plain'))).code, Code.Skip);
});

test('InterPodAffinity: preferred terms score by weight', () => {
  const a = nodeInfo(node('a'), pod('db', { labels: { app: 'db' } }));
  const b = nodeInfo(node('b'));
  const ipa = new InterPodAffinity(handle([a, b]));
  const p = info(pod('p', { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } } }] } } } }));
  const st = new CycleState();
  ipa.preScore(st, p);
  const scores = new Float64Array([ipa.score(st, p, a), ipa.score(st, p, b)]);
  ipa.normalizeScore(st, p, scores);
  assert.deepEqual([...scores], [100, 0]);
});
