#!/usr/bin/env node
// Records the request bodies the real kubectl sends, for the fixtures in ../fixtures/.
// Runs a plain-HTTP stand-in API server on loopback that answers legacy discovery with
// just enough resources, saves every POST body, and answers with the JSON it received
// back (decoded by nothing: a stub object of the same kind).
//
//   node capture-kubectl.mjs <kubectl> <out dir> -- <kubectl args...>  (one run per call)
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const [kubectl, outDir, sep, ...args] = process.argv.slice(2);
if (!kubectl || !outDir || sep !== '--') {
  console.error('usage: capture-kubectl.mjs <kubectl> <out dir> -- <args...>');
  process.exit(2);
}

const res = (name, kind, namespaced, verbs = ['create', 'get', 'list'], extra = {}) => ({ name, singularName: '', namespaced, kind, verbs, ...extra });
const groups = {
  v1: [res('configmaps', 'ConfigMap', true), res('secrets', 'Secret', true), res('namespaces', 'Namespace', false),
    res('services', 'Service', true), res('serviceaccounts', 'ServiceAccount', true), res('serviceaccounts/token', 'TokenRequest', true, ['create']),
    res('resourcequotas', 'ResourceQuota', true), res('pods', 'Pod', true), res('pods/eviction', 'Eviction', true, ['create'], { group: 'policy', version: 'v1' })],
  'apps/v1': [res('deployments', 'Deployment', true), res('deployments/scale', 'Scale', true, ['get', 'update', 'patch'], { group: 'autoscaling', version: 'v1' })],
  'batch/v1': [res('jobs', 'Job', true), res('cronjobs', 'CronJob', true)],
  'rbac.authorization.k8s.io/v1': [res('roles', 'Role', true), res('rolebindings', 'RoleBinding', true), res('clusterroles', 'ClusterRole', false), res('clusterrolebindings', 'ClusterRoleBinding', false)],
  'scheduling.k8s.io/v1': [res('priorityclasses', 'PriorityClass', false)],
  'policy/v1': [res('poddisruptionbudgets', 'PodDisruptionBudget', true)],
  'networking.k8s.io/v1': [res('ingresses', 'Ingress', true)],
  'authentication.k8s.io/v1': [res('selfsubjectreviews', 'SelfSubjectReview', false, ['create'])],
  'authorization.k8s.io/v1': [res('selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, ['create'])],
};
const apiGroups = Object.keys(groups).filter((g) => g !== 'v1').map((gv) => ({
  name: gv.split('/')[0], versions: [{ groupVersion: gv, version: 'v1' }], preferredVersion: { groupVersion: gv, version: 'v1' },
}));

let n = 0;
const server = createServer((req, resp) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    const send = (code, body) => { resp.writeHead(code, { 'content-type': 'application/json' }); resp.end(JSON.stringify(body)); };
    if (req.method === 'GET' && url.pathname === '/version') return send(200, { major: '1', minor: '33', gitVersion: 'v1.33.0' });
    if (req.method === 'GET' && url.pathname === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (req.method === 'GET' && url.pathname === '/apis') return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups });
    const gv = url.pathname === '/api/v1' ? 'v1' : url.pathname.startsWith('/apis/') ? url.pathname.slice(6) : undefined;
    if (req.method === 'GET' && gv && groups[gv]) return send(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: groups[gv] });
    if (req.method === 'POST' || req.method === 'PUT') {
      const body = Buffer.concat(chunks);
      const file = join(outDir, `capture-${process.pid}-${n++}.bin`);
      writeFileSync(file, body);
      console.log(`${req.method} ${req.url} ${req.headers['content-type']} ${body.length} bytes -> ${file}`);
      return send(201, { kind: 'Status', apiVersion: 'v1', status: 'Success', metadata: {} });
    }
    console.log(`${req.method} ${req.url} -> 404`);
    return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', metadata: {} });
  });
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const home = mkdtempSync(join(tmpdir(), 'kubectl-capture-'));
  const child = spawn(kubectl, ['--server', `http://127.0.0.1:${port}`, '--insecure-skip-tls-verify', ...args], {
    env: { ...process.env, HOME: home, KUBECONFIG: join(home, 'none') }, stdio: ['ignore', 'inherit', 'inherit'],
  });
  const timer = setTimeout(() => child.kill(), 30000);
  child.on('exit', (code) => {
    clearTimeout(timer);
    console.log(`kubectl exit ${code}`);
    rmSync(home, { recursive: true, force: true });
    server.close();
  });
});
