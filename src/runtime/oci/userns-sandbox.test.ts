// A user namespace sandbox's namespaces, both ways they are made (the long-lived helper
// and the commands it falls back to): maps, host name, loopback, shm and the namespace
// files outliving their maker; all unmounted afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUserNamespaceSandbox } from './userns.js';
import { SandboxHelper } from './sandbox-helper.js';

const map = [{ containerId: 0, hostId: 500000, length: 65536 }];

for (const way of ['helper', 'commands'] as const) {
  test(`userns sandbox (${way}): mapped namespaces bound to files, host name and lo set inside, shm mounted`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-userns-sb-'));
    const helper = way === 'helper' ? new SandboxHelper() : null;
    const files = { user: join(dir, 'user'), ipc: join(dir, 'ipc'), uts: join(dir, 'uts'), net: join(dir, 'net'), shm: { path: join(dir, 'shm'), options: 'mode=1777,size=1m' } };
    t.after(async () => {
      helper?.close();
      for (const f of [files.user, files.ipc, files.uts, files.net, files.shm.path]) {
        try { execFileSync('umount', [f], { stdio: 'ignore' }); } catch { /* not mounted */ }
      }
      rmSync(dir, { recursive: true, force: true });
    });
    for (const f of [files.user, files.ipc, files.uts, files.net]) writeFileSync(f, '');
    mkdirSync(files.shm.path);
    await createUserNamespaceSandbox(files, { uids: map, gids: map }, `sb-${way}`, helper);

    const info = await readFile('/proc/self/mountinfo', 'utf8');
    for (const f of [files.user, files.ipc, files.uts, files.net]) assert.ok(info.includes(` ${f} `) && statSync(f).dev !== statSync(dir).dev, `${f} is a bound namespace`);
    assert.match(info, new RegExp(` ${files.shm.path} \\S*nosuid,nodev,noexec\\S* - tmpfs shm `));
    const inside = execFileSync('nsenter', [`--user=${files.user}`, `--uts=${files.uts}`, `--net=${files.net}`, 'sh', '-c', 'cat /proc/self/uid_map /proc/self/gid_map; hostname; cat /sys/class/net/lo/flags; id -u'], { encoding: 'utf8' });
    const lines = inside.trim().split('\n').map((l) => l.trim().replace(/\s+/g, ' '));
    assert.deepEqual(lines.slice(0, 3), ['0 500000 65536', '0 500000 65536', `sb-${way}`]);
    assert.equal(Number(lines[3]) & 1, 1, 'lo is up');
    assert.equal(lines[4], '0');
  });
}
