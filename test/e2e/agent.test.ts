// The node agent of `k8ts server`: pods created with kubectl run as real containers
// (conmon + crun, overlay snapshots, a CNI pod network), with logs and exec through the
// API server, status as Kubernetes reports it, and graceful deletion.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, kubectlPath, TestServer } from './harness.js';
import { importTestImage, uninstallNode, otherAgentRuns, testImage as image } from './node-state.js';
import { eventually } from './wait.js';



function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 3000 }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve(data));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

// One node agent per machine: it owns the pod bridge, the DNS address and port 10250.
// With the quick start's server running, these tests would fight it, so they wait.
const otherAgent = otherAgentRuns();

describe('node agent', { skip: otherAgent ? 'another k8ts node agent runs on this machine (bridge k8ts0 exists); stop it to run these tests' : false }, () => {
  let server: TestServer;
  const v = '1.33';
  const k = (...args: string[]) => server.ok(v, args);
  const kTry = (...args: string[]) => server.kubectl(v, args);
  const pod = (name: string) => JSON.parse(k('get', 'pod', name, '-o', 'json'));

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-agent-'));
    server = await TestServer.start({ dataDir, agent: true });
    importTestImage(dataDir);
    await eventually('the node to be Ready', () => (/\bReady\b/.test(kTry('get', 'nodes').stdout) ? true : undefined));
  });

  after(async () => {
    if (!server) return;
    kTry('delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=true', '--timeout=60s');
    await server.stop('SIGTERM');
    uninstallNode(server.dataDir);
  });

  test('a pod runs, with its logs and exec through the API server', async () => {
    k('run', 'hello', `--image=${image}`, '--image-pull-policy=Never', '--', 'sh', '-c', 'trap "exit 0" TERM; echo hello from k8ts; while true; do sleep 1; done');
    const running = await eventually('hello to run', () => {
      const p = pod('hello');
      return p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
    });
    assert.match(running.status.podIP, /^10\.42\.\d+\.\d+$/);
    assert.ok(running.status.containerStatuses[0].containerID);
    assert.ok(running.status.conditions.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'));
    await eventually('its log line', () => (k('logs', 'hello').includes('hello from k8ts') ? true : undefined));
    assert.match(k('exec', 'hello', '--', 'sh', '-c', 'echo from-exec; cat /proc/1/cmdline | tr "\\0" " "'), /from-exec\nsh -c/);
    const failed = kTry('exec', 'hello', '--', 'sh', '-c', 'exit 3');
    assert.equal(failed.code, 3, 'exec passes the exit code on');
    assert.match(server.ok('1.27', ['exec', 'hello', '--', 'echo', 'over-spdy']), /over-spdy/);
    // Cluster DNS from inside the pod, through its resolv.conf (search path, ndots:5).
    assert.match(k('exec', 'hello', '--', 'nslookup', 'kubernetes.default.svc.cluster.local'), /Address: 10\.43\.0\.1\b/);
    // busybox tries every search domain and exits 1 if any fails, but the first one finds the short name.
    assert.match(kTry('exec', 'hello', '--', 'nslookup', 'kubernetes').stdout, /Name:\s+kubernetes\.default\.svc\.cluster\.local\s+Address: 10\.43\.0\.1\b/);
    const missing = kTry('exec', 'hello', '--', 'nslookup', 'nothing-here.default.svc.cluster.local');
    assert.match(missing.stdout + missing.stderr, /NXDOMAIN/, 'a name that does not exist is NXDOMAIN');
    const started = Date.now();
    k('delete', 'pod', 'hello', '--timeout=60s');
    assert.ok(Date.now() - started < 30_000, 'a pod that exits on SIGTERM goes without waiting out its grace period');
    assert.notEqual(kTry('get', 'pod', 'hello').code, 0);
  });

  test('port-forward reaches a pod\'s port', async () => {
    k('run', 'web', `--image=${image}`, '--image-pull-policy=Never', '--', 'sh', '-c', 'mkdir -p /www; echo served-by-pod > /www/index.html; exec httpd -f -p 8080 -h /www');
    await eventually('web to run', () => (pod('web').status.phase === 'Running' ? true : undefined));
    const local = await freePort();
    const pf = spawn(kubectlPath(v), ['--kubeconfig', server.kubeconfig, 'port-forward', 'pod/web', `${local}:8080`], { env: { ...process.env, KUBECACHEDIR: join(server.dataDir, 'kubectl-cache') } });
    try {
      let body: string | undefined;
      const deadline = Date.now() + 30_000;
      while (body === undefined && Date.now() < deadline) {
        body = await httpGet(`http://127.0.0.1:${local}/`).catch(() => undefined);
        if (body === undefined) await new Promise((r) => setTimeout(r, 500));
      }
      assert.match(body ?? "", /served-by-pod/);
    } finally {
      pf.kill();
      k('delete', 'pod', 'web', '--grace-period=1', '--timeout=60s');
    }
  });

  test('a Service spreads requests over its pods, from the node and from a pod, by name', async () => {
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: ${image}
        imagePullPolicy: Never
        command: ["sh", "-c", "mkdir -p /www; hostname > /www/index.html; exec httpd -f -p 8080 -h /www"]
        readinessProbe:
          tcpSocket:
            port: 8080
          periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
`;
    server.ok(v, ['apply', '-f', '-'], manifest);
    try {
      await eventually('three ready endpoints', () => {
        const ep = JSON.parse(k('get', 'endpoints', 'web', '-o', 'json'));
        return (ep.subsets?.[0]?.addresses?.length ?? 0) === 3 ? true : undefined;
      }, 90_000);
      const ip = k('get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}');
      const answered = new Set<string>();
      for (let i = 0; i < 60 && answered.size < 3; i++) {
        const body = await httpGet(`http://${ip}/`).catch(() => '');
        if (body) answered.add(body.trim());
      }
      assert.equal(answered.size, 3, `every backend answers through the ClusterIP from the node (saw ${[...answered].join(', ')})`);
      const webPod = JSON.parse(k('get', 'pods', '-l', 'app=web', '-o', 'json')).items[0].metadata.name;
      // Debian's static busybox crashes in wget's own name lookups, so the name is resolved with nslookup and the request sent with nc.
      assert.match(k('exec', webPod, '--', 'nslookup', 'web.default.svc.cluster.local'), new RegExp(`Address: ${ip.replace(/\./g, '\\.')}\\b`));
      const fromPod = new Set<string>();
      for (let i = 0; i < 30 && fromPod.size < 2; i++) {
        const r = kTry('exec', webPod, '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${ip} 80`);
        const m = /\r?\n\r?\n(web-\S+)/.exec(r.stdout);
        if (m) fromPod.add(m[1]);
      }
      assert.ok(fromPod.size >= 2, `a pod reaches the service, landing on itself and others (saw ${[...fromPod].join(', ')})`);
    } finally {
      kTry('delete', 'service', 'web');
      kTry('delete', 'deployment', 'web', '--timeout=60s');
    }
  });

  test('a container that fails with restartPolicy Never leaves a Failed pod with its exit code', async () => {
    k('run', 'fails', `--image=${image}`, '--image-pull-policy=Never', '--restart=Never', '--', 'sh', '-c', 'echo about to fail; exit 7');
    const p = await eventually('fails to fail', () => {
      const q = pod('fails');
      return q.status.phase === 'Failed' ? q : undefined;
    });
    const term = p.status.containerStatuses[0].state.terminated;
    assert.equal(term.exitCode, 7);
    assert.equal(term.reason, 'Error');
    assert.match(k('logs', 'fails'), /about to fail/);
    k('delete', 'pod', 'fails', '--timeout=60s');
  });
});
