// Service features beyond ClusterIP on a real node: the service environment variables a
// pod gets for services created before it, a LoadBalancer service served by the built-in
// load balancer (EXTERNAL-IP = the node's InternalIP, answering there on the service
// port), and spec.externalIPs answering on an address of an interface this test makes.
// Run under the agent lock:
//   flock /tmp/k8ts-agent.lock node --test dist/test/e2e/service-types.test.js

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestServer } from './harness.js';
import { importTestImage, uninstallNode, otherAgentRuns, testImage as image } from './node-state.js';
import { eventually as waitFor } from './wait.js';

const eventually = <T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 90_000) => waitFor(what, f, ms);

const v = '1.33';
// An interface of our own carrying the external IP (TEST-NET-1: routed nowhere else).
const extIf = 'k8tse2e-ext0';
const extPeer = 'k8tse2e-ext1';
const externalIP = '192.0.2.77';


/** GET on a fresh connection; the body (the answering pod's hostname), or undefined on failure. */
function httpGet(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 3000 }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve(res.statusCode === 200 ? data.trim() : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
  });
}

const otherAgent = otherAgentRuns();

describe('service types', { skip: otherAgent ? 'another k8ts node agent runs on this machine (bridge k8ts0 exists); stop it to run these tests' : false }, () => {
  let server: TestServer;
  const k = (...args: string[]) => server.ok(v, args);
  const kTry = (...args: string[]) => server.kubectl(v, args);
  const apply = (manifest: string) => server.ok(v, ['apply', '-f', '-'], manifest);
  let nodeIP = '';

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-svctypes-'));
    server = await TestServer.start({ dataDir, agent: true });
    importTestImage(dataDir);
    await eventually('the node to be Ready', () => (/\bReady\b/.test(kTry('get', 'nodes').stdout) ? true : undefined));
    nodeIP = k('get', 'nodes', '-o', 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}').trim();
    assert.match(nodeIP, /^\d+\.\d+\.\d+\.\d+$/);
    // The web pods every test's services select: httpd answering with its hostname.
    apply(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
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
`);
  });

  after(async () => {
    spawnSync('ip', ['link', 'del', extIf]);
    if (!server) return;
    kTry('delete', 'services', 'web', 'web-lb', 'web-ext', '--ignore-not-found');
    kTry('delete', 'deployment', 'web', '--ignore-not-found', '--timeout=60s');
    kTry('delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=true', '--timeout=60s');
    await server.stop('SIGTERM');
    uninstallNode(server.dataDir);
  });

  const waitReadyEndpoints = (svc: string, n: number) => eventually(`${n} ready endpoints of ${svc}`, () => {
    const ep = JSON.parse(k('get', 'endpoints', svc, '-o', 'json'));
    return (ep.subsets?.[0]?.addresses?.length ?? 0) === n ? true : undefined;
  });

  test('a pod gets the environment variables of the services created before it', async () => {
    apply(`apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: 8080
`);
    const ip = k('get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}').trim();
    const pod = (name: string, links: boolean) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  enableServiceLinks: ${links}
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: ${image}
    imagePullPolicy: Never
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    env:
    - name: WEB_URL
      value: "http://$(WEB_SERVICE_HOST):$(WEB_SERVICE_PORT_HTTP)/"
`;
    apply(pod('env-linked', true));
    apply(pod('env-quiet', false));
    try {
      for (const p of ['env-linked', 'env-quiet']) {
        await eventually(`${p} to run`, () => (JSON.parse(k('get', 'pod', p, '-o', 'json')).status.phase === 'Running' ? true : undefined));
      }
      const env = Object.fromEntries(k('exec', 'env-linked', '--', 'env').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      assert.equal(env.WEB_SERVICE_HOST, ip);
      assert.equal(env.WEB_SERVICE_PORT, '80');
      assert.equal(env.WEB_SERVICE_PORT_HTTP, '80');
      assert.equal(env.WEB_PORT, `tcp://${ip}:80`);
      assert.equal(env.WEB_PORT_80_TCP, `tcp://${ip}:80`);
      assert.equal(env.WEB_PORT_80_TCP_PROTO, 'tcp');
      assert.equal(env.WEB_PORT_80_TCP_PORT, '80');
      assert.equal(env.WEB_PORT_80_TCP_ADDR, ip);
      assert.equal(env.WEB_URL, `http://${ip}:80/`, 'container env can refer to service variables');
      assert.equal(env.KUBERNETES_SERVICE_HOST, '10.43.0.1');
      assert.equal(env.KUBERNETES_SERVICE_PORT, '443');
      const quiet = k('exec', 'env-quiet', '--', 'env');
      assert.doesNotMatch(quiet, /^WEB_SERVICE_HOST=/m, 'enableServiceLinks: false');
      assert.match(quiet, /^KUBERNETES_SERVICE_HOST=10\.43\.0\.1$/m, 'the kubernetes service is always there');
    } finally {
      kTry('delete', 'pod', 'env-linked', 'env-quiet', '--grace-period=1', '--timeout=60s');
    }
  });

  test('a LoadBalancer service gets the node\'s InternalIP as EXTERNAL-IP and answers there on its port', async () => {
    apply(`apiVersion: v1
kind: Service
metadata:
  name: web-lb
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
  - port: 8081
    targetPort: 8080
`);
    await waitReadyEndpoints('web-lb', 2);
    const row = await eventually('EXTERNAL-IP in kubectl get svc', () => {
      const cols = k('get', 'svc', 'web-lb', '--no-headers').trim().split(/\s+/);
      return cols[3] === nodeIP ? cols : undefined;
    }, 30_000);
    assert.equal(row[1], 'LoadBalancer');
    assert.match(row[4] ?? '', /^8081:3\d{4}\/TCP$/);
    const header = k('get', 'svc', 'web-lb').split('\n')[0]!;
    assert.match(header, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    const answered = new Set<string>();
    for (let i = 0; i < 40 && answered.size < 2; i++) {
      const body = await httpGet(`http://${nodeIP}:8081/`);
      if (body) answered.add(body);
    }
    assert.equal(answered.size, 2, `both pods answer on ${nodeIP}:8081 (saw ${[...answered].join(', ')})`);
    // From a pod too (prerouting rather than output), landing on any pod, itself included.
    const webPod = JSON.parse(k('get', 'pods', '-l', 'app=web', '-o', 'json')).items[0].metadata.name;
    const fromPod = kTry('exec', webPod, '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${nodeIP} 8081`);
    assert.match(fromPod.stdout, /\r?\n\r?\nweb-\S+/, `a pod reaches the load balancer IP: ${fromPod.stdout}${fromPod.stderr}`);
    await eventually('an UpdatedLoadBalancer event', () => (/UpdatedLoadBalancer/.test(k('get', 'events', '--field-selector', 'involvedObject.name=web-lb')) ? true : undefined), 20_000);
    // No longer a LoadBalancer: the address goes from the status and from the rules.
    // (Kubernetes drops the nodePorts and externalTrafficPolicy of a service turned
    // ClusterIP by itself; this patch clears them explicitly, valid either way.)
    k('patch', 'svc', 'web-lb', '--type=merge', '-p', '{"spec":{"type":"ClusterIP","externalTrafficPolicy":null,"ports":[{"port":8081,"targetPort":8080}]}}');
    await eventually('ingress cleared', () => (k('get', 'svc', 'web-lb', '-o', 'jsonpath={.status.loadBalancer.ingress}').trim() === '' ? true : undefined), 30_000);
    await eventually(`${nodeIP}:8081 no longer served`, async () => ((await httpGet(`http://${nodeIP}:8081/`)) === undefined ? true : undefined), 10_000);
  });

  test('spec.externalIPs: the service answers on an external IP of this node', async () => {
    execFileSync('ip', ['link', 'add', extIf, 'type', 'veth', 'peer', 'name', extPeer]);
    try {
      execFileSync('ip', ['addr', 'add', `${externalIP}/32`, 'dev', extIf]);
      execFileSync('ip', ['link', 'set', extIf, 'up']);
      execFileSync('ip', ['link', 'set', extPeer, 'up']);
      assert.equal(await httpGet(`http://${externalIP}:8082/`), undefined, 'nothing answers there before the service');
      apply(`apiVersion: v1
kind: Service
metadata:
  name: web-ext
spec:
  selector:
    app: web
  externalIPs:
  - ${externalIP}
  ports:
  - port: 8082
    targetPort: 8080
`);
      await waitReadyEndpoints('web-ext', 2);
      const cols = k('get', 'svc', 'web-ext', '--no-headers').trim().split(/\s+/);
      assert.equal(cols[3], externalIP, 'EXTERNAL-IP shows the external IP');
      const body = await eventually(`an answer on ${externalIP}:8082`, () => httpGet(`http://${externalIP}:8082/`), 20_000);
      assert.match(body, /^web-/);
    } finally {
      kTry('delete', 'service', 'web-ext', '--ignore-not-found');
      spawnSync('ip', ['link', 'del', extIf]);
    }
    assert.notEqual(spawnSync('ip', ['link', 'show', extIf]).status, 0, 'the test interface is gone');
  });
});
