import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './clock.js';
import { EventRecorder } from './events.js';
import { RestClient } from './rest-client.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import type { KObject } from './types.js';

test('repeats within the window bump count with a PATCH; others create new Events', async (t) => {
  const fake = new FakeApiServer();
  const client = new RestClient({ server: await fake.start() });
  t.after(async () => {
    client.close();
    await fake.stop();
  });
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  const rec = new EventRecorder({ client, component: 'test-controller', host: 'node1', clock });
  const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'ns1', name: 'web', uid: 'u1' } };

  await rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  clock.advance(30_000);
  await Promise.all([rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container'), rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container')]);
  let events = fake.listObjects('events', 'ns1');
  assert.equal(events.length, 1, 'one Event for three repeats');
  const e = events[0] as KObject & Record<string, unknown>;
  assert.equal(e.count, 3);
  assert.equal(e.firstTimestamp, '2026-06-01T12:00:00Z');
  assert.equal(e.lastTimestamp, '2026-06-01T12:00:30Z');
  assert.deepEqual(e.involvedObject, { kind: 'Pod', apiVersion: 'v1', namespace: 'ns1', name: 'web', uid: 'u1' });
  assert.deepEqual(e.source, { component: 'test-controller', host: 'node1' });
  assert.equal(e.type, 'Warning');
  assert.equal(e.reason, 'BackOff');
  assert.match(e.metadata.name ?? '', /^web\.[0-9a-f]+$/);
  assert.equal(fake.requests.filter((r) => r.startsWith('PATCH')).length, 2);

  await rec.event(pod, 'Normal', 'Pulled', 'image pulled');
  assert.equal(fake.listObjects('events', 'ns1').length, 2);

  clock.advance(11 * 60_000);
  await rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  events = fake.listObjects('events', 'ns1');
  assert.equal(events.length, 3, 'a repeat after ten minutes starts a new Event');

  // Events about cluster-scoped objects go to the default namespace.
  await rec.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } }, 'Normal', 'Starting', 'Starting kubelet.');
  assert.equal(fake.listObjects('events', 'default').length, 1);
});

test('a deleted Event is recreated; a failing server never throws into the caller', async (t) => {
  const fake = new FakeApiServer();
  const client = new RestClient({ server: await fake.start() });
  t.after(async () => {
    client.close();
    await fake.stop();
  });
  const warnings: string[] = [];
  const rec = new EventRecorder({ client, component: 'c', log: { info: () => {}, warn: (m) => warnings.push(m), error: () => {} } });
  const pod: KObject = { kind: 'Pod', metadata: { namespace: 'ns', name: 'p' } };
  await rec.event(pod, 'Normal', 'R', 'm');
  const [first] = fake.listObjects('events', 'ns');
  fake.remove('events', 'ns', first.metadata.name!);
  await rec.event(pod, 'Normal', 'R', 'm');
  const after = fake.listObjects('events', 'ns');
  assert.equal(after.length, 1);
  assert.equal((after[0] as Record<string, unknown>).count, 1);
  fake.intercept = (_req, res) => {
    res.writeHead(500);
    res.end();
    return true;
  };
  await rec.event(pod, 'Normal', 'Other', 'x');
  assert.equal(warnings.length, 1);
});
