// k8ts's ClusterDns in a process of its own for the DNS benchmark, so the load
// generator does not share its event loop: informers on a real API server (the
// kubeconfig given), UDP and TCP on the address given. Prints "ready <port>" once both
// informers have listed; stops on SIGTERM.
//
//   node dist/bench/dns/cluster-dns-process.js KUBECONFIG ADDRESS PORT

import { RestClient } from '../../src/client/rest-client.js';
import { ClusterDns } from '../../src/network/dns/server.js';

const [kubeconfig, address, port] = process.argv.slice(2);
if (!kubeconfig || !address || !port) {
  process.stderr.write('usage: cluster-dns-process KUBECONFIG ADDRESS PORT\n');
  process.exit(2);
}
const log = { info: () => {}, warn: (m: string) => process.stderr.write(`warn ${m}\n`), error: (m: string) => process.stderr.write(`error ${m}\n`) };
const client = RestClient.fromKubeconfig(kubeconfig, { userAgent: 'bench-cluster-dns' });
// Every benchmark query is in the cluster domain; a forward would be a bug, and must
// not reach the host's resolver, so the only upstream is the discard port on loopback.
const dns = new ClusterDns({ client, clusterDomain: 'cluster.local', listen: [{ address, port: Number(port) }], upstreams: ['127.0.0.1:9'], log, forwardTimeoutMs: 200 });
await dns.start();
await dns.waitForSync();
process.stdout.write(`ready ${dns.bound[0]!.port}\n`);
process.once('SIGTERM', () => {
  void dns.stop().then(() => {
    client.close();
    process.exit(0);
  });
});
