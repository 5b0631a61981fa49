// A minimal HTTPS client for the API benchmarks: the admin's certificate from a
// kubeconfig, keep-alive connections, and latency recording.

import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface Credentials {
  server: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export function credentialsFrom(kubeconfigPath: string): Credentials {
  const kc = parse(readFileSync(kubeconfigPath, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64');
  return {
    server: kc.clusters[0].cluster.server,
    ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
    cert: b64(kc.users[0].user['client-certificate-data']),
    key: b64(kc.users[0].user['client-key-data']),
  };
}

/** Go clients (kubectl, client-go) put AES-128-GCM first on CPUs with AES instructions; so do the benchmarks. */
export const CLIENT_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';

export function agent(c: Credentials, maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, ca: c.ca, cert: c.cert, key: c.key, ciphers: CLIENT_CIPHERS });
}

export function call(c: Credentials, a: Agent, method: string, path: string, body?: string, accept = 'application/json', contentType = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${c.server}${path}`, { method, agent: a, headers: { 'Content-Type': contentType, Accept: accept } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

/** Opens a watch and calls onLine for each event line; returns a function that closes it. */
export function openWatch(c: Credentials, a: Agent, path: string, onLine: (line: string) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(`${c.server}${path}`, { agent: a, headers: { Accept: 'application/json' } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
      res.on('error', () => {});
      resolve(() => req.destroy());
    });
    req.on('error', reject);
    req.end();
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A pod about the size real ones are, bound to one of `nodes` nodes. */
export function podBody(name: string, node: string): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels: { app: 'bench', tier: 'backend', 'pod-template-hash': '5d4c7b9f8' }, annotations: { 'bench/created': 'x' } },
    spec: {
      nodeName: node,
      containers: [{
        name: 'app', image: 'registry.local/bench/app:1.0',
        ports: [{ containerPort: 8080 }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
        env: [{ name: 'MODE', value: 'bench' }, { name: 'LOG_LEVEL', value: 'info' }],
      }],
    },
  });
}
