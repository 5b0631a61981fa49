import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLoadavgPids, parseMeminfo, parseOsRelease, readHostInfo } from './host-info.js';

test('meminfo, os-release and loadavg parse', () => {
  assert.deepEqual(parseMeminfo('MemTotal:       24731184 kB\nMemFree:        22165992 kB\nMemAvailable:   23878468 kB\n'), { totalBytes: 24731184 * 1024, availableBytes: 23878468 * 1024 });
  assert.deepEqual(parseMeminfo('MemTotal: 2048 kB\nMemFree: 1024 kB\n'), { totalBytes: 2048 * 1024, availableBytes: 1024 * 1024 });
  assert.throws(() => parseMeminfo('nothing'), /MemTotal/);
  assert.equal(parseOsRelease('NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'), 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(parseOsRelease('ID=x\n'), 'Linux');
  assert.equal(parseLoadavgPids('0.10 0.20 0.30 2/345 6789\n'), 345);
});

test('readHostInfo reads a fake /proc and /etc, and statfs of the data dir', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'k8ts-hostinfo-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'proc/sys/kernel/random'), { recursive: true });
  await mkdir(join(root, 'etc'));
  await writeFile(join(root, 'proc/meminfo'), 'MemTotal: 4096000 kB\nMemAvailable: 2048000 kB\n');
  await writeFile(join(root, 'proc/loadavg'), '0.00 0.00 0.00 1/120 99\n');
  await writeFile(join(root, 'proc/sys/kernel/pid_max'), '4194304\n');
  await writeFile(join(root, 'proc/sys/kernel/random/boot_id'), 'boot-1\n');
  await writeFile(join(root, 'proc/sys/kernel/osrelease'), '6.1.0-test\n');
  await writeFile(join(root, 'etc/machine-id'), 'abc123\n');
  await writeFile(join(root, 'etc/os-release'), 'PRETTY_NAME="Test OS 1"\n');
  const h = await readHostInfo({ dataDir: root, procDir: join(root, 'proc'), etcDir: join(root, 'etc'), sysDir: join(root, 'sys') });
  assert.equal(h.memory.totalBytes, 4096000 * 1024);
  assert.equal(h.memory.availableBytes, 2048000 * 1024);
  assert.deepEqual(h.pids, { max: 4194304, running: 120 });
  assert.equal(h.machineID, 'abc123');
  assert.equal(h.systemUUID, 'abc123');
  assert.equal(h.bootID, 'boot-1');
  assert.equal(h.kernelVersion, '6.1.0-test');
  assert.equal(h.osImage, 'Test OS 1');
  assert.ok(h.cpuCores >= 1);
  assert.ok(h.fs.capacityBytes > 0 && h.fs.availableBytes <= h.fs.capacityBytes);
});
