import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { favorDynamicCgroups } from './cgroups.js';

const root = process.getuid?.() === 0;

function cgroup2Options(): string[] | undefined {
  const f = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')).find((x) => x[2] === 'cgroup2');
  return f?.[3]?.split(',');
}

test('the host cgroup2 mount gets favordynmods, and asking again changes nothing', { skip: (!root || !cgroup2Options()) && 'needs root and a cgroup2 mount' }, async () => {
  const why = await favorDynamicCgroups();
  if (why) {
    // An older kernel may refuse the option: then it must say so, not pretend.
    assert.match(why, /favordynmods/);
    assert.equal(cgroup2Options()!.includes('favordynmods'), false);
    return;
  }
  assert.ok(cgroup2Options()!.includes('favordynmods'));
  assert.equal(await favorDynamicCgroups(), null);
  assert.equal(cgroup2Options()!.filter((o) => o === 'favordynmods').length, 1);
});
