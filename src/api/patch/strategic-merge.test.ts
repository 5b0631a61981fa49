import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from './strategic-merge.js';
import { PatchError } from './errors.js';
import { deploymentCtx } from './test-schemas.js';
import type { JsonObject } from './json.js';

const smp = (original: unknown, patch: unknown) => applyStrategicMergePatch(original as JsonObject, patch, deploymentCtx);
const containersOf = (d: JsonObject) => (((d.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[];
const podSpec = (spec: unknown) => ({ spec: { template: { spec } } });

function liveDeployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, annotations: { note: 'x' } },
    spec: {
      replicas: 2,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1',
              ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 8080, protocol: 'TCP' }],
              terminationMessagePath: '/dev/termination-log',
            },
            { name: 'sidecar', image: 'busybox', terminationMessagePath: '/dev/termination-log' },
          ],
        },
      },
    },
  };
}

test('second kubectl apply: new image, removed port, removed container, removed label', () => {
  // The patch kubectl apply (client-side) computes from last-applied vs the new manifest.
  const patch = {
    metadata: { labels: { tier: null } },
    spec: {
      template: {
        spec: {
          $setElementOrder: undefined,
          '$setElementOrder/containers': [{ name: 'web' }],
          containers: [
            { '$setElementOrder/ports': [{ containerPort: 80 }], image: 'nginx:2', name: 'web', ports: [{ $patch: 'delete', containerPort: 8080 }] },
            { $patch: 'delete', name: 'sidecar' },
          ],
        },
      },
    },
  };
  delete (patch.spec.template.spec as Record<string, unknown>).$setElementOrder;
  const live = liveDeployment();
  const out = smp(live, patch);
  assert.deepEqual((out.metadata as JsonObject).labels, { app: 'web' });
  assert.deepEqual(containersOf(out), [
    { name: 'web', image: 'nginx:2', ports: [{ containerPort: 80, protocol: 'TCP' }], terminationMessagePath: '/dev/termination-log' },
  ]);
  // Untouched parts stay, and the input was not modified.
  assert.equal((out.spec as JsonObject).replicas, 2);
  assert.deepEqual(live, liveDeployment());
});

test('kubectl apply adding a container in the middle keeps the manifest order', () => {
  const patch = podSpec({
    '$setElementOrder/containers': [{ name: 'web' }, { name: 'logger' }, { name: 'sidecar' }],
    containers: [{ name: 'logger', image: 'fluentd' }],
  });
  const out = smp(liveDeployment(), patch);
  assert.deepEqual(containersOf(out).map((c) => c.name), ['web', 'logger', 'sidecar']);
  assert.deepEqual(containersOf(out)[1], { name: 'logger', image: 'fluentd' });
});

