// `k8ts agent`'s argument checks, which fail before anything joins or starts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const bin = resolve(new URL('.', import.meta.url).pathname, '../../../bin/k8ts');
const agent = (...args: string[]) => spawnSync(process.execPath, [bin, 'agent', ...args], { encoding: 'utf8', timeout: 20_000 });
const token = `K10${'a'.repeat(64)}::server:0123456789abcdef0123456789abcdef`;

test('k8ts agent wants --server, a well-formed token and a valid node name and address', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-agent-args-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const noServer = agent('--token', token, '--data-dir', dir);
  assert.equal(noServer.status, 2);
  assert.match(noServer.stderr, /--server is required/);
  const both = agent('--server', 'https://127.0.0.1:1', '--token', token, '--token-file', join(dir, 't'), '--data-dir', dir);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--token or --token-file, not both/);
  const badName = agent('--server', 'https://127.0.0.1:1', '--token', token, '--node-name', 'not_a_name', '--data-dir', dir);
  assert.equal(badName.status, 2);
  assert.match(badName.stderr, /invalid node name "not_a_name"/);
  const badIp = agent('--server', 'https://127.0.0.1:1', '--token', token, '--node-ip', 'nowhere', '--data-dir', dir);
  assert.equal(badIp.status, 2);
  assert.match(badIp.stderr, /invalid --node-ip "nowhere"/);
  const unknown = agent('--sever', 'x');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown flag: --sever/);
  assert.match(agent('--help').stdout, /usage: k8ts agent --server URL --token TOKEN/);
});

test('without stored credentials and without a token there is nothing to join with', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-agent-args-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = agent('--server', 'https://127.0.0.1:1', '--data-dir', dir, '--node-name', 'n1');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no usable node credentials in .*--token is needed to join/);
  writeFileSync(join(dir, 'token'), token + '\n');
  const unreachable = agent('--server', 'https://127.0.0.1:1', '--token-file', join(dir, 'token'), '--data-dir', dir, '--node-name', 'n1');
  assert.equal(unreachable.status, 1);
  assert.match(unreachable.stderr, /cannot join the cluster: cannot reach the server at https:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
});
