// How the API server reaches a node's streaming server. `NodeDialer` hands back a byte
// stream that speaks HTTP to the node's streaming server; the direct dialer opens TLS
// to the address the Node reports, authenticating with the API server's kubelet-client
// certificate. An agent behind NAT will instead keep a WebSocket tunnel to the server,
// and a tunnel dialer will hand out streams over it: the proxy does not care which.

import { connect, checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { ApiError } from '../errors.js';

export interface NodeDialer {
  /** A connected stream to `nodeName`'s streaming server, ready for an HTTP request. */
  dial(nodeName: string, signal?: AbortSignal): Promise<Duplex>;
}

export interface NodeLike {
  metadata: { name?: string };
  status?: {
    addresses?: { type: string; address: string }[];
    daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
  };
}

export type GetNode = (name: string) => Promise<NodeLike | undefined>;

/** The node's address to dial, InternalIP first (the k3s order), and its streaming port. */
export function nodeEndpoint(node: NodeLike): { address: string; port: number } | undefined {
  const addrs = node.status?.addresses ?? [];
  const pick = ['InternalIP', 'ExternalIP', 'Hostname'].map((t) => addrs.find((a) => a.type === t && a.address)).find(Boolean);
  if (!pick) return undefined;
  return { address: pick.address, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || 10250 };
}

export interface DirectTlsDialerOptions {
  getNode: GetNode;
  /** PEM CA that signed the nodes' serving certificates (the cluster CA). */
  ca: string;
  /** PEM client certificate and key the API server presents (CN kube-apiserver-kubelet-client). */
  clientCert: string;
  clientKey: string;
  /** Default 10 s. */
  timeoutMs?: number;
}

/** The dial failed: answered to the client as Kubernetes does, "error dialing backend". */
export class DialError extends ApiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(500, 'InternalError', `error dialing backend: ${message}`, undefined, options);
    this.name = 'DialError';
  }
}

export class DirectTlsDialer implements NodeDialer {
  constructor(private readonly opts: DirectTlsDialerOptions) {}

  async dial(nodeName: string, signal?: AbortSignal): Promise<Duplex> {
    const node = await this.opts.getNode(nodeName);
    if (!node) throw new ApiError(404, 'NotFound', `nodes "${nodeName}" not found`, { name: nodeName, kind: 'nodes' });
    const ep = nodeEndpoint(node);
    if (!ep) throw new DialError(`node ${nodeName} reports no address`);
    return new Promise<Duplex>((resolve, reject) => {
      const socket: TLSSocket = connect({
        host: ep.address,
        port: ep.port,
        ca: this.opts.ca,
        cert: this.opts.clientCert,
        key: this.opts.clientKey,
        servername: /^[\d.]+$|:/.test(ep.address) ? undefined : ep.address,
        // The chain must lead to the cluster CA; the name may be the address dialled or the node's name.
        checkServerIdentity: (_host: string, cert: PeerCertificate) => {
          const byAddress = checkServerIdentity(ep.address, cert);
          return byAddress && checkServerIdentity(nodeName, cert) ? byAddress : undefined;
        },
      });
      const timer = setTimeout(() => fail(new Error(`dial tcp ${ep.address}:${ep.port}: i/o timeout`)), this.opts.timeoutMs ?? 10_000);
      const onAbort = () => fail(new Error('canceled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      function cleanup() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off('error', fail);
      }
      function fail(err: Error) {
        cleanup();
        socket.destroy();
        reject(new DialError(`dial tcp ${ep!.address}:${ep!.port}: ${err.message}`, { cause: err }));
      }
      socket.once('secureConnect', () => {
        cleanup();
        resolve(socket);
      });
      socket.once('error', fail);
    });
  }
}
