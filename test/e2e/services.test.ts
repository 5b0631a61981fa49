// Services on a real node: ClusterIP and NodePort spread over real busybox httpd pods
// (from the node and from a pod), the proxy's nft rules following endpoint changes
// within a second, a fast reject for a service without endpoints, and a rolling update
// behind a Service under steady traffic that loses no request. Run under the agent lock:
//   flock /tmp/k8ts-agent.lock node --test dist/test/e2e/services.test.js

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../src/client/index.js';
import { RestClient } from '../../src/client/rest-client.js';
import { k8tsBin, kubectlPath, repoRoot, TestServer, type KubectlResult } from './harness.js';
import { uninstallNode, otherAgentRuns, testImage as image } from './node-state.js';
import { eventually as waitFor } from './wait.js';

const eventually = <T>(what: string, f: () => Promise<T | undefined>, ms = 90_000, everyMs = 250) => waitFor(what, f, ms, everyMs);
import { httpGet, nftTable, spread, startLoad } from './traffic.js';

const image2 = 'k8ts.test/busybox:v2';
const v = '1.33';


/** Imports the test image, and the same image under a second tag (for rollouts). */
function importImages(dataDir: string): void {
  const out = mkdtempSync(join(tmpdir(), 'k8ts-e2e-svc-image-'));
  try {
    execFileSync('bash', [join(repoRoot, 'scripts/test-image/build.sh'), out], { stdio: 'ignore' });
    const ctr = (file: string) => execFileSync(process.execPath, [k8tsBin, 'ctr', '--root', join(dataDir, 'runtime'), 'image', 'import', file], { stdio: 'ignore' });
    ctr(join(out, 'busybox-oci.tar'));
    const layout = join(out, 'v2-layout');
    cpSync(join(out, 'busybox-layout'), layout, { recursive: true });
    const index = readFileSync(join(layout, 'index.json'), 'utf8');
    writeFileSync(join(layout, 'index.json'), index.replace(image, image2));
    execFileSync('tar', ['-C', layout, '-cf', join(out, 'v2.tar'), '.']);
    ctr(join(out, 'v2.tar'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * httpd serving its pod's hostname; ready while /tmp/ready exists; leaves on SIGTERM.
 * With termDir, a hostPath at /term where the pod notes the host's uptime at SIGTERM.
 */
function deployment(name: string, replicas: number, probe: 'file' | 'http', grace: number, termDir?: string): string {
  const note = termDir ? 'cat /proc/uptime > /term/$(hostname); ' : '';
  // /cgi-bin/slow answers after 300 ms: a request in flight when the pod goes.
  const slow = `mkdir -p /www/cgi-bin; { echo '#!/bin/sh'; echo 'sleep 0.3'; echo 'printf "Content-Type: text/plain\\r\\n\\r\\n"'; echo hostname; } > /www/cgi-bin/slow; chmod +x /www/cgi-bin/slow`;
  const script = `mkdir -p /www; hostname > /www/index.html; ${slow}; touch /tmp/ready; trap '${note}exit 0' TERM; httpd -f -p 80 -h /www & wait`;
  const volume = termDir ? `
        volumeMounts:
        - name: term
          mountPath: /term
      volumes:
      - name: term
        hostPath:
          path: ${termDir}
          type: Directory` : '';
  const readiness = probe === 'file'
    ? `exec:\n            command: ["test", "-f", "/tmp/ready"]`
    : `httpGet:\n            path: /\n            port: 80`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      terminationGracePeriodSeconds: ${grace}
      containers:
      - name: httpd
        image: ${image}
        imagePullPolicy: Never
        command: ["sh", "-c", ${JSON.stringify(script)}]
        readinessProbe:
          ${readiness}
          periodSeconds: 1
          failureThreshold: 1${volume}
`;
}

function service(name: string, selector: string, type = 'ClusterIP'): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  type: ${type}
  selector:
    app: ${selector}
  ports:
  - port: 80
    targetPort: 80
`;
}

const uptime = (): number => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);

interface Slice extends KObject { endpoints?: { addresses: string[]; conditions?: { ready?: boolean }; targetRef?: { name?: string } }[] }

const otherAgent = otherAgentRuns();

describe('services on a real node', { skip: otherAgent ? 'another k8ts node agent runs on this machine (bridge k8ts0 exists)' : false, timeout: 900_000 }, () => {
  let server: TestServer;
  let client: RestClient;

  /** kubectl without blocking the event loop (traffic runs in this process meanwhile). */
  const kubectl = (args: string[], input = ''): Promise<KubectlResult> => new Promise((resolve, reject) => {
    const p = spawn(kubectlPath(v), ['--kubeconfig', server.kubeconfig, ...args], {
      env: { ...process.env, KUBECONFIG: server.kubeconfig, KUBECACHEDIR: join(server.dataDir, 'kubectl-cache') },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 240_000);
    p.on('error', reject);
    p.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
    p.stdin.end(input);
  });
  const k = async (...args: string[]): Promise<string> => {
    const r = await kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const apply = async (yaml: string) => {
    const r = await kubectl(['apply', '-f', '-'], yaml);
    if (r.code !== 0) throw new Error(`apply failed: ${r.stderr}`);
  };
  const clusterIP = (svc: string) => k('get', 'service', svc, '-o', 'jsonpath={.spec.clusterIP}');
  /** Ready endpoint IPs of a service, by pod name, read straight from its EndpointSlices. */
  const readyEndpoints = async (svc: string): Promise<Map<string, string>> => {
    const list = await client.list<Slice>('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', { labelSelector: `kubernetes.io/service-name=${svc}` });
    const out = new Map<string, string>();
    for (const s of list.items) for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false) out.set(e.targetRef?.name ?? '', e.addresses[0]!);
    return out;
  };
  const waitReady = (svc: string, n: number) => eventually(`${n} ready endpoints of ${svc}`, async () => {
    const eps = await readyEndpoints(svc);
    return eps.size === n ? eps : undefined;
  });
  /** Milliseconds from now until the proxy's table does (or does not) send to ip:80. */
  /** The server's recent service proxy lines, for failure messages. */
  const proxyLog = () => server.output.split('\n').filter((l) => /proxy/i.test(l)).slice(-15).join('\n');
  /** Does the table DNAT to ip:80 (`dnat to ip:80`, or `ip . 80` in a numgen map)? */
  const routes = (table: string, ip: string) => new RegExp(`(?<![\\d.])${ip.replace(/\./g, '\\.')}( \\. |:)80\\b`).test(table);
  const rulesFollow = async (ip: string, present: boolean): Promise<number> => {
    const started = Date.now();
    await eventually(`rules ${present ? 'with' : 'without'} ${ip}`, async () => (routes(await nftTable(), ip) === present ? true : undefined), 10_000, 20);
    return Date.now() - started;
  };

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-svc-'));
    server = await TestServer.start({ dataDir, agent: true });
    client = RestClient.fromKubeconfig(server.kubeconfig);
    importImages(dataDir);
    await eventually('the node to be Ready', async () => (/\bReady\b/.test((await kubectl(['get', 'nodes'])).stdout) ? true : undefined));
  });

  after(async () => {
    if (!server) return;
    await kubectl(['delete', 'deployments,services', '--all', '--wait=true', '--timeout=90s']);
    // Graceful first: the kubelet stops the containers before the objects go (a force delete
    // right before the server stops could leave containers behind).
    await kubectl(['delete', 'pods', '--all', '--wait=true', '--timeout=90s']);
    await kubectl(['delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=true', '--timeout=60s']);
    client?.close();
    await server.stop('SIGTERM');
    uninstallNode(server.dataDir);
  });

  test('ClusterIP spreads 300 requests over three pods, from the node and from a pod; NodePort answers on the node address', async () => {
    await apply(deployment('web', 3, 'file', 2) + '---\n' + service('web', 'web') + '---\n' + service('web-np', 'web', 'NodePort'));
    await k('run', 'client', `--image=${image}`, '--image-pull-policy=Never', '--', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done');
    const pods = [...(await waitReady('web', 3)).keys()].sort();
    const ip = await clusterIP('web');

    const fromNode = await spread(`http://${ip}/`, 300);
    assert.deepEqual([...fromNode.keys()].sort(), pods, `from the node: ${JSON.stringify([...fromNode])}`);
    for (const p of pods) assert.ok(fromNode.get(p)! >= 30, `${p} got ${fromNode.get(p)} of 300`);

    await eventually('the client pod', async () => ((await k('get', 'pod', 'client', '-o', 'jsonpath={.status.phase}')) === 'Running' ? true : undefined));
    const script = `for i in $(seq 300); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${ip} 80 | tail -n 1; done`;
    const lines = (await k('exec', 'client', '--', 'sh', '-c', script)).split('\n').map((l) => l.trim()).filter(Boolean);
    const fromPod = new Map<string, number>();
    for (const l of lines) fromPod.set(l, (fromPod.get(l) ?? 0) + 1);
    assert.deepEqual([...fromPod.keys()].sort(), pods, `from a pod: ${JSON.stringify([...fromPod])}`);
    assert.equal(lines.length, 300, 'every request from the pod was answered');
    for (const p of pods) assert.ok(fromPod.get(p)! >= 30, `${p} got ${fromPod.get(p)} of 300 from the pod`);

    // Hairpin: a backend reaching its own service lands on itself too.
    const self = pods[0]!;
    const own = await k('exec', self, '--', 'sh', '-c', script.replace('300', '30'));
    assert.match(own, new RegExp(`^${self}$`, 'm'), 'a pod reaches itself through its own service');

    const nodeIP = await k('get', 'nodes', '-o', 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}');
    const nodePort = await k('get', 'service', 'web-np', '-o', 'jsonpath={.spec.ports[0].nodePort}');
    assert.match(nodePort, /^3\d{4}$/);
    const viaNodePort = await spread(`http://${nodeIP}:${nodePort}/`, 60);
    assert.deepEqual([...viaNodePort.keys()].sort(), pods, `NodePort on ${nodeIP}: ${JSON.stringify([...viaNodePort])}`);
  });

  test('cluster DNS from a pod: the service name, the short name, a headless service, NXDOMAIN', async () => {
    await apply(service('web-headless', 'web').replace('spec:\n', 'spec:\n  clusterIP: None\n'));
    const ip = await clusterIP('web');
    const podIPs = [...(await waitReady('web-headless', 3)).values()].sort();
    const lookup = async (name: string) => {
      const r = await kubectl(['exec', 'client', '--', 'nslookup', name]);
      return r.stdout + r.stderr;
    };
    assert.match(await lookup('web.default.svc.cluster.local'), new RegExp(`Address: ${ip.replace(/\./g, '\\.')}\\b`));
    // busybox tries every search domain and fails if any does, but the first one finds the short name.
    assert.match(await lookup('web'), new RegExp(`Name:\\s+web\\.default\\.svc\\.cluster\\.local\\s+Address: ${ip.replace(/\./g, '\\.')}\\b`));
    // The DNS server's informers may trail the API by a moment (its zone is rebuilt at most every 50 ms).
    let headless = '';
    const answered = await eventually('the headless service\'s pod IPs in DNS', async () => {
      headless = await lookup('web-headless.default.svc.cluster.local');
      const ips = [...headless.matchAll(/Address: (10\.42\.\d+\.\d+)/g)].map((m) => m[1]).sort();
      return ips.length === podIPs.length ? ips : undefined;
    }, 10_000).catch(() => [] as string[]);
    assert.deepEqual(answered, podIPs, `a headless service answers its pods' IPs:\n${headless}`);
    assert.match(await lookup('nothing-here.default.svc.cluster.local'), /NXDOMAIN/);
  });

  test('a service with no ready endpoint is refused at once', async () => {
    await apply(service('nobody', 'nobody'));
    const ip = await clusterIP('nobody');
    await eventually('the reject rule', async () => ((await nftTable()).includes(ip) ? true : undefined), 10_000, 50);
    const started = Date.now();
    await assert.rejects(httpGet(`http://${ip}/`, 5000), /ECONNREFUSED/);
    assert.ok(Date.now() - started < 1000, `refused after ${Date.now() - started} ms`);
  });

  test('the rules follow scale up, a pod turning not ready, and scale down within a second', async () => {
    const before = await waitReady('web', 3);
    const table = await nftTable();
    for (const ip of before.values()) assert.ok(routes(table, ip), `rules send to ${ip}:\n${table}`);
    const timings: string[] = [];

    await k('scale', 'deployment', 'web', '--replicas=4');
    const four = await eventually('a fourth ready endpoint', async () => {
      const eps = await readyEndpoints('web');
      return eps.size === 4 ? eps : undefined;
    }, 90_000, 20);
    const [added, addedIP] = [...four].find(([name]) => !before.has(name))!;
    const up = await rulesFollow(addedIP, true);
    timings.push(`scale up ${up} ms`);

    // Readiness lost: the probe finds no /tmp/ready (failureThreshold 1).
    const [sick, sickIP] = [...before][0]!;
    await k('exec', sick, '--', 'rm', '/tmp/ready');
    await eventually(`${sick} not ready in its slice`, async () => ((await readyEndpoints('web')).has(sick) ? undefined : true), 30_000, 20);
    const notReady = await rulesFollow(sickIP, false);
    timings.push(`not ready ${notReady} ms`);
    const svc = await clusterIP('web');
    const counts = await spread(`http://${svc}/`, 40);
    assert.ok(!counts.has(sick), `a not-ready pod gets no traffic: ${JSON.stringify([...counts])}`);
    assert.ok(!counts.has('failed'), `the others answer: ${JSON.stringify([...counts])}\n${await nftTable()}\n${proxyLog()}`);
    await k('exec', sick, '--', 'touch', '/tmp/ready');
    await eventually(`${sick} ready again`, async () => ((await readyEndpoints('web')).has(sick) ? true : undefined), 30_000, 20);
    timings.push(`ready again ${await rulesFollow(sickIP, true)} ms`);

    await k('scale', 'deployment', 'web', '--replicas=3');
    const gone = await eventually('an endpoint leaving', async () => {
      const eps = await readyEndpoints('web');
      return eps.size === 3 ? [...four].find(([name]) => !eps.has(name)) : undefined;
    }, 30_000, 20);
    const down = await rulesFollow(gone[1], false);
    timings.push(`scale down ${down} ms`);
    console.log(`rules follow endpoints: ${timings.join(', ')} (pod ${added} added)`);
    for (const t of [up, notReady, down]) assert.ok(t < 1000, timings.join(', '));
  });

  test('a rolling update behind a Service under steady traffic loses no request', async () => {
    await k('delete', 'deployment', 'web', '--wait=true', '--timeout=90s');
    const termDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-svc-term-'));
    try {
      await apply(deployment('roll', 3, 'http', 10, termDir) + '---\n' + service('roll', 'roll'));
      const old = await waitReady('roll', 3);
      const ip = await clusterIP('roll');
      // When (host uptime) each old pod's IP was last seen in the proxy's rules.
      const lastRouted = new Map<string, number>();
      // What the rules sent to, as it changed (for the failure message).
      const timeline: string[] = [];
      const loadStart = Date.now();
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const table = await nftTable();
          const now = uptime();
          for (const podIP of old.values()) if (routes(table, podIP)) lastRouted.set(podIP, now);
          const routed = [...new Set([...table.matchAll(/(?<![\d.])(10\.42\.\d+\.\d+)( \. |:)80\b/g)].map((m) => m[1]))].sort().join(' ');
          const rejected = new RegExp(`${ip.replace(/\./g, '\\.')} \\. tcp \\. 80(?! :)`).test(table) ? ' REJECT' : '';
          const api = await readyEndpoints('roll').then((m) => m.size, () => -1);
          const podsReady = await client.list<KObject & { status?: { conditions?: { type: string; status: string }[] } }>('/api/v1/namespaces/default/pods', { labelSelector: 'app=roll' })
            .then((l) => l.items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length, () => -1);
          const sig = `${routed}${rejected} (API: ${api} ready endpoints, ${podsReady} Ready pods)`;
          if (timeline.at(-1)?.endsWith(`: ${sig}`) !== true) timeline.push(`${Date.now() - loadStart} ms: ${sig}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const load = startLoad(`http://${ip}/`, 4, 2000);
      timeline.push(`${Date.now() - loadStart} ms: load starts; old pods ${[...old.values()].join(' ')}`);
      const slowLoad = startLoad(`http://${ip}/cgi-bin/slow`, 2, 2000);
      const started = Date.now();
      let result;
      let slowResult;
      try {
        await new Promise((r) => setTimeout(r, 1000));
        timeline.push(`${Date.now() - loadStart} ms: set image`);
        await k('set', 'image', 'deployment/roll', `httpd=${image2}`);
        await k('rollout', 'status', 'deployment/roll', '--timeout=180s');
        // The last old pods may still be draining after the rollout is complete.
        await eventually('only the new pods left', async () => {
          const pods = JSON.parse(await k('get', 'pods', '-l', 'app=roll', '-o', 'json')) as { items: { spec: { containers: { image: string }[] } }[] };
          return pods.items.length === 3 && pods.items.every((p) => p.spec.containers[0]!.image === image2) ? true : undefined;
        }, 120_000);
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        result = await load.stop();
        slowResult = await slowLoad.stop();
        watching = false;
        await watcher;
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      // SIGTERM came this long after the pod's IP left this node's rules (the drain).
      const gaps = [...old].map(([name, podIP]) => {
        const term = Number(readFileSync(join(termDir, name), 'utf8').split(' ')[0]);
        return Math.round((term - (lastRouted.get(podIP) ?? 0)) * 1000);
      });
      const failures = [...result.failures, ...slowResult.failures.map((f) => `slow: ${f}`)];
      console.log(`rollout: ${result.sent} requests sent, ${result.failed} failed; 300 ms requests: ${slowResult.sent} sent, ${slowResult.failed} failed (${seconds} s); SIGTERM ${gaps.join(', ')} ms after leaving the rules${failures.length ? `\n  ${failures.join('\n  ')}` : ''}`);
      assert.equal(result.failed, 0, `${failures.join('\n')}\nrules:\n${timeline.join('\n')}\n${proxyLog()}`);
      assert.equal(slowResult.failed, 0, `requests in flight when an old pod went were lost:\n${failures.join('\n')}`);
      assert.ok(result.sent > 500, `only ${result.sent} requests sent`);
      // The kubelet's settle margin is 500 ms; the watcher's reads of the table are late by up to one nft run.
      for (const g of gaps) assert.ok(g >= 400, `a pod got SIGTERM only ${g} ms after leaving the rules (${gaps.join(', ')})`);
      const after = await spread(`http://${ip}/`, 30);
      assert.ok(!after.has('failed') && after.size >= 2, `the new pods answer: ${JSON.stringify([...after])}`);
    } finally {
      await kubectl(['delete', 'deployment', 'roll', '--wait=true', '--timeout=90s']);
      rmSync(termDir, { recursive: true, force: true });
    }
  });
});
