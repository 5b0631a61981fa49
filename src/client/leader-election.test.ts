import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeaderElector, type Lease } from './leader-election.js';
import { RestClient } from './rest-client.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import { until } from './testing/wait.js';

const leasePath = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/test-lock';

interface Candidate {
  id: string;
  elector: LeaderElector;
  abort: AbortController;
  run: Promise<void>;
  started: number;
  stopped: number;
}

async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const fake = new FakeApiServer();
  const url = await fake.start();
  const clients: RestClient[] = [];
  const candidates: Candidate[] = [];
  const spawn = (id: string): Candidate => {
    const client = new RestClient({ server: url, userAgent: id });
    clients.push(client);
    const c = { id, abort: new AbortController(), started: 0, stopped: 0 } as Candidate;
    c.elector = new LeaderElector({
      client,
      name: 'test-lock',
      identity: id,
      leaseDurationMs: 1000,
      renewDeadlineMs: 400,
      retryPeriodMs: 50,
      onStartedLeading: () => void c.started++,
      onStoppedLeading: () => void c.stopped++,
    });
    c.run = c.elector.run(c.abort.signal);
    candidates.push(c);
    return c;
  };
  t.after(async () => {
    for (const c of candidates) c.abort.abort();
    await Promise.all(candidates.map((c) => c.run));
    for (const c of clients) c.close();
    await fake.stop();
  });
  const lease = () => fake.getObject('leases', 'kube-system', 'test-lock') as Lease | undefined;
  return { fake, spawn, lease };
}

test('of two candidates exactly one leads, and it keeps renewing', async (t) => {
  const { spawn, lease } = await setup(t);
  const a = spawn('a');
  const b = spawn('b');
  await until(() => a.elector.isLeader() || b.elector.isLeader(), 'a leader');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(Number(a.elector.isLeader()) + Number(b.elector.isLeader()), 1);
  const leader = a.elector.isLeader() ? a : b;
  const l1 = lease()!;
  assert.equal(l1.spec?.holderIdentity, leader.id);
  assert.equal(l1.spec?.leaseDurationSeconds, 1);
  assert.equal(l1.spec?.leaseTransitions, 0);
  assert.match(l1.spec?.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  await new Promise((r) => setTimeout(r, 150));
  assert.notEqual(lease()!.spec?.renewTime, l1.spec?.renewTime, 'renewed');
  assert.equal(lease()!.spec?.acquireTime, l1.spec?.acquireTime, 'acquireTime kept while renewing');
  assert.equal(leader.started, 1);
});

test('a leader that cannot renew steps down and the other takes over after expiry', async (t) => {
  const { fake, spawn, lease } = await setup(t);
  const a = spawn('a');
  await until(() => a.elector.isLeader(), 'a leads');
  const b = spawn('b');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(b.elector.isLeader(), false);
  // Cut a off from the API server: its renewals fail from now on.
  fake.intercept = (req, res) => {
    if (req.headers['user-agent'] !== 'a') return false;
    res.writeHead(503);
    res.end('unavailable');
    return true;
  };
  await a.run;
  const steppedDownAt = Date.now();
  assert.equal(a.stopped, 1, 'onStoppedLeading called');
  assert.equal(a.elector.isLeader(), false);
  // The deadline counts from a's last successful renewal, the renewTime still stored.
  const lastRenew = Date.parse(lease()!.spec!.renewTime!);
  assert.equal(lease()!.spec?.holderIdentity, 'a');
  assert.ok(steppedDownAt - lastRenew >= 400, `stepped down only after the renew deadline (${steppedDownAt - lastRenew} ms)`);
  await until(() => b.elector.isLeader(), 'b takes over', 5000);
  assert.ok(Date.now() - lastRenew >= 1000, 'not before the lease expired');
  assert.equal(lease()!.spec?.holderIdentity, 'b');
  assert.equal(lease()!.spec?.leaseTransitions, 1);
});

test('stopping the leader releases the lease so a successor need not wait', async (t) => {
  const { spawn, lease } = await setup(t);
  const a = spawn('a');
  await until(() => a.elector.isLeader(), 'a leads');
  const b = spawn('b');
  await new Promise((r) => setTimeout(r, 100));
  a.abort.abort();
  await a.run;
  const releasedAt = Date.now();
  assert.equal(lease()!.spec?.holderIdentity, '');
  await until(() => b.elector.isLeader(), 'b leads');
  assert.ok(Date.now() - releasedAt < 900, 'faster than the lease duration');
  assert.equal(lease()!.spec?.leaseTransitions, 1);
});

test('racing candidates: only one write wins', async (t) => {
  const fake = new FakeApiServer();
  const url = await fake.start();
  t.after(() => fake.stop());
  const mk = (id: string) => {
    const client = new RestClient({ server: url });
    t.after(() => client.close());
    return new LeaderElector({ client, name: 'test-lock', identity: id, onStartedLeading: () => {} });
  };
  const wins = await Promise.all(['x', 'y', 'z'].map(mk).map((e) => e.tryAcquireOrRenew()));
  assert.equal(wins.filter(Boolean).length, 1, 'one create wins, the others see AlreadyExists');
  // Free the lease, then race for it: the resourceVersion guard lets only one update through.
  const l = fake.getObject('leases', 'kube-system', 'test-lock')!;
  fake.put('leases', { ...l, spec: { ...(l.spec as object), holderIdentity: '' } });
  const wins2 = await Promise.all(['p', 'q', 'r'].map(mk).map((e) => e.tryAcquireOrRenew()));
  assert.equal(wins2.filter(Boolean).length, 1);
  assert.ok(fake.requests.some((r) => r.startsWith('PUT ' + leasePath)));
});
