// The invocation protocol itself, checked with a recording plugin (a tiny script that
// logs its environment and stdin): order of ADD and DEL, prevResult chaining, CNI_*
// variables, runtimeConfig. The real plugins are exercised in pod-network.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addNetworkList, delNetworkList, type Attachment } from './invoke.js';
import { CniPluginError, CniPluginNotFoundError } from './errors.js';
import type { CniNetworkConfList } from './types.js';

// Each plugin appends {type, env, stdin} to $LOG; on ADD it prints prevResult plus one
// IP of its own (so chaining is visible); type "failing" prints a spec error.
const PLUGIN = `#!${process.execPath}
const fs = require('node:fs');
const type = require('node:path').basename(process.argv[1]);
const stdin = JSON.parse(fs.readFileSync(0, 'utf8'));
const env = {};
for (const k of Object.keys(process.env)) if (k.startsWith('CNI_')) env[k] = process.env[k];
fs.appendFileSync(stdin.log, JSON.stringify({ type, env, stdin }) + '\\n');
if (type === 'failing') { process.stdout.write(JSON.stringify({ cniVersion: '1.0.0', code: 11, msg: 'no luck', details: 'by design' })); process.exit(1); }
if (env.CNI_COMMAND === 'ADD') {
  const prev = stdin.prevResult ?? { cniVersion: '1.0.0', interfaces: [{ name: 'eth0', sandbox: env.CNI_NETNS }], ips: [] };
  prev.ips.push({ address: stdin.addr, interface: 0 });
  process.stdout.write(JSON.stringify(prev));
}
`;

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-cni-proto-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const name of ['first', 'second', 'failing']) {
    await writeFile(join(dir, name), PLUGIN);
    await chmod(join(dir, name), 0o755);
  }
  const log = join(dir, 'log.jsonl');
  const att: Attachment = {
    pluginDir: dir, containerId: 'sb1', netns: '/run/netns/x', ifName: 'eth0',
    cniArgs: 'IgnoreUnknown=1;K8S_POD_NAME=p', capabilityArgs: { portMappings: [{ hostPort: 1, containerPort: 2, protocol: 'tcp' }] },
    podRef: 'ns/p',
  };
  const read = async () => (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as {
    type: string; env: Record<string, string>; stdin: Record<string, unknown>;
  });
  return { dir, log, att, read };
}


test('ADD runs in order with prevResult; DEL runs in reverse with the cached result', async (t) => {
  const { log, att, read } = await setup(t);
  const list: CniNetworkConfList = {
    cniVersion: '1.0.0', name: 'proto',
    plugins: [
      { type: 'first', log, addr: '10.0.0.1/24' },
      { type: 'second', log, addr: '10.0.0.2/24', capabilities: { portMappings: true } },
    ],
  };
  const result = await addNetworkList(list, att);
  assert.deepEqual(result.ips?.map((i) => i.address), ['10.0.0.1/24', '10.0.0.2/24']);
  await delNetworkList(list, att, result);
  const calls = await read();
  assert.deepEqual(calls.map((c) => `${c.env.CNI_COMMAND} ${c.type}`), ['ADD first', 'ADD second', 'DEL second', 'DEL first']);
  const [add1, add2, del2, del1] = calls as [typeof calls[0], typeof calls[0], typeof calls[0], typeof calls[0]];
  assert.deepEqual(add1.env, {
    CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'sb1', CNI_NETNS: '/run/netns/x', CNI_IFNAME: 'eth0',
    CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=p', CNI_PATH: att.pluginDir,
  });
  assert.equal(add1.stdin.name, 'proto');
  assert.equal(add1.stdin.cniVersion, '1.0.0');
  assert.equal('prevResult' in add1.stdin, false);
  assert.equal('runtimeConfig' in add1.stdin, false);
  assert.deepEqual((add2.stdin.prevResult as { ips: unknown[] }).ips, [{ address: '10.0.0.1/24', interface: 0 }]);
  assert.deepEqual(add2.stdin.runtimeConfig, { portMappings: att.capabilityArgs.portMappings });
  assert.deepEqual(del2.stdin.prevResult, result);
  assert.deepEqual(del1.stdin.prevResult, result);
});

test('a plugin error becomes CniPluginError; a missing plugin CniPluginNotFoundError', async (t) => {
  const { log, att } = await setup(t);
  const failing: CniNetworkConfList = { cniVersion: '1.0.0', name: 'proto', plugins: [{ type: 'failing', log }] };
  await assert.rejects(addNetworkList(failing, att), (err: unknown) => {
    assert.ok(err instanceof CniPluginError);
    assert.equal(err.pod, 'ns/p');
    assert.equal(err.plugin, 'failing');
    assert.equal(err.code, 11);
    assert.equal(err.details, 'by design');
    assert.match(err.message, /failing ADD for pod ns\/p failed \(code 11\): no luck/);
    return true;
  });
  const missing: CniNetworkConfList = { cniVersion: '1.0.0', name: 'proto', plugins: [{ type: 'nonexistent' }] };
  await assert.rejects(addNetworkList(missing, att), CniPluginNotFoundError);
});
