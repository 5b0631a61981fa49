// Small loopback HTTP servers for tests: a gatekeeping reverse proxy in front of the
// real registry (to require bearer tokens or basic auth), and a hand-written registry
// serving whatever bytes a test wants (corrupt layers, cut connections).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  host: string;
  port: number;
  /** Requests seen, in order: method, url and the headers tests look at. */
  requests: Array<{ method: string; url: string; authorization?: string; range?: string }>;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers.range ? { range: req.headers.range } : {}),
    });
    Promise.resolve(handler(req, res)).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Forward a request unchanged (minus Authorization) to another loopback server. */
export function forward(target: string, req: IncomingMessage, res: ServerResponse): void {
  const { authorization: _a, host: _h, ...headers } = req.headers;
  const up = http.request(`http://${target}${req.url ?? '/'}`, { method: req.method, headers }, (r) => {
    res.writeHead(r.statusCode ?? 502, r.headers);
    r.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}
