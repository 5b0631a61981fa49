// IpRouteTable's commands and parsing, over a recorded `ip` (the kernel itself is in kernel.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpRouteTable, type IpRunner } from './kernel.js';
import { RouteCommandError } from './errors.js';

function recorder(answers: Record<string, string | Error>): { run: IpRunner; calls: string[] } {
  const calls: string[] = [];
  const run: IpRunner = async (args) => {
    const line = args.join(' ');
    calls.push(line);
    const a = Object.entries(answers).find(([k]) => line.startsWith(k))?.[1] ?? '';
    if (a instanceof Error) throw a;
    return a;
  };
  return { run, calls };
}

test('replace and delete name our protocol and metric; listOwn keeps gateway routes only', async () => {
  const { run, calls } = recorder({
    '-j -4 route show table main proto 75': JSON.stringify([
      { dst: '10.42.1.0/24', gateway: '192.168.1.11', dev: 'eth0', metric: 75, flags: [] },
      { dst: '10.42.9.9', gateway: '192.168.1.19', dev: 'eth0', metric: 75, flags: [] },
      { dst: '10.42.2.0/24', dev: 'eth0', metric: 75, flags: [] },
    ]),
  });
  const t = new IpRouteTable({ ip: run });
  assert.deepEqual(await t.listOwn(), [
    { dst: '10.42.1.0/24', via: '192.168.1.11', dev: 'eth0', metric: 75 },
    { dst: '10.42.9.9/32', via: '192.168.1.19', dev: 'eth0', metric: 75 },
  ]);
  await t.replace({ dst: '10.42.3.0/24', via: '192.168.1.13', dev: 'eth0' });
  await t.delete({ dst: '10.42.1.0/24', via: '192.168.1.11', dev: 'eth0', metric: 75 });
  assert.deepEqual(calls.slice(1), [
    '-4 route replace 10.42.3.0/24 via 192.168.1.13 dev eth0 proto 75 metric 75 table main',
    '-4 route del 10.42.1.0/24 via 192.168.1.11 dev eth0 proto 75 metric 75 table main',
  ]);
});

test('foreignRouteAt: only a route of someone else at our metric counts', async () => {
  const at = (routes: object[], ours: object[]) => new IpRouteTable({
    protocol: 80, metric: 80,
    ip: recorder({ '-j -4 route show table main exact 10.42.1.0/24 proto 80': JSON.stringify(ours), '-j -4 route show table main exact 10.42.1.0/24': JSON.stringify(routes) }).run,
  }).foreignRouteAt('10.42.1.0/24');
  const ours = { dst: '10.42.1.0/24', gateway: '192.168.1.11', metric: 80 };
  assert.equal(await at([], []), false);
  assert.equal(await at([ours], [ours]), false);
  assert.equal(await at([{ dst: '10.42.1.0/24', gateway: '192.168.1.50' }], []), false, 'metric 0: replace at 80 does not touch it');
  assert.equal(await at([ours, { dst: '10.42.1.0/24', gateway: '192.168.1.50', metric: 80, protocol: 'static' }], [ours]), true);
});

test('deleting a route that is gone already succeeds; other failures are RouteCommandErrors', async () => {
  const gone = new IpRouteTable({ ip: recorder({ '-4 route del': new RouteCommandError('ip -4 route del failed: RTNETLINK answers: No such process', []) }).run });
  await gone.delete({ dst: '10.42.1.0/24', via: '192.168.1.11', dev: 'eth0', metric: 75 });
  const denied = new IpRouteTable({ ip: recorder({ '-4 route del': new RouteCommandError('ip -4 route del failed: RTNETLINK answers: Operation not permitted', []) }).run });
  await assert.rejects(denied.delete({ dst: '10.42.1.0/24', via: '192.168.1.11', dev: 'eth0', metric: 75 }), RouteCommandError);
});

test('localAddresses lists global IPv4 addresses with their device and prefix', async () => {
  const t = new IpRouteTable({
    ip: recorder({
      '-j -4 addr show': JSON.stringify([
        { ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host' }] },
        { ifname: 'eth0', addr_info: [{ family: 'inet', local: '192.168.1.10', prefixlen: 24, scope: 'global' }, { family: 'inet', local: '192.168.7.1', prefixlen: 30, scope: 'global' }] },
        { ifname: 'eth1', addr_info: [] },
      ]),
    }).run,
  });
  assert.deepEqual(await t.localAddresses(), [
    { dev: 'eth0', address: '192.168.1.10', prefixLen: 24 },
    { dev: 'eth0', address: '192.168.7.1', prefixLen: 30 },
  ]);
});
