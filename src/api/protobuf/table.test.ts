import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceTypes, apiVersionOf } from '../resources.js';
import { defaultSchema } from './index.js';
import { messageForKind } from './kinds.js';
import { Schema, TableError } from './table.js';

test('every message of every table compiles and every referenced message exists', () => {
  const schema = defaultSchema();
  const names = schema.names();
  assert.ok(names.length > 400, `only ${names.length} messages`);
  for (const name of names) {
    const spec = schema.message(name);
    const nums = new Set<number>();
    for (const f of spec.fields) {
      assert.ok(!nums.has(f.num), `${name}: field number ${f.num} twice`);
      nums.add(f.num);
      if (f.value.kind === 'message') assert.ok(schema.has(f.value.name), `${name}.${f.json} refers to missing ${f.value.name}`);
    }
    if (spec.listOf?.kind === 'message') assert.ok(schema.has(spec.listOf.name), `${name} wraps missing ${spec.listOf.name}`);
  }
});

test('every kind the API serves has a protobuf message', () => {
  const schema = defaultSchema();
  for (const r of resourceTypes) {
    const name = messageForKind(schema, apiVersionOf(r), r.kind);
    assert.ok(schema.message(name).fields.length > 0, name);
  }
  for (const [av, kind] of [['autoscaling/v1', 'Scale'], ['policy/v1', 'Eviction'], ['v1', 'Binding'], ['v1', 'DeleteOptions'], ['authentication.k8s.io/v1', 'TokenRequest']]) {
    assert.ok(schema.has(messageForKind(schema, av, kind)), `${av} ${kind}`);
  }
});

test('pointer and omitempty flags match the Go types for well-known fields', () => {
  const s = defaultSchema();
  const field = (msg: string, json: string) => {
    const f = s.message(msg).fields.find((x) => x.json === json);
    assert.ok(f, `${msg}.${json}`);
    return f;
  };
  assert.equal(field('apps/v1.DeploymentSpec', 'replicas').presence, 'pointer');
  assert.equal(field('apps/v1.DeploymentSpec', 'minReadySeconds').presence, 'omitempty');
  assert.equal(field('core/v1.ConfigMap', 'immutable').presence, 'pointer');
  assert.equal(field('core/v1.PodSpec', 'terminationGracePeriodSeconds').presence, 'pointer');
  assert.equal(field('core/v1.PodSpec', 'containers').presence, 'always');
  assert.equal(field('core/v1.ContainerPort', 'containerPort').presence, 'always');
  assert.equal(field('core/v1.Volume', 'volumeSource').presence, 'inline');
  assert.deepEqual(field('core/v1.Secret', 'data').value, { kind: 'scalar', scalar: 'bytes' });
  assert.equal(field('core/v1.Secret', 'data').shape, 'map');
  assert.deepEqual(field('meta/v1.ObjectMeta', 'creationTimestamp').value, { kind: 'builtin', builtin: 'time' });
  assert.equal(field('batch/v1.JobSpec', 'completions').num, 2);
});

test('the table notation rejects what it cannot read', () => {
  const bad = new Schema([{ key: 'x/v1', messages: { A: 'name=1:string!! other' } }]);
  assert.throws(() => bad.message('x/v1.A'), TableError);
  const badType = new Schema([{ key: 'x/v1', messages: { A: 'name=1:strng' } }]);
  assert.throws(() => badType.message('x/v1.A'), TableError);
});
