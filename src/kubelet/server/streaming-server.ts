// The node's streaming server (the kubelet's port 10250): container logs over plain
// HTTPS, exec and attach over WebSocket with the channel protocol. Only the API server
// talks to it: every request must present a client certificate from the cluster CA
// (and, when configured, one of the allowed common names). Node's https server hands
// upgrade requests to the 'upgrade' event, not to the request handler, so both are
// wired here.

import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { silentLogger, type Logger } from '../../client/log.js';
import type { RuntimeService, StreamHandle } from '../../runtime/cri.js';
import { negotiateProtocol } from './channels.js';
import { ContainerUnavailableError, type ContainerLocator } from './locator.js';
import { serveLogs } from './logs-handler.js';
import { serveRemoteCommand, type RemoteCommandOptions } from './remote-command.js';
import { HttpError, rejectUpgrade, sendText } from './http-errors.js';
import { renderResourceMetrics } from './resource-metrics.js';
import type { Summary } from './stats-summary.js';
import { portForwardProtocol, servePortForward, type PortForwarder } from './spdy/port-forward.js';
import { serveSpdyRemoteCommand, spdyRemoteCommandProtocols } from './spdy/remote-command.js';
import { SpdySession } from './spdy/session.js';
import { serveWsPortForward, wsPortForwardProtocols } from './ws-port-forward.js';
import { queryFlag } from '../../api/query-params.js';

export interface StreamingServerOptions {
  locator: ContainerLocator;
  runtime: RuntimeService;
  /** PEM serving certificate and key, and the CA whose client certificates are accepted. */
  cert: string;
  key: string;
  ca: string;
  /** Default 10250; 0 picks a free port. */
  port?: number;
  /** Default '0.0.0.0'. */
  host?: string;
  /** Client certificate CNs allowed (e.g. ['kube-apiserver-kubelet-client']); default any certificate from the CA. */
  allowedCommonNames?: string[];
  /** Connects to a pod's port for port-forward; without it port-forward answers 501. */
  portForwarder?: PortForwarder;
  /** Serves GET /stats/summary and /metrics/resource; without it those paths are 404. */
  stats?: { summary(): Promise<Summary> };
  log?: Logger;
}

function asHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof ContainerUnavailableError) return new HttpError(400, err.message);
  return new HttpError(500, (err as Error).message);
}

