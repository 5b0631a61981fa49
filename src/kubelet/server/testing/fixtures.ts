// Test fixtures shared by the streaming server's and the proxy's tests: a cluster CA
// with serving and client certificates, a fake runtime with one running container,
// and a locator that knows it.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { createCa, issueCertificate, type KeyPairPem } from '../../../apiserver/pki.js';
import { FakeRuntimeService } from '../../../runtime/fake/index.js';
import { ContainerUnavailableError, type ContainerLocator, type LocatedContainer } from '../locator.js';

export interface Pki { ca: KeyPairPem; node: KeyPairPem; apiClient: KeyPairPem; other: KeyPairPem }

export async function makePki(): Promise<Pki> {
  const ca = await createCa('test-ca');
  const node = await issueCertificate(ca, { commonName: 'node-a', dnsNames: ['localhost'], ips: ['127.0.0.1'], usage: 'server' });
  const apiClient = await issueCertificate(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
  const other = await issueCertificate(ca, { commonName: 'someone-else', usage: 'client' });
  return { ca, node, apiClient, other };
}

export interface Pod {
  runtime: FakeRuntimeService;
  containerId: string;
  logPath: string;
  previousLogPath: string;
  locator: ContainerLocator;
  dir: string;
  cleanup(): Promise<void>;
}

/** Pod default/web with container "app" running in a fake runtime; its CRI log file is the test's to write. */
export async function makePod(): Promise<Pod> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-streaming-'));
  const runtime = new FakeRuntimeService();
  const sandboxConfig = { metadata: { name: 'web', uid: 'uid-1', namespace: 'default', attempt: 0 }, logDirectory: dir };
  const sb = await runtime.runPodSandbox(sandboxConfig);
  const containerId = await runtime.createContainer(sb, { metadata: { name: 'app', attempt: 1 }, image: { image: 'busybox' } }, sandboxConfig);
  await runtime.startContainer(containerId);
  const logPath = join(dir, 'app-1.log');
  const previousLogPath = join(dir, 'app-0.log');
  await writeFile(logPath, '');
  const locator: ContainerLocator = {
    async find(namespace, pod, container, opts): Promise<LocatedContainer | undefined> {
      if (namespace === 'default' && pod === 'web' && container === 'waiting') throw new ContainerUnavailableError('container "waiting" in pod "web" is waiting to start: ContainerCreating');
      if (namespace !== 'default' || pod !== 'web' || container !== 'app') return undefined;
      return opts?.previous ? { containerId, logPath: previousLogPath } : { containerId, logPath };
    },
  };
  return { runtime, containerId, logPath, previousLogPath, locator, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Session { stdout: string; stderr: string; status: Record<string, unknown> | undefined; protocol: string; closeCode: number }

/** Runs one channel-protocol session: sends `stdin` then (v5) closes it, collects the rest. */
export function runSession(url: string, tls: { ca: string; cert?: string; key?: string }, protocols: string[], stdin?: string, onOpen?: () => void): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { ...tls, perMessageDeflate: false });
    const out: Session = { stdout: '', stderr: '', status: undefined, protocol: '', closeCode: 0 };
    ws.on('open', () => {
      out.protocol = ws.protocol;
      onOpen?.();
      if (stdin !== undefined) {
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(stdin)]));
        ws.send(Buffer.from([255, 0]));
      }
    });
    ws.on('message', (data: Buffer) => {
      const ch = data[0];
      const text = data.subarray(1).toString();
      if (ch === 1) out.stdout += text;
      else if (ch === 2) out.stderr += text;
      else if (ch === 3) out.status = JSON.parse(text) as Record<string, unknown>;
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => reject(new Error(`HTTP ${res.statusCode}: ${body}`)));
    });
    ws.on('error', reject);
    ws.on('close', (code) => { out.closeCode = code; resolve(out); });
  });
}
