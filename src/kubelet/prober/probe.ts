// Running one probe or lifecycle handler: exec through the CRI (exit 0 is success),
// HTTP GET against the pod IP (any status from 200 to 399 is success) and a TCP connect.

import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { RuntimeService } from '../../runtime/cri.js';
import type { ContainerSpec, ProbeHandler } from '../types.js';

export type ProbeOutcome = { ok: boolean; output: string };

export interface ProbeTarget {
  runtime: RuntimeService;
  containerId: string;
  container: ContainerSpec;
  podIP: string;
  timeoutSeconds: number;
}

export class ProbeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeConfigError';
  }
}

/** A port given by number or by the name of one of the container's ports. */
export function resolvePort(port: number | string, c: ContainerSpec): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = c.ports?.find((x) => x.name === port);
  if (!p) throw new ProbeConfigError(`couldn't find port "${port}" in container ${c.name}`);
  return p.containerPort;
}

export async function runHandler(h: ProbeHandler, t: ProbeTarget): Promise<ProbeOutcome> {
  if (h.exec) return execProbe(h.exec.command ?? [], t);
  if (h.httpGet) {
    const g = h.httpGet;
    return httpProbe(g.scheme === 'HTTPS', g.host || t.podIP || '127.0.0.1', resolvePort(g.port, t.container), g.path ?? '/', g.httpHeaders ?? [], t.timeoutSeconds);
  }
  if (h.tcpSocket) return tcpProbe(h.tcpSocket.host || t.podIP || '127.0.0.1', resolvePort(h.tcpSocket.port, t.container), t.timeoutSeconds);
  throw new ProbeConfigError('probe has no handler');
}

async function execProbe(cmd: string[], t: ProbeTarget): Promise<ProbeOutcome> {
  try {
    const r = await t.runtime.execSync(t.containerId, cmd, t.timeoutSeconds);
    const output = Buffer.concat([r.stdout, r.stderr]).toString('utf8').slice(0, 10 * 1024);
    return { ok: r.exitCode === 0, output: r.exitCode === 0 ? output : output || `command ${JSON.stringify(cmd)} exited with ${r.exitCode}` };
  } catch (e) {
    return { ok: false, output: `command timed out or failed: ${(e as Error).message}` };
  }
}

/** HTTPS probes do not verify the certificate, as Kubernetes' do not. */
function httpProbe(tls: boolean, host: string, port: number, path: string, headers: { name: string; value: string }[], timeoutSeconds: number): Promise<ProbeOutcome> {
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  return new Promise((resolve) => {
    const h: Record<string, string> = { 'User-Agent': 'kube-probe/1.33', Accept: '*/*' };
    for (const x of headers) h[x.name] = x.value;
    const get = tls ? https.get : http.get;
    const req = get(url, { headers: h, timeout: timeoutSeconds * 1000, agent: false, ...(tls ? { rejectUnauthorized: false } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { if (body.length < 10 * 1024) body += c; });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const ok = code >= 200 && code < 400;
        resolve({ ok, output: ok ? body : `HTTP probe failed with statuscode: ${code}` });
      });
      res.on('error', (e) => resolve({ ok: false, output: `Get "${url}": ${e.message}` }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (e) => resolve({ ok: false, output: `Get "${url}": ${e.message}` }));
  });
}

function tcpProbe(host: string, port: number, timeoutSeconds: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (o: ProbeOutcome) => {
      s.destroy();
      resolve(o);
    };
    s.setTimeout(timeoutSeconds * 1000, () => done({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` }));
    s.on('connect', () => done({ ok: true, output: '' }));
    s.on('error', (e) => done({ ok: false, output: `dial tcp ${host}:${port}: ${e.message}` }));
  });
}