/** Header values, comma-separated or repeated, trimmed. */
function headerValues(h: string | string[] | undefined): string[] {
  return (Array.isArray(h) ? h : h === undefined ? [] : [h]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

type Route =
  | { kind: 'logs' | 'exec' | 'attach'; namespace: string; pod: string; container: string }
  | { kind: 'portForward'; namespace: string; pod: string }
  | { kind: 'healthz' }
  | { kind: 'statsSummary' }
  | { kind: 'resourceMetrics' };

export function parseRoute(pathname: string): Route | undefined {
  if (pathname === '/healthz') return { kind: 'healthz' };
  if (pathname === '/stats/summary' || pathname === '/stats/summary/') return { kind: 'statsSummary' };
  if (pathname === '/metrics/resource') return { kind: 'resourceMetrics' };
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [verb, namespace, pod, container] = parts;
  if (verb === 'portForward' && parts.length === 3) return { kind: 'portForward', namespace, pod };
  if (parts.length !== 4) return undefined;
  if (verb === 'containerLogs') return { kind: 'logs', namespace, pod, container };
  if (verb === 'exec' || verb === 'attach') return { kind: verb, namespace, pod, container };
  return undefined;
}

/** exec/attach options from the query: the kubelet's `input`/`output`/`error` names or kubectl's `stdin`/`stdout`/`stderr`. */
export function remoteCommandOptions(q: URLSearchParams): RemoteCommandOptions & { command: string[] } {
  const flag = (...names: string[]) => names.some((n) => queryFlag(q, n));
  return {
    stdin: flag('input', 'stdin'),
    stdout: flag('output', 'stdout'),
    stderr: flag('error', 'stderr'),
    tty: flag('tty'),
    command: q.getAll('command'),
  };
}

export class StreamingServer {
  private server?: Server;
  // Only the subprotocols of the channel protocol are accepted by the handshake.
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p) => negotiateProtocol(p) ?? false });
  private readonly log: Logger;
  private readonly sessions = new Set<Promise<void>>();
  private readonly spdySessions = new Set<SpdySession>();

  constructor(private readonly opts: StreamingServerOptions) {
    this.log = opts.log ?? silentLogger;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<number> {
    const server = createServer({ cert: this.opts.cert, key: this.opts.key, ca: this.opts.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      this.handleRequest(req, res).catch((err: unknown) => this.answerError(res, err));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.handleUpgrade(req, socket, head).catch((err: unknown) => {
        if (!(err instanceof HttpError) && !(err instanceof ContainerUnavailableError)) this.log.error(`streaming: ${req.url}: ${(err as Error).stack ?? String(err)}`);
        rejectUpgrade(socket, asHttpError(err));
      });
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 10250, this.opts.host ?? '0.0.0.0', () => resolve());
    });
    this.server = server;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    for (const s of this.spdySessions) s.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    await Promise.allSettled([...this.sessions]);
  }

  private authenticate(req: IncomingMessage): void {
    const socket = req.socket as TLSSocket;
    if (!socket.authorized) throw new HttpError(401, 'Unauthorized');
    const allowed = this.opts.allowedCommonNames;
    if (allowed) {
      const cn = socket.getPeerCertificate()?.subject?.CN;
      const name = Array.isArray(cn) ? cn[0] : cn;
      if (!name || !allowed.includes(name)) throw new HttpError(403, `Forbidden (user=${name ?? ''})`);
    }
  }

  private async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.authenticate(req);
    const url = new URL(req.url ?? '/', 'https://node');
    const route = parseRoute(url.pathname);
    if (!route) throw new HttpError(404, '404 page not found');
    switch (route.kind) {
      case 'healthz':
        return sendText(res, 200, 'ok');
      case 'statsSummary': {
        if (req.method !== 'GET') throw new HttpError(405, 'Method Not Allowed');
        if (!this.opts.stats) throw new HttpError(404, '404 page not found');
        const body = JSON.stringify(await this.opts.stats.summary(), null, 2);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      case 'resourceMetrics': {
        if (req.method !== 'GET') throw new HttpError(405, 'Method Not Allowed');
        if (!this.opts.stats) throw new HttpError(404, '404 page not found');
        const body = renderResourceMetrics(await this.opts.stats.summary());
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      case 'logs': {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Method Not Allowed');
        return serveLogs(req, res, url.searchParams, { ...route, locator: this.opts.locator, runtime: this.opts.runtime });
      }
      default:
        throw new HttpError(400, 'Upgrade request required');
    }
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    this.authenticate(req);
    const url = new URL(req.url ?? '/', 'https://node');
    const route = parseRoute(url.pathname);
    if (!route || route.kind === 'healthz' || route.kind === 'logs' || route.kind === 'statsSummary' || route.kind === 'resourceMetrics') throw new HttpError(404, '404 page not found');
    const upgrade = (req.headers.upgrade ?? '').toLowerCase();
    const spdy = upgrade === 'spdy/3.1';
    if (upgrade !== 'websocket' && !spdy) throw new HttpError(400, `unsupported upgrade protocol ${JSON.stringify(req.headers.upgrade ?? '')}: want websocket or SPDY/3.1`);
    if (route.kind === 'portForward') {
      if (!spdy) return this.upgradeWsPortForward(req, socket, head, url.searchParams, route);
      return this.upgradePortForward(req, socket, head, route);
    }
    const offered = spdy ? headerValues(req.headers['x-stream-protocol-version']) : (req.headers['sec-websocket-protocol'] ?? '').split(',');
    const protocol = negotiateProtocol(offered, spdy ? spdyRemoteCommandProtocols : undefined);
    if (!protocol) throw new HttpError(spdy ? 403 : 400, `none of the offered subprotocols ${JSON.stringify(offered.map((p) => p.trim()))} is spoken here (want v5.channel.k8s.io or v4.channel.k8s.io)`);
    const opts = remoteCommandOptions(url.searchParams);
    if (route.kind === 'exec' && opts.command.length === 0) throw new HttpError(400, 'you must specify at least one command for the container');
    if (!opts.stdin && !opts.stdout && !opts.stderr) throw new HttpError(400, 'you must specify at least one of stdin, stdout, stderr');
    const found = await this.opts.locator.find(route.namespace, route.pod, route.container);
    if (!found) throw new HttpError(404, `container "${route.container}" in pod "${route.pod}" is not available`);
    const runtime = this.opts.runtime;
    const start = route.kind === 'exec'
      ? () => runtime.exec(found.containerId, { cmd: opts.command, tty: opts.tty, stdin: opts.stdin })
      : () => runtime.attach(found.containerId, { stdin: opts.stdin }).then(attachEndsInSuccess);
    if (spdy) {
      const session = this.acceptSpdy(socket, head, protocol);
      this.track(serveSpdyRemoteCommand(session, start, opts, this.log).catch((err: unknown) => {
        this.log.warn(`streaming: ${route.kind} ${route.namespace}/${route.pod}: ${(err as Error).message}`);
        session.destroy();
      }));
      return;
    }
    this.wss.handleUpgrade(req, socket as Socket, head, (ws) => {
      this.log.info(`streaming: ${route.kind} ${route.namespace}/${route.pod}/${route.container} (${protocol})`);
      const session = serveRemoteCommand(ws, protocol, start, opts, this.log).catch((err: unknown) => {
        this.log.warn(`streaming: ${route.kind} ${route.namespace}/${route.pod}: ${(err as Error).message}`);
        ws.terminate();
      });
      this.track(session);
    });
  }

  private track(session: Promise<void>): void {
    this.sessions.add(session);
    void session.finally(() => this.sessions.delete(session));
  }

  /** Answers 101 for SPDY/3.1 and starts a session on the socket. */
  private acceptSpdy(socket: Duplex, head: Buffer, protocol: string): SpdySession {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
    if (head.length > 0) socket.unshift(head);
    const session = new SpdySession(socket);
    this.spdySessions.add(session);
    session.once('close', () => this.spdySessions.delete(session));
    return session;
  }

  private upgradeWsPortForward(req: IncomingMessage, socket: Duplex, head: Buffer, q: URLSearchParams, route: { namespace: string; pod: string }): void {
    const forwarder = this.opts.portForwarder;
    if (!forwarder) throw new HttpError(501, 'port forwarding is not supported by this node');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',');
    if (!negotiateProtocol(offered, wsPortForwardProtocols)) throw new HttpError(400, `port forwarding over WebSocket wants subprotocol v4.channel.k8s.io, offered ${JSON.stringify(offered.map((p) => p.trim()))}`);
    const ports = q.getAll('port').flatMap((p) => p.split(',')).map(Number);
    if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) throw new HttpError(400, 'port forwarding needs one or more valid port query parameters');
    this.wss.handleUpgrade(req, socket as Socket, head, (ws) => {
      this.log.info(`streaming: portForward ${route.namespace}/${route.pod} ${ports.join(',')} (websocket)`);
      this.track(serveWsPortForward(ws, ports, (port) => forwarder.connect(route.namespace, route.pod, port), this.log));
    });
  }

  private async upgradePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, route: { namespace: string; pod: string }): Promise<void> {
    const offered = headerValues(req.headers['x-stream-protocol-version']);
    if (!offered.includes(portForwardProtocol)) throw new HttpError(403, `port forwarding wants subprotocol ${portForwardProtocol}, offered ${JSON.stringify(offered)}`);
    const forwarder = this.opts.portForwarder;
    if (!forwarder) throw new HttpError(501, 'port forwarding is not supported by this node');
    const session = this.acceptSpdy(socket, head, portForwardProtocol);
    this.log.info(`streaming: portForward ${route.namespace}/${route.pod}`);
    this.track(servePortForward(session, (port) => forwarder.connect(route.namespace, route.pod, port), this.log));
  }

  private answerError(res: ServerResponse, err: unknown): void {
    const e = asHttpError(err);
    if (e.code >= 500) this.log.error(`streaming: ${e.message}`);
    if (res.headersSent) { res.destroy(); return; }
    sendText(res, e.code, e.message);
  }
}

/**
 * An attach reports no exit code: the session ends in Success when the container exits,
 * as the kubelet's does, and clients read the exit code from the pod's status (`kubectl
 * run -i` takes a Failure status for a failed attach and prints the logs a second time).
 */
function attachEndsInSuccess(h: StreamHandle): StreamHandle {
  return { stdin: h.stdin, stdout: h.stdout, stderr: h.stderr, resize: (size) => h.resize(size), exit: h.exit.then(() => 0) };
}