test('$setElementOrder reorders live items even without content changes', () => {
  const out = smp(liveDeployment(), podSpec({ '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }] }));
  assert.deepEqual(containersOf(out).map((c) => c.name), ['sidecar', 'web']);
});

test('merge order without $setElementOrder follows apimachinery: patch order, live-only items keep their place', () => {
  const live = podSpec({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  // c is merged, x is new, a and b are live-only and come first as they preceded c.
  const out1 = smp(live, podSpec({ containers: [{ name: 'c', image: 'i' }, { name: 'x' }] }));
  assert.deepEqual(containersOf(out1).map((c) => c.name), ['a', 'b', 'c', 'x']);
  // A new item named before a live one goes in front of it.
  const out2 = smp(podSpec({ containers: [{ name: 'a' }, { name: 'b' }] }), podSpec({ containers: [{ name: 'n' }, { name: 'a', image: 'i' }] }));
  assert.deepEqual(containersOf(out2).map((c) => c.name), ['n', 'a', 'b']);
  // $setElementOrder wins over live order for the items it names.
  const out3 = smp(live, podSpec({ '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'x' }], containers: [{ name: 'x' }] }));
  assert.deepEqual(containersOf(out3).map((c) => c.name), ['b', 'c', 'a', 'x']);
});

test('merging list items merges their fields recursively and nested lists by their own key', () => {
  const out = smp(liveDeployment(), podSpec({ containers: [{ name: 'web', ports: [{ containerPort: 9090 }], resources: { limits: { cpu: '1' } } }] }));
  const web = containersOf(out)[0];
  assert.equal(web.image, 'nginx:1');
  // Without $setElementOrder a new item goes before the live-only ones, as in apimachinery
  // (kubectl patch adding a port or env var puts it first).
  assert.deepEqual((web.ports as JsonObject[]).map((p) => p.containerPort), [9090, 80, 8080]);
  assert.deepEqual(web.resources, { limits: { cpu: '1' } });
});

test('primitive lists with merge strategy are set unions; $deleteFromPrimitiveList removes', () => {
  const live = { metadata: { finalizers: ['a', 'b'] } };
  assert.deepEqual(smp(live, { metadata: { finalizers: ['c', 'a'] } }).metadata, { finalizers: ['c', 'a', 'b'] });
  assert.deepEqual(smp(live, { metadata: { finalizers: ['b', 'b'] } }).metadata, { finalizers: ['a', 'b'] });
  assert.deepEqual(smp(live, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'zz'] } }).metadata, { finalizers: ['b'] });
  // kubectl's form: order + deletion together.
  const both = smp({ metadata: { finalizers: ['a', 'b', 'c'] } }, {
    metadata: { '$setElementOrder/finalizers': ['c', 'a', 'd'], finalizers: ['d'], '$deleteFromPrimitiveList/finalizers': ['b'] },
  });
  assert.deepEqual(both.metadata, { finalizers: ['c', 'a', 'd'] });
  assert.throws(() => smp(live, { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }), (e: unknown) => e instanceof PatchError && e.status === 400);
});

test('lists without merge strategy are replaced', () => {
  const live = podSpec({ tolerations: [{ key: 'a' }, { key: 'b' }], containers: [{ name: 'web', args: ['x', 'y'] }] });
  const out = smp(live, podSpec({ tolerations: [{ key: 'c' }], containers: [{ name: 'web', args: ['z'] }] }));
  const spec = ((out.spec as JsonObject).template as JsonObject).spec as JsonObject;
  assert.deepEqual(spec.tolerations, [{ key: 'c' }]);
  assert.deepEqual(containersOf(out)[0].args, ['z']);
});

test('null deletes map keys and whole fields; unmatched nulls are dropped', () => {
  const out = smp(liveDeployment(), { metadata: { annotations: null, labels: { nothere: null, app: 'web2' } }, spec: { template: null } });
  assert.deepEqual(out.metadata, { name: 'web', labels: { app: 'web2', tier: 'front' } });
  assert.deepEqual(out.spec, { replicas: 2 });
});

test('$patch: replace and $patch: delete in maps', () => {
  const out = smp(liveDeployment(), { metadata: { labels: { $patch: 'replace', only: 'this' } } });
  assert.deepEqual((out.metadata as JsonObject).labels, { only: 'this' });
  const del = smp(liveDeployment(), { metadata: { labels: { $patch: 'delete' } } });
  assert.deepEqual((del.metadata as JsonObject).labels, {});
  const merge = smp(liveDeployment(), { metadata: { labels: { $patch: 'merge', x: 'y' } } });
  assert.deepEqual((merge.metadata as JsonObject).labels, { app: 'web', tier: 'front', x: 'y' });
  assert.deepEqual(smp(liveDeployment(), { $patch: 'delete' }), {});
});

test('$patch: replace in a list replaces it with the other items', () => {
  const out = smp(liveDeployment(), podSpec({ containers: [{ name: 'only', image: 'i' }, { $patch: 'replace' }] }));
  assert.deepEqual(containersOf(out), [{ name: 'only', image: 'i' }]);
});

test('deleting an absent list item is a no-op; deleting needs the merge key', () => {
  const out = smp(liveDeployment(), podSpec({ containers: [{ name: 'ghost', $patch: 'delete' }] }));
  assert.deepEqual(containersOf(out).map((c) => c.name), ['web', 'sidecar']);
  assert.throws(() => smp(liveDeployment(), podSpec({ containers: [{ image: 'x', $patch: 'delete' }] })), /does not contain declared merge key: name/);
  assert.throws(() => smp(liveDeployment(), podSpec({ containers: [{ image: 'x' }] })), (e: unknown) => e instanceof PatchError && e.code === 'no-merge-key');
});

test('$retainKeys clears the keys it does not list (retainKeys strategy)', () => {
  const live = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } };
  const out = smp(live, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
  assert.deepEqual(out.spec, { strategy: { type: 'Recreate' } });
  // Volumes: merge,retainKeys: switching a volume's source drops the old one.
  const vols = smp(podSpec({ volumes: [{ name: 'v', emptyDir: {} }] }), podSpec({ volumes: [{ name: 'v', $retainKeys: ['hostPath', 'name'], hostPath: { path: '/x' } }] }));
  assert.deepEqual((((vols.spec as JsonObject).template as JsonObject).spec as JsonObject).volumes, [{ name: 'v', hostPath: { path: '/x' } }]);
  assert.throws(() => smp(live, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }), (e: unknown) => e instanceof PatchError && e.status === 400);
  assert.throws(() => smp(live, { spec: { strategy: { $retainKeys: 'type' } } }), (e: unknown) => e instanceof PatchError && e.status === 400);
});

test('directives in newly added items and maps do not leak into the result', () => {
  const out = smp({ spec: { template: { spec: {} } } }, podSpec({
    '$setElementOrder/containers': [{ name: 'a' }],
    containers: [{ name: 'a', '$setElementOrder/ports': [{ containerPort: 1 }], ports: [{ containerPort: 1 }, { containerPort: 2, $patch: 'delete' }] }],
  }));
  assert.deepEqual(containersOf(out), [{ name: 'a', ports: [{ containerPort: 1 }] }]);
  const meta = smp({}, { metadata: { labels: { $patch: 'replace', a: 'b' } } });
  assert.deepEqual(meta, { metadata: { labels: { a: 'b' } } });
});

test('atomic maps and type changes are replaced', () => {
  const out = smp({ spec: { replicas: { weird: 1 } } }, { spec: { replicas: 3 } });
  assert.deepEqual(out.spec, { replicas: 3 });
  const back = smp({ spec: { replicas: 3 } }, { spec: { replicas: { a: 1 } } });
  assert.deepEqual(back.spec, { replicas: { a: 1 } });
});

test('without a schema: maps merge like a JSON merge patch and lists are replaced', () => {
  const live = { data: { a: '1', b: '2' }, items: [{ name: 'x', v: 1 }], deep: { k: { l: 1 } } };
  const out = applyStrategicMergePatch(live, { data: { b: null, c: '3' }, items: [{ name: 'y' }], deep: { k: { m: 2 } } });
  assert.deepEqual(out, { data: { a: '1', c: '3' }, items: [{ name: 'y' }], deep: { k: { l: 1, m: 2 } } });
  // Unknown fields inside a known type fall back the same way.
  const u = smp({ spec: { extra: [1, 2] } }, { spec: { extra: [3] } });
  assert.deepEqual(u.spec, { extra: [3] });
});

test('bad patches are PatchErrors with kube statuses', () => {
  const is = (status: number, code: string) => (e: unknown) => e instanceof PatchError && e.status === status && e.code === code;
  assert.throws(() => applyStrategicMergePatch({}, [1]), is(400, 'bad-document'));
  assert.throws(() => smp(liveDeployment(), { metadata: { $patch: 'frob' } }), is(422, 'bad-patch-type'));
  assert.throws(() => smp(liveDeployment(), podSpec({ containers: [{ name: 'web', $patch: 'merge' }] })), is(422, 'bad-patch-type'));
  assert.throws(() => smp({ metadata: { finalizers: [['a']] } }, { metadata: { finalizers: [['b']] } }), is(422, 'list-of-lists'));
  assert.throws(() => smp({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: [1] } }), is(422, 'mixed-list'));
  assert.throws(() => smp(liveDeployment(), podSpec({ '$setElementOrder/containers': 'web' })), is(400, 'bad-set-element-order'));
  assert.throws(
    () => smp(liveDeployment(), podSpec({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b' }, { name: 'a' }] })),
    is(422, 'bad-set-element-order'),
  );
});
