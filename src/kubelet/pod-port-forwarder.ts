// Port-forward for the streaming server: a connection to the pod's IP and port, which
// the node reaches through its pod network bridge.

import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RestClient } from '../client/rest-client.js';
import type { KObject } from '../client/types.js';
import type { PortForwarder } from './server/index.js';

export function podIpPortForwarder(client: RestClient): PortForwarder {
  return {
    async connect(namespace, pod, port): Promise<Duplex> {
      const p = await client.get<KObject & { status?: { podIP?: string } }>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`);
      const ip = p.status?.podIP;
      if (!ip) throw new Error(`pod ${namespace}/${pod} has no IP yet`);
      return new Promise((resolve, reject) => {
        const socket = connect({ host: ip, port }, () => resolve(socket));
        socket.once('error', reject);
      });
    },
  };
}
