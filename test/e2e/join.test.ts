// `k8ts agent` joining `k8ts server` as a separate process with its own data dir, as on
// another machine: the server runs without an agent of its own, the agent joins with
// the server's token, registers its node (no control-plane role, a pod CIDR from the
// control plane's node IPAM), runs a pod, and kubectl reaches the pod's logs and exec
// through the API server. A wrong token fails clearly; a restart reuses the credentials.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { k8tsBin, kubectlPath, TestServer } from './harness.js';
import { importTestImage, removeDataDir, uninstallNode, otherAgentRuns, testImage as image } from './node-state.js';
import { eventually } from './wait.js';

const nodeName = 'k8ts-join-e2e';
const placeholder = 'k8ts-join-placeholder';


/** A `k8ts agent` process, its output kept for failure messages. */
class AgentProcess {
  output = '';
  private readonly exited: Promise<number | null>;
  private constructor(readonly proc: ChildProcess) {
    proc.stdout!.on('data', (b: Buffer) => { this.output += b.toString(); });
    proc.stderr!.on('data', (b: Buffer) => { this.output += b.toString(); });
    // 'close', not 'exit': only then has all of the process's output been read.
    this.exited = new Promise((r) => proc.once('close', (code) => r(code)));
  }
  static start(args: string[]): AgentProcess {
    return new AgentProcess(spawn(process.execPath, [k8tsBin, 'agent', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  }
  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.running) this.proc.kill(signal);
    return this.exited;
  }
}

function statusOf(url: string, ca: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

// One node agent per machine (see agent.test.ts): with another one running, step aside.
const otherAgent = otherAgentRuns();

describe('k8ts agent joins k8ts server', { skip: otherAgent ? 'another k8ts node agent runs on this machine (bridge k8ts0 exists); stop it to run these tests' : false }, () => {
  let server: TestServer;
  let agent: AgentProcess | undefined;
  const agentDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-join-agent-'));
  const v = '1.33';
  const k = (...args: string[]) => server.ok(v, args);
  const kTry = (...args: string[]) => server.kubectl(v, args);
  const node = (name: string) => JSON.parse(k('get', 'node', name, '-o', 'json'));
  const ready = (name: string): boolean => {
    const r = kTry('get', 'node', name, '-o', 'json');
    if (r.code !== 0) return false;
    return (JSON.parse(r.stdout).status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
  };
  const token = () => readFileSync(join(server.dataDir, 'token'), 'utf8').trim();
  const agentArgs = (extra: string[] = []) => ['--server', server.url, '--data-dir', agentDir, '--node-name', nodeName, ...extra];

  before(async () => {
    server = await TestServer.start({ dataDir: mkdtempSync(join(tmpdir(), 'k8ts-e2e-join-server-')) });
    // A node the control plane knows first (never schedulable), so the agent's node is the second to get a /24.
    server.ok(v, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: placeholder }, spec: { unschedulable: true } }));
    await eventually('the placeholder node\'s pod CIDR', () => node(placeholder).spec?.podCIDR);
    importTestImage(agentDir);
  });

  test('the server prints the join token it keeps in its data dir, with the command that joins', () => {
    assert.match(server.output, new RegExp(`join token \\(kept in ${join(server.dataDir, 'token')}\\): K10[0-9a-f]{64}::server:[0-9a-f]+; on another machine: k8ts agent --server ${server.url} --token K10`));
    assert.ok(server.output.includes(token()), 'the printed token is the kept one');
  });

  test('a wrong token fails with a clear message and a non-zero exit, and never authenticates to the API', async () => {
    const wrongDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-join-wrong-'));
    try {
      const secretless = token().replace(/:[^:]+$/, ':0123456789abcdef0123456789abcdef');
      const r = spawnSync(process.execPath, [k8tsBin, 'agent', '--server', server.url, '--token', secretless, '--data-dir', wrongDir, '--node-name', 'intruder'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /k8ts agent: cannot join the cluster: the server refused the join token \(401 Unauthorized/);
      const otherCa = spawnSync(process.execPath, [k8tsBin, 'agent', '--server', server.url, '--token', `K10${'0'.repeat(64)}::server:${token().split(':').pop()}`, '--data-dir', wrongDir], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(otherCa.status, 1);
      assert.match(otherCa.stderr, /is not the one the join token names/);
      const malformed = spawnSync(process.execPath, [k8tsBin, 'agent', '--server', server.url, '--token', 'abcdef.0123456789abcdef', '--data-dir', wrongDir], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(malformed.status, 2);
      assert.match(malformed.stderr, /malformed join token/);
      assert.equal(existsSync(join(wrongDir, 'agent', 'tls', 'client-kubelet.crt')), false, 'no credentials for a refused join');
    } finally {
      rmSync(wrongDir, { recursive: true, force: true });
    }
    const ca = readFileSync(join(server.dataDir, 'tls', 'ca.crt'), 'utf8');
    assert.equal(await statusOf(`${server.url}/api/v1/nodes`, ca, token()), 401, 'the join token is no API credential');
    assert.equal(kTry('get', 'node', 'intruder').code, 1);
  });

  test('the agent joins, registers a Ready node without the control-plane role, with the second /24', async () => {
    agent = AgentProcess.start(agentArgs(['--token', token()]));
    await eventually('the joined node to be Ready', () => (ready(nodeName) ? true : undefined), 90_000, 250, () => agent!.output);
    // The node can be Ready before the agent's log line has crossed the pipe: wait for it too.
    await eventually('the agent to say it joined', () => (/joined: node credentials written to/.test(agent!.output) ? true : undefined), 10_000, 50, () => agent!.output);
    const n = node(nodeName);
    assert.equal(n.spec.podCIDR, '10.42.1.0/24', 'node IPAM gave the placeholder 10.42.0.0/24 and this node the next block');
    assert.equal(node(placeholder).spec.podCIDR, '10.42.0.0/24');
    assert.equal(n.metadata.labels['kubernetes.io/hostname'], nodeName);
    assert.deepEqual(Object.keys(n.metadata.labels).filter((l) => l.startsWith('node-role.kubernetes.io/')), []);
    const row = k('get', 'nodes', '--no-headers').split('\n').find((l) => l.startsWith(`${nodeName} `)) ?? '';
    assert.match(row, new RegExp(`^${nodeName}\\s+Ready\\s+<none>\\s`), row);
    // The agent's kubeconfig is the node's identity: system:node:<name>, from the cluster CA.
    const kc = join(agentDir, 'agent', 'kubelet.kubeconfig');
    const cert = new X509Certificate(readFileSync(join(agentDir, 'agent', 'tls', 'client-kubelet.crt'), 'utf8'));
    assert.deepEqual(cert.subject.split('\n').sort(), [`CN=system:node:${nodeName}`, 'O=system:nodes']);
    assert.ok(cert.verify(new X509Certificate(readFileSync(join(server.dataDir, 'tls', 'ca.crt'), 'utf8')).publicKey));
    assert.match(readFileSync(kc, 'utf8'), /name: system:node:k8ts-join-e2e/);
    const viaNode = spawnSync(kubectlPath(v), ['--kubeconfig', kc, 'get', 'node', nodeName, '-o', 'name'], { encoding: 'utf8', env: { ...process.env, KUBECACHEDIR: join(agentDir, 'kubectl-cache') } });
    assert.equal(viaNode.stdout.trim(), `node/${nodeName}`, viaNode.stderr);
  });

  test('a pod runs on the joined node, with logs and exec through the API server', async () => {
    assert.ok(agent?.running, 'the agent runs');
    k('run', 'joined', `--image=${image}`, '--image-pull-policy=Never', '--', 'sh', '-c', 'trap "exit 0" TERM; echo hello from the joined node; while true; do sleep 1; done');
    const p = await eventually('the pod to run', () => {
      const q = JSON.parse(k('get', 'pod', 'joined', '-o', 'json'));
      return q.status.phase === 'Running' && q.status.containerStatuses?.[0]?.ready ? q : undefined;
    }, 60_000, 250, () => agent!.output);
    assert.equal(p.spec.nodeName, nodeName);
    assert.match(p.status.podIP, /^10\.42\.1\.\d+$/, 'the pod address comes from the node\'s CIDR');
    await eventually('its log line', () => (k('logs', 'joined').includes('hello from the joined node') ? true : undefined));
    assert.match(k('exec', 'joined', '--', 'sh', '-c', 'echo from-exec; hostname'), /from-exec\njoined/);
    assert.equal(kTry('exec', 'joined', '--', 'sh', '-c', 'exit 4').code, 4);
    assert.match(server.ok('1.27', ['exec', 'joined', '--', 'echo', 'over-spdy']), /over-spdy/);
  });

  test('the node\'s stats summary and resource metrics, through the API server\'s node proxy', () => {
    const summary = JSON.parse(k('get', '--raw', `/api/v1/nodes/${nodeName}/proxy/stats/summary`));
    assert.equal(summary.node.nodeName, nodeName);
    assert.ok(summary.node.memory.workingSetBytes > 0);
    assert.ok(summary.node.cpu.usageCoreNanoSeconds > 0);
    assert.equal(typeof summary.node.cpu.usageNanoCores, 'number');
    const p = summary.pods.find((x: { podRef: { name: string } }) => x.podRef.name === 'joined');
    assert.ok(p, JSON.stringify(summary.pods.map((x: { podRef: unknown }) => x.podRef)));
    assert.equal(p.podRef.namespace, 'default');
    assert.deepEqual(p.containers.map((c: { name: string }) => c.name), ['joined']);
    assert.ok(p.memory.workingSetBytes > 0, 'the container\'s memory from its cgroup');
    assert.ok(p.cpu.usageCoreNanoSeconds > 0, 'the container\'s CPU from its cgroup');
    const metrics = k('get', '--raw', `/api/v1/nodes/${nodeName}/proxy/metrics/resource`);
    assert.match(metrics, /^container_memory_working_set_bytes\{container="joined",namespace="default",pod="joined"\} [1-9]\d* \d+$/m);
    assert.match(metrics, /^node_cpu_usage_seconds_total [\d.e+]+ \d+$/m);
  });

  test('SIGTERM stops the agent cleanly; restarted without the token it reuses its credentials', async () => {
    assert.ok(agent?.running, 'the agent runs');
    const before = JSON.parse(k('get', 'pod', 'joined', '-o', 'json'));
    const code = await agent.stop('SIGTERM');
    assert.equal(code, 0, agent.output);
    assert.match(agent.output, /SIGTERM: shutting down[\s\S]*stopped/);
    agent = AgentProcess.start(agentArgs());
    await eventually('the agent to come back', () => (/node agent ready/.test(agent!.output) ? true : undefined), 60_000, 250, () => agent!.output);
    assert.match(agent.output, /using the node credentials in /);
    assert.doesNotMatch(agent.output, /joining /);
    assert.ok(ready(nodeName));
    assert.match(k('exec', 'joined', '--', 'echo', 'still-here'), /still-here/);
    const now = JSON.parse(k('get', 'pod', 'joined', '-o', 'json'));
    assert.equal(now.status.containerStatuses[0].restartCount, before.status.containerStatuses[0].restartCount);
    assert.equal(now.status.containerStatuses[0].containerID, before.status.containerStatuses[0].containerID, 'the container outlived the agent');
    k('delete', 'pod', 'joined', '--timeout=60s');
    assert.notEqual(kTry('get', 'pod', 'joined').code, 0);
  });

  after(async () => {
    if (server && agent?.running) {
      kTry('delete', 'pods', '--all', '--wait=true', '--timeout=60s');
      kTry('delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=true', '--timeout=30s');
    }
    await agent?.stop('SIGTERM');
    if (server) {
      kTry('delete', 'node', placeholder);
      await server.stop('SIGTERM');
      removeDataDir(server.dataDir);
    }
    uninstallNode(agentDir);
  });
});
