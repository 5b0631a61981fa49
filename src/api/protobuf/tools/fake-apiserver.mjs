// A plain-HTTP stand-in API server on loopback for recording what the real kubectl
// sends: it answers legacy discovery with just enough resources, records every body
// written to it, and answers writes with a stub Status. Used by make-fixtures.mjs.
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const res = (name, kind, namespaced, verbs = ['create', 'get', 'list'], extra = {}) => ({ name, singularName: '', namespaced, kind, verbs, ...extra });
export const groups = {
  v1: [res('configmaps', 'ConfigMap', true), res('secrets', 'Secret', true), res('namespaces', 'Namespace', false),
    res('services', 'Service', true), res('serviceaccounts', 'ServiceAccount', true), res('serviceaccounts/token', 'TokenRequest', true, ['create']),
    res('resourcequotas', 'ResourceQuota', true), res('pods', 'Pod', true), res('nodes', 'Node', false), res('pods/eviction', 'Eviction', true, ['create'], { group: 'policy', version: 'v1' })],
  'apps/v1': [res('deployments', 'Deployment', true), res('deployments/scale', 'Scale', true, ['get', 'update', 'patch'], { group: 'autoscaling', version: 'v1' })],
  'batch/v1': [res('jobs', 'Job', true), res('cronjobs', 'CronJob', true)],
  'rbac.authorization.k8s.io/v1': [res('roles', 'Role', true), res('rolebindings', 'RoleBinding', true), res('clusterroles', 'ClusterRole', false), res('clusterrolebindings', 'ClusterRoleBinding', false)],
  'scheduling.k8s.io/v1': [res('priorityclasses', 'PriorityClass', false)],
  'policy/v1': [res('poddisruptionbudgets', 'PodDisruptionBudget', true)],
  'networking.k8s.io/v1': [res('ingresses', 'Ingress', true)],
  'authentication.k8s.io/v1': [res('selfsubjectreviews', 'SelfSubjectReview', false, ['create'])],
  'certificates.k8s.io/v1': [res('certificatesigningrequests', 'CertificateSigningRequest', false, ['create', 'get', 'list', 'update']), res('certificatesigningrequests/approval', 'CertificateSigningRequest', false, ['get', 'update', 'patch'])],
  'authorization.k8s.io/v1': [res('selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, ['create'])],
};
const apiGroups = Object.keys(groups).filter((g) => g !== 'v1').map((gv) => ({
  name: gv.split('/')[0], versions: [{ groupVersion: gv, version: 'v1' }], preferredVersion: { groupVersion: gv, version: 'v1' },
}));


/** Runs kubectl against the stand-in; resolves with every written body and kubectl's output. */
export function captureKubectl(kubectl, args, answer = () => undefined) {
  const writes = [];
  const server = createServer((req, resp) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      const send = (code, obj) => { resp.writeHead(code, { 'content-type': 'application/json' }); resp.end(JSON.stringify(obj)); };
      const body = Buffer.concat(chunks);
      const isWrite = req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH' || (req.method === 'DELETE' && body.length > 0);
      if (isWrite) writes.push({ method: req.method, path: url.pathname, contentType: req.headers['content-type'], body });
      const custom = answer(req.method, url.pathname, body);
      if (custom) return send(custom.code, custom.body);
      if (req.method === 'GET' && url.pathname === '/version') return send(200, { major: '1', minor: '33', gitVersion: 'v1.33.0' });
      if (req.method === 'GET' && url.pathname === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
      if (req.method === 'GET' && url.pathname === '/apis') return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups });
      const gv = url.pathname === '/api/v1' ? 'v1' : url.pathname.startsWith('/apis/') ? url.pathname.slice(6) : undefined;
      if (req.method === 'GET' && gv && groups[gv]) return send(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: groups[gv] });
      if (isWrite) {
        return send(201, { kind: 'Status', apiVersion: 'v1', status: 'Success', metadata: {} });
      }
      return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', metadata: {} });
    });
  });
  return new Promise((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => {
      const home = mkdtempSync(join(tmpdir(), 'kubectl-capture-'));
      const out = [];
      const child = spawn(kubectl, ['--server', `http://127.0.0.1:${server.address().port}`, '--insecure-skip-tls-verify', ...args], {
        env: { ...process.env, HOME: home, KUBECONFIG: join(home, 'none') }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (d) => out.push(d));
      child.stderr.on('data', (d) => out.push(d));
      const timer = setTimeout(() => child.kill(), 30000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        rmSync(home, { recursive: true, force: true });
        server.close();
        resolve({ code, output: Buffer.concat(out).toString('utf8'), writes });
      });
    });
  });
}
