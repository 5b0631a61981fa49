import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OciRuntimeError } from '../cri.js';
import { OciCli, RUNTIME_PATHS } from './ocicli.js';
import { mkfifo } from './image/os-tools.js';

function stateRoot(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-ocicli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('crun start writes the byte into the exec fifo its init waits on, and unlinks it', async (t) => {
  const root = stateRoot(t);
  await mkdir(join(root, 'c1'));
  const fifo = join(root, 'c1', 'exec.fifo');
  await mkfifo(fifo, 0o600);
  // The reading end, as the container's init holds it after `crun create`.
  const reader = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  t.after(() => reader.close());
  await new OciCli('crun', RUNTIME_PATHS.crun, root).start('c1');
  assert.equal(existsSync(fifo), false, 'the fifo is gone, so crun reports the container running');
  const { bytesRead, buffer } = await reader.read(Buffer.alloc(4), 0, 4, null);
  assert.equal(bytesRead, 1);
  assert.equal(buffer[0], 0);
});

test('a fifo nobody reads (the init died) is left alone and the real command reports the error', async (t) => {
  const root = stateRoot(t);
  await mkdir(join(root, 'c2'));
  const fifo = join(root, 'c2', 'exec.fifo');
  await mkfifo(fifo, 0o600);
  await assert.rejects(new OciCli('crun', RUNTIME_PATHS.crun, root).start('c2'), (e: Error) => e instanceof OciRuntimeError && /crun start/.test(e.message));
  assert.equal(existsSync(fifo), true);
});

test('an unknown container goes through the command and fails with its message', async (t) => {
  const root = stateRoot(t);
  await assert.rejects(new OciCli('crun', RUNTIME_PATHS.crun, root).start('nope'), OciRuntimeError);
  // runc never takes the fifo path.
  await assert.rejects(new OciCli('runc', RUNTIME_PATHS.runc, root).start('nope'), OciRuntimeError);
  assert.equal(await readFile(join(root, 'nope', 'exec.fifo')).catch(() => null), null);
});
