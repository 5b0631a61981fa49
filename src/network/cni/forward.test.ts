import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptClusterForwarding, forwardChainMayDrop, removeClusterForwarding, FORWARD_COMMENT, type CommandRunner } from './forward.js';
import { runCommand } from './host.js';
import { addNetns, deleteNetns } from './testing/netns.js';

test('a FORWARD chain that accepts everything needs nothing; a DROP policy or any rule does', () => {
  assert.equal(forwardChainMayDrop('-P FORWARD ACCEPT\n'), false);
  assert.equal(forwardChainMayDrop('-P FORWARD DROP\n'), true);
  assert.equal(forwardChainMayDrop('-P FORWARD ACCEPT\n-A FORWARD -j DOCKER-USER\n'), true);
});

test('an accepting chain is left untouched; a missing iptables answers false', async () => {
  const calls: string[][] = [];
  const run: CommandRunner = async (cmd, args) => { calls.push([cmd, ...args]); return '-P FORWARD ACCEPT\n'; };
  assert.equal(await acceptClusterForwarding('10.42.0.0/16', run), true);
  assert.deepEqual(calls, [['iptables', '-w', '-S', 'FORWARD']]);
  assert.equal(await acceptClusterForwarding('10.42.0.0/16', async () => { throw new Error('ENOENT'); }), false);
});

// The real iptables, in a network namespace of the test's own (its FORWARD chain is
// that namespace's, so the host's firewall is never touched).
test('with a DROP policy, the cluster CIDR is accepted first, once; teardown removes only our rules', async (t) => {
  const ns = `k8tst-fwd-${process.pid}`;
  t.after(() => deleteNetns(ns));
  await addNetns(ns);
  const run: CommandRunner = (cmd, args) => runCommand('ip', ['netns', 'exec', ns, cmd, ...args]);
  await run('iptables', ['-w', '-P', 'FORWARD', 'DROP']);
  await run('iptables', ['-w', '-A', 'FORWARD', '-s', '192.0.2.0/24', '-j', 'ACCEPT']);
  assert.equal(await acceptClusterForwarding('10.42.0.0/16', run), true);
  await acceptClusterForwarding('10.42.0.0/16', run);
  const rules = (await run('iptables', ['-w', '-S', 'FORWARD'])).trim().split('\n');
  assert.deepEqual(rules, [
    '-P FORWARD DROP',
    `-A FORWARD -s 10.42.0.0/16 -m comment --comment "${FORWARD_COMMENT}" -j ACCEPT`,
    `-A FORWARD -d 10.42.0.0/16 -m comment --comment "${FORWARD_COMMENT}" -j ACCEPT`,
    '-A FORWARD -s 192.0.2.0/24 -j ACCEPT',
  ]);
  await removeClusterForwarding('10.42.0.0/16', run);
  assert.deepEqual((await run('iptables', ['-w', '-S', 'FORWARD'])).trim().split('\n'), ['-P FORWARD DROP', '-A FORWARD -s 192.0.2.0/24 -j ACCEPT']);
});
