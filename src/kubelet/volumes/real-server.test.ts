// The kube-api-access volume against the real API server: its ServiceAccount admission
// injects the projected volume, the TokenRequest gives an ES256 JWT bound to the pod,
// and kube-root-ca.crt carries the cluster CA.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest-client.js';
import { until } from '../../client/testing/wait.js';
import { TestServer } from '../../../test/e2e/harness.js';
import type { Pod } from '../types.js';
import { PodVolumeManager } from './manager.js';
import { isMountPoint } from './mounts.js';
import { unmountAllUnder } from './test-fixture.js';

test('projected service account token and CA from a real API server', { timeout: 180_000 }, async (t) => {
  const server = await TestServer.start();
  const rootDir = await mkdtemp(path.join(os.tmpdir(), 'k8ts-vol-e2e-'));
  const client = RestClient.fromKubeconfig(server.kubeconfig);
  const manager = new PodVolumeManager({ client, rootDir, nodeName: 'n1' });
  t.after(async () => {
    await manager.stop();
    await unmountAllUnder(rootDir);
    await rm(rootDir, { recursive: true, force: true });
    client.close();
    await server.cleanup();
  });

  const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tok', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  let pod: Pod | undefined;
  // The default ServiceAccount and kube-root-ca.crt appear shortly after start.
  await until(async () => {
    pod = await client.create<Pod>('/api/v1/namespaces/default/pods', body).catch(() => undefined);
    return pod !== undefined;
  }, 'pod created', 60_000, 200);
  await until(() => client.get('/api/v1/namespaces/default/configmaps/kube-root-ca.crt').then(() => true, () => false), 'kube-root-ca.crt', 60_000, 200);

  const vol = pod!.spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
  assert.ok(vol, `admission injected kube-api-access: ${JSON.stringify(pod!.spec.volumes)}`);
  const dir = (await manager.mountPodVolumes(pod!)).get(vol.name)!;
  assert.ok(await isMountPoint(dir));

  const token = await readFile(path.join(dir, 'token'), 'utf8');
  const [header, payload] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);
  assert.equal(header!.alg, 'ES256');
  const claims = payload!['kubernetes.io'] as { namespace: string; pod: { name: string; uid: string }; serviceaccount: { name: string } };
  assert.equal(claims.namespace, 'default');
  assert.deepEqual(claims.pod, { name: 'tok', uid: pod!.metadata.uid });
  assert.equal(claims.serviceaccount.name, 'default');

  const ca = readKubeconfig(server.kubeconfig).ca!;
  assert.equal((await readFile(path.join(dir, 'ca.crt'), 'utf8')).trim(), ca.trim());
  assert.equal(await readFile(path.join(dir, 'namespace'), 'utf8'), 'default');

  await manager.unmountPodVolumes(pod!.metadata.uid!);
  assert.equal(await isMountPoint(dir), false);
});
