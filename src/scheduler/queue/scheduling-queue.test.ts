import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { info, pod } from '../testing/fixtures.js';
import { SchedulingQueue } from './scheduling-queue.js';

const events = new Map([
  ['NodeResourcesFit', [{ resource: 'Node' as const, action: 'Add' as const }, { resource: 'AssignedPod' as const, action: 'Delete' as const }]],
  ['TaintToleration', [{ resource: 'Node' as const, action: 'Update' as const }]],
]);

test('active queue: higher priority first, FIFO among equals', async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock });
  try {
    q.add(info(pod('a', { priority: 1 })));
    clock.advance(1);
    q.add(info(pod('b', { priority: 10 })));
    clock.advance(1);
    q.add(info(pod('c', { priority: 1 })));
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.pop())!.info.pod.metadata.name);
    assert.deepEqual(order, ['b', 'a', 'c']);
  } finally {
    q.close();
  }
});

test('pop waits for a pod; close releases waiters with undefined', async () => {
  const q = new SchedulingQueue({ clock: new FakeClock() });
  const waiting = q.pop();
  q.add(info(pod('late')));
  assert.equal((await waiting)?.info.pod.metadata.name, 'late');
  const again = q.pop();
  q.close();
  assert.equal(await again, undefined);
});

test('back-off: 1 s doubling per attempt to 10 s', async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock });
  try {
    q.add(info(pod('p')));
    let qp = (await q.pop())!;
    assert.equal(q.backoffDuration(qp), 1000);
    q.addBackoff(qp);
    clock.advance(500);
    assert.equal(q.counts().active, 0);
    clock.advance(600);
    assert.equal(q.counts().active, 1);
    qp = (await q.pop())!;
    assert.equal(q.backoffDuration(qp), 2000);
    qp.attempts = 10;
    assert.equal(q.backoffDuration(qp), 10_000);
  } finally {
    q.close();
  }
});

test('unschedulable pods move back only on events their rejecting plugins registered', async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock, eventsByPlugin: events });
  try {
    q.add(info(pod('p')));
    const qp = (await q.pop())!;
    const cycle = q.cycle;
    q.addUnschedulable(qp, new Set(['NodeResourcesFit']), cycle);
    assert.equal(q.counts().unschedulable, 1);
    q.onEvent({ resource: 'Node', action: 'Update' });
    assert.equal(q.counts().unschedulable, 1, 'TaintToleration events do not help a pod NodeResourcesFit rejected');
    q.onEvent({ resource: 'AssignedPod', action: 'Delete' });
    assert.equal(q.counts().unschedulable, 0);
    // Still inside its back-off window: it waits there, then goes active.
    assert.equal(q.counts().backoff, 1);
    clock.advance(1100);
    assert.equal(q.counts().active, 1);
  } finally {
    q.close();
  }
});

test('an event during the attempt sends the pod to back-off, not unschedulable', async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock, eventsByPlugin: events });
  try {
    q.add(info(pod('p')));
    const qp = (await q.pop())!;
    const cycle = q.cycle;
    q.onEvent({ resource: 'Node', action: 'Add' });
    q.addUnschedulable(qp, new Set(['NodeResourcesFit']), cycle);
    assert.deepEqual(q.counts(), { active: 0, backoff: 1, unschedulable: 0 });
  } finally {
    q.close();
  }
});

test('unschedulable pods are retried after 5 minutes without events; delete removes', async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock, eventsByPlugin: events });
  try {
    q.add(info(pod('p')));
    q.add(info(pod('gone')));
    const a = (await q.pop())!;
    const b = (await q.pop())!;
    q.addUnschedulable(a, new Set(['NodeResourcesFit']), q.cycle);
    q.addUnschedulable(b, new Set(['NodeResourcesFit']), q.cycle);
    q.delete(b.info.key);
    clock.advance(301_000);
    assert.deepEqual(q.counts(), { active: 1, backoff: 0, unschedulable: 0 });
  } finally {
    q.close();
  }
});
