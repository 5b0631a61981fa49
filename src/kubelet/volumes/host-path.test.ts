import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HostPathTypeError, prepareHostPath, UnknownHostPathTypeError } from './host-path.js';

test('hostPath types check and create', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'k8ts-hp-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'f');
  await writeFile(file, 'x');

  assert.equal(await prepareHostPath(path.join(dir, 'nothing'), ''), path.join(dir, 'nothing'));
  assert.equal(await prepareHostPath(dir, 'Directory'), dir);
  await assert.rejects(prepareHostPath(file, 'Directory'), (e) => e instanceof HostPathTypeError && e.message === `hostPath type check failed: ${file} is not a directory`);
  await assert.rejects(prepareHostPath(path.join(dir, 'missing'), 'Directory'), HostPathTypeError);
  await assert.rejects(prepareHostPath(dir, 'File'), /is not a file/);
  assert.equal(await prepareHostPath(file, 'File'), file);

  const made = path.join(dir, 'made/deeper');
  await prepareHostPath(made, 'DirectoryOrCreate');
  assert.ok((await stat(made)).isDirectory());
  await assert.rejects(prepareHostPath(file, 'DirectoryOrCreate'), HostPathTypeError);

  const newFile = path.join(dir, 'p/q/file');
  await prepareHostPath(newFile, 'FileOrCreate');
  assert.ok((await stat(newFile)).isFile());
  await assert.rejects(prepareHostPath(dir, 'FileOrCreate'), HostPathTypeError);

  assert.equal(await prepareHostPath('/dev/null', 'CharDevice'), '/dev/null');
  await assert.rejects(prepareHostPath('/dev/null', 'BlockDevice'), /is not a block device/);
  await assert.rejects(prepareHostPath(file, 'Socket'), /is not a socket file/);

  const sock = path.join(dir, 's.sock');
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(sock, r));
  try {
    assert.equal(await prepareHostPath(sock, 'Socket'), sock);
  } finally {
    await new Promise<void>((r) => srv.close(() => r()));
  }
  await assert.rejects(prepareHostPath(dir, 'Weird'), UnknownHostPathTypeError);
});
