import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refusal } from './index.js';
import { findK8tsProcesses, parseK8tsCommandLine } from './processes.js';

test('k8ts server and agent command lines are recognised with their data dir and whether they run a node agent', () => {
  assert.deepEqual(parseK8tsCommandLine(['/usr/bin/node', '/opt/k8ts/bin/k8ts', 'server', '--data-dir', '/tmp/d', '--https-port', '6443']),
    { command: 'server', dataDir: '/tmp/d', runsNodeAgent: true });
  assert.deepEqual(parseK8tsCommandLine(['node', 'dist/src/cli/main.js', 'server', '--disable-agent', '--data-dir=/tmp/x/']),
    { command: 'server', dataDir: '/tmp/x', runsNodeAgent: false });
  assert.deepEqual(parseK8tsCommandLine(['/usr/local/bin/k8ts', 'agent', '--server', 'https://h:6443']),
    { command: 'agent', dataDir: '/var/lib/k8ts', runsNodeAgent: true });
  assert.equal(parseK8tsCommandLine(['node', '/opt/k8ts/bin/k8ts', 'ctr', 'ps']), undefined, 'ctr is no server');
  assert.equal(parseK8tsCommandLine(['node', '/opt/k8ts/bin/k8ts', 'uninstall']), undefined);
  assert.equal(parseK8tsCommandLine(['grep', 'x', 'k8ts', 'server']), undefined, 'k8ts as a later argument of another program');
  assert.deepEqual(parseK8tsCommandLine(['node', '--cpu-prof', '/opt/k8ts/bin/k8ts', 'agent']), { command: 'agent', dataDir: '/var/lib/k8ts', runsNodeAgent: true });
  assert.equal(parseK8tsCommandLine(['node', 'other.js', 'k8ts', 'server']), undefined);
  assert.equal(parseK8tsCommandLine([]), undefined);
});

test('processes are read from a /proc tree, other programs ignored', async () => {
  const proc = mkdtempSync(join(tmpdir(), 'k8ts-proc-'));
  try {
    const put = (pid: string, argv: string[]) => {
      mkdirSync(join(proc, pid));
      writeFileSync(join(proc, pid, 'cmdline'), argv.join('\0') + '\0');
    };
    put('101', ['/usr/bin/node', '/opt/k8ts/bin/k8ts', 'server', '--data-dir', '/srv/k8ts']);
    put('102', ['/usr/bin/sleep', '100']);
    put('103', ['/usr/bin/node', '/opt/k8ts/bin/k8ts', 'agent', '--disable-agent']);
    mkdirSync(join(proc, 'self'));
    writeFileSync(join(proc, 'version'), 'Linux');
    const found = await findK8tsProcesses(proc);
    assert.deepEqual(found.map((p) => [p.pid, p.command, p.dataDir]).sort(), [[101, 'server', '/srv/k8ts'], [103, 'agent', '/var/lib/k8ts']]);
  } finally {
    rmSync(proc, { recursive: true, force: true });
  }
});

test('uninstall refuses while a server or node agent runs, and never removes what is no k8ts data dir', () => {
  const server = { pid: 7, command: 'server' as const, dataDir: '/var/lib/k8ts', runsNodeAgent: true };
  assert.match(refusal('/var/lib/k8ts', [server], ['tls', 'db']) ?? '', /k8ts server \(pid 7\) is running with data dir \/var\/lib\/k8ts: stop it first/);
  assert.match(refusal('/tmp/other', [server], undefined) ?? '', /pid 7, data dir \/var\/lib\/k8ts\) runs this machine's node agent/);
  const controlPlaneOnly = { ...server, dataDir: '/srv/cp', runsNodeAgent: false };
  assert.equal(refusal('/var/lib/k8ts', [controlPlaneOnly], ['runtime', 'agent']), undefined, 'a control plane elsewhere owns no node state');
  assert.match(refusal('/', [], ['etc', 'usr']) ?? '', /refusing to remove \//);
  assert.match(refusal('/home', [], ['alice']) ?? '', /refusing to remove \/home/);
  assert.match(refusal('/srv/photos', [], ['2024', 'cats']) ?? '', /holds none of k8ts' files/);
  assert.equal(refusal('/srv/empty', [], []), undefined, 'an empty dir is fine');
  assert.equal(refusal('/srv/gone', [], undefined), undefined, 'so is a missing one');
});
