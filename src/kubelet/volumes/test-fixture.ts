// Shared set-up of the volume manager's unit tests: an in-memory API server with the
// resources volumes read, a temp root dir, and a cleanup that unmounts anything left
// under it (even when a test failed halfway) before deleting it.

import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { FakeClock } from '../../client/clock.js';
import { InProcessTransport } from '../../client/in-process-transport.js';
import { RestClient } from '../../client/rest-client.js';
import { FakeApiServer, coreResources } from '../../client/testing/fake-apiserver.js';
import type { Pod } from '../types.js';
import { PodVolumeManager, type PodVolumeManagerOptions } from './manager.js';
import { mountsUnder, unmount } from './mounts.js';

export const volumeResources = [
  ...coreResources,
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true },
  { group: '', version: 'v1', resource: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false },
];

export interface Fixture {
  api: FakeApiServer;
  client: RestClient;
  rootDir: string;
  clock: FakeClock;
  manager: PodVolumeManager;
  newManager(extra?: Partial<PodVolumeManagerOptions>): PodVolumeManager;
  /** Tokens issued so far by the fake serviceaccounts/token endpoint. */
  tokensIssued: { sa: string; body: unknown }[];
}

export async function unmountAllUnder(dir: string): Promise<void> {
  for (const m of await mountsUnder(dir)) await unmount(m).catch(() => {});
}

export async function fixture(t: TestContext, extra: Partial<PodVolumeManagerOptions> = {}): Promise<Fixture> {
  const api = new FakeApiServer(volumeResources);
  const rootDir = await mkdtemp(path.join(os.tmpdir(), 'k8ts-vol-'));
  const clock = new FakeClock();
  const tokensIssued: Fixture['tokensIssued'] = [];
  // The fake server has no TokenRequest: answer one like the real server (a JWT-shaped
  // string). Done in front of its handler, which would consume the body first.
  const tokenHandler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts\/([^/]+)\/token$/.exec(url.pathname);
    if (!m || req.method !== 'POST') return api.handler(req, res);
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const tr = JSON.parse(body) as { spec: { expirationSeconds: number; boundObjectRef: { name: string } } };
      const n = tokensIssued.push({ sa: m[2]!, body: tr });
      const payload = Buffer.from(JSON.stringify({ pod: tr.spec.boundObjectRef.name, n })).toString('base64url');
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: tr.spec,
        status: { token: `hdr.${payload}.sig`, expirationTimestamp: new Date(clock.now() + tr.spec.expirationSeconds * 1000).toISOString() },
      }));
    });
  };
  const client = new RestClient({ transport: new InProcessTransport(tokenHandler) });
  const managers: PodVolumeManager[] = [];
  const newManager = (more: Partial<PodVolumeManagerOptions> = {}) => {
    const m = new PodVolumeManager({ client, rootDir, nodeName: 'n1', clock, ...extra, ...more });
    managers.push(m);
    return m;
  };
  const manager = newManager();
  t.after(async () => {
    for (const m of managers) await m.stop();
    await unmountAllUnder(rootDir);
    await rm(rootDir, { recursive: true, force: true });
    client.close();
  });
  return { api, client, rootDir, clock, manager, newManager, tokensIssued };
}

export function testPod(volumes: Pod['spec']['volumes'], extra: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'uid-' + Math.random().toString(36).slice(2, 10), ...extra },
    spec: { containers: [{ name: 'c', resources: { limits: { memory: '32Mi' } } }], serviceAccountName: 'default', volumes },
  };
}
