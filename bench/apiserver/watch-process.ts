// The benchmarks' watchers, in a process of their own so that their CPU is measured
// apart from the writing clients' and runs beside them rather than in the same event
// loop. Each watch is a real TLS connection whose stream is decrypted and read to the
// end as an informer's would be; what is left out is the JSON decoding (events are
// counted by their line ends, markers found by a byte search), since the benchmarks
// measure the server, not a client's parser. One full TLS handshake opens the first
// connection; the others resume its session, as a client with many watches over one
// transport does.
//
// Started by watchers.ts with fork(); speaks to its parent over the IPC channel:
//   parent -> child: { open: WatchSpec }  once, then { count: true } at any time
//   child -> parent: { opened: n } | { counted: n } | { marker: seq, times: bigint[] as strings } | { failed: msg }

import { connect, type TLSSocket } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CLIENT_CIPHERS } from './client.js';
import { findMarkers } from './markers.js';

export interface WatchSpec {
  kubeconfig: string;
  paths: string[];
  /** Markers: report when every watch of this process saw `"marker-seq":"N"` for each N. */
  markers: boolean;
}


const LF = 10;
const CLOSE_BRACE = 0x7d;

interface Watch {
  /** Whether the response head has been read. */
  inBody: boolean;
  head: string;
  lastByte: number;
  /** The end of the last read that may hold the start of a marker split across reads. */
  tail: Buffer;
}

function tlsOptions(kubeconfig: string): { host: string; port: number; opts: ConnectionOptions } {
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const url = new URL(kc.clusters[0].cluster.server);
  return {
    host: url.hostname,
    port: Number(url.port),
    opts: {
      ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
      cert: b64(kc.users[0].user['client-certificate-data']),
      key: b64(kc.users[0].user['client-key-data']),
      ciphers: CLIENT_CIPHERS,
    },
  };
}

async function run(spec: WatchSpec, send: (m: object) => void): Promise<{ count(): number }> {
  const { host, port, opts } = tlsOptions(spec.kubeconfig);
  let counted = 0;
  let session: Buffer | undefined;
  const seen = new Map<number, bigint[]>();
  const onMarker = (seq: number): void => {
    const list = seen.get(seq) ?? [];
    list.push(process.hrtime.bigint());
    seen.set(seq, list);
    if (list.length === spec.paths.length) {
      send({ marker: seq, times: list.map(String) });
      seen.delete(seq);
    }
  };
  const open = (path: string): Promise<TLSSocket> => new Promise((resolve, reject) => {
    const socket = connect({ ...opts, host, port, servername: host === '127.0.0.1' ? undefined : host, session });
    socket.once('session', (s: Buffer) => { session ??= s; });
    const w: Watch = { inBody: false, head: '', lastByte: 0, tail: Buffer.alloc(0) };
    socket.once('secureConnect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nAccept: application/json\r\nUser-Agent: k8ts-bench-watcher\r\n\r\n`);
    });
    socket.on('data', (d: Buffer) => {
      let body = d;
      if (!w.inBody) {
        w.head += d.toString('latin1');
        const end = w.head.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!w.head.startsWith('HTTP/1.1 200')) {
          reject(new Error(`watch ${path}: ${w.head.slice(0, 200)}`));
          socket.destroy();
          return;
        }
        w.inBody = true;
        body = Buffer.from(w.head.slice(end + 4), 'latin1');
        resolve(socket);
      }
      // An event line ends `}\n`; chunk framing ends `\r\n`, so only events are counted.
      let n = 0;
      if (body.length > 0 && body[0] === LF && w.lastByte === CLOSE_BRACE) n++;
      for (let i = body.indexOf(LF, 1); i >= 0; i = body.indexOf(LF, i + 1)) if (body[i - 1] === CLOSE_BRACE) n++;
      if (body.length > 0) w.lastByte = body[body.length - 1];
      counted += n;
      if (spec.markers) w.tail = findMarkers(w.tail.length > 0 ? Buffer.concat([w.tail, body]) : body, onMarker);
    });
    socket.on('error', reject);
  });
  // Opened a few at a time: the first alone, so the rest can resume its session.
  const first = spec.paths.length > 0 ? [await open(spec.paths[0])] : [];
  const sockets = [...first];
  for (let i = 1; i < spec.paths.length; i += 50) sockets.push(...await Promise.all(spec.paths.slice(i, i + 50).map(open)));
  return { count: () => counted };
}

if (process.send) {
  const send = (m: object): void => { process.send!(m); };
  let watches: { count(): number } | undefined;
  process.on('message', (m: { open?: WatchSpec; count?: boolean }) => {
    if (m.open) {
      run(m.open, send).then((w) => { watches = w; send({ opened: m.open!.paths.length }); }, (err: Error) => send({ failed: err.message }));
    } else if (m.count) {
      send({ counted: watches?.count() ?? 0 });
    }
  });
  // The parent going away ends the watches too.
  process.on('disconnect', () => process.exit(0));
}
