import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOnlyBinary } from './readonly-binary.js';

const root = process.getuid?.() === 0;
const mountsAt = (p: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === p).length;

test('a binary bind-mounted read-only: same file, runs, cannot be written, made once', { skip: !root && 'needs root' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-robin-'));
  const src = join(dir, 'src', 'tool');
  const bin = join(dir, 'bin');
  t.after(() => {
    for (let i = 0; i < 3 && mountsAt(join(bin, 'tool')) > 0; i++) spawnSync('umount', ['-l', join(bin, 'tool')]);
    rmSync(dir, { recursive: true, force: true });
  });
  execFileSync('mkdir', ['-p', join(dir, 'src')]);
  copyFileSync('/bin/true', src);
  const r = await readOnlyBinary(src, bin);
  assert.equal(r.path, join(bin, 'tool'));
  assert.equal(statSync(r.path!).ino, statSync(src).ino);
  assert.equal(spawnSync(r.path!).status, 0, 'it runs');
  assert.throws(() => openSync(r.path!, 'r+'), /EROFS/);
  assert.deepEqual(await readOnlyBinary(src, bin), r);
  assert.equal(mountsAt(r.path!), 1, 'not mounted twice');
  // The package upgraded: a new file at the source path gets a new mount over the stale one.
  rmSync(src);
  copyFileSync('/bin/true', src);
  const again = await readOnlyBinary(src, bin);
  assert.equal(statSync(again.path!).ino, statSync(src).ino);
});

test('without a usable source the caller is told why', async () => {
  const r = await readOnlyBinary('/nonexistent/k8ts-tool', join(tmpdir(), 'k8ts-robin-none'));
  assert.equal(r.path, null);
  rmSync(join(tmpdir(), 'k8ts-robin-none'), { recursive: true, force: true });
});
