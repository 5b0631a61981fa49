// The node agent of this machine: the container runtime, the pod network, volumes, the
// kubelet, node status and the streaming server, wired together for one node. `k8ts
// server` runs one for its own machine unless told --disable-agent.

import { hostname } from 'node:os';
import { join } from 'node:path';
import { ImageStore } from '../runtime/oci/image/index.js';
import { ImageStoreRootfsProvider, OciImageService } from '../runtime/oci/images.js';
import { OciRuntimeService } from '../runtime/oci/runtime.js';
import { CniPodNetwork } from '../network/cni/index.js';
import { ClusterDns, ensureDnsAddress } from '../network/dns/index.js';
import { ServiceProxy } from '../network/proxy/index.js';
import { PodRouteManager } from '../network/routes/index.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { ExitFileEvents } from '../kubelet/exit-events.js';
import { realClock } from '../client/clock.js';
import { NodeStatusManager, waitForPodCIDR } from '../kubelet/node/index.js';
import { PodVolumeManager } from '../kubelet/volumes/index.js';
import { StatsSummaryProvider, StreamingServer } from '../kubelet/server/index.js';
import { runtimeContainerLocator } from '../kubelet/container-locator.js';
import { podIpPortForwarder } from '../kubelet/pod-port-forwarder.js';
import { logger } from './log.js';
import { helperVolumeMounter } from './helper-mounter.js';
import { mountHelper } from '../runtime/oci/image/mount-helper.js';
import { mkdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { RestClient } from '../client/rest-client.js';
import { primaryIPv4 } from '../kubelet/node/index.js';
import { FlagError, parseFlags } from './flags.js';
import { JoinError } from './join/client.js';
import { ensureNodeCredentials, NoCredentialsError, type NodeCredentials } from './join/credentials.js';
import { JoinTokenError, parseJoinToken } from './join/token.js';

/** The Kubernetes version the server speaks and its kubelets report (kubectl picks its matching version from it). */
export const kubernetesVersion = { major: '1', minor: '32', gitVersion: 'v1.32.0-k8ts' };

/** The cluster DNS service address, in pods' resolv.conf. */
export const clusterDnsIP = '10.43.0.10';

export interface NodeAgentOptions {
  client: RestClient;
  dataDir: string;
  /** Default: this machine's host name, lower-cased. */
  nodeName?: string;
  /** The server's own agent carries the control-plane role labels. */
  isServer: boolean;
  kubeletVersion: string;
  /** The streaming server's serving certificate and the CA whose clients it accepts. */
  servingCert: { certPem: string; keyPem: string };
  caPem: string;
  /** The pod CIDR to register with if the control plane assigns none (the server's own node). */
  podCIDRHint?: string;
  /** The API server as pods reach it (KUBERNETES_SERVICE_HOST/PORT). */
  apiService: { host: string; port: number };
  kubeletPort?: number;
  /** The node's InternalIP. Default: this machine's first non-loopback IPv4 address. */
  nodeIP?: string;
}

export interface NodeAgent {
  nodeName: string;
  kubeletPort: number;
  stop(): Promise<void>;
}

export async function startNodeAgent(o: NodeAgentOptions): Promise<NodeAgent> {
  const log = logger('agent');
  const nodeName = (o.nodeName ?? hostname()).toLowerCase();
  const agentDir = join(o.dataDir, 'agent');
  // The same layout as `k8ts ctr`, so `k8ts ctr --root <data-dir>/runtime` sees the node's images and containers.
  const runtimeRoot = join(o.dataDir, 'runtime');
  const imageStore = new ImageStore({ root: join(runtimeRoot, 'images') });
  const runtime = await OciRuntimeService.create({ root: runtimeRoot, rootfs: new ImageStoreRootfsProvider(imageStore), log: (l) => log.info(l) });
  const images = new OciImageService(imageStore);

  const kubeletPort = o.kubeletPort ?? 10250;
  const node = new NodeStatusManager({
    client: o.client, nodeName, isServer: o.isServer, runtime, images, dataDir: o.dataDir, kubeletPort,
    kubeletVersion: o.kubeletVersion, podCIDRHint: o.podCIDRHint, internalIP: o.nodeIP, log: logger('node-status'),
  });
  await node.start();
  const abort = new AbortController();
  const podCIDR = await waitForPodCIDR(o.client, nodeName, { signal: abort.signal });
  if (!podCIDR) throw new Error(`node ${nodeName} was given no pod CIDR`);
  log.info(`node ${nodeName} registered, pod CIDR ${podCIDR}`);

  const network = new CniPodNetwork({ dataDir: o.dataDir, podCIDR, log: logger('cni') });
  await network.setUpNode();
  // host-gw: a route to every other node's pod CIDR via its InternalIP (nodes on one L2 network).
  const podRoutes = new PodRouteManager({ client: o.client, nodeName, clusterCIDR: '10.42.0.0/16', log: logger('routes') });
  await podRoutes.start();
  // Cluster DNS answers on every node at the DNS service address, which pods reach through their bridge.
  await ensureDnsAddress(clusterDnsIP);
  const dns = new ClusterDns({ client: o.client, clusterDomain: 'cluster.local', listen: [{ address: clusterDnsIP, port: 53 }], log: logger('dns') });
  await dns.start();
  // The service proxy: ClusterIPs and NodePorts through this node's nftables table.
  const proxy = new ServiceProxy({ client: o.client, nodeName, clusterCIDR: '10.42.0.0/16', log: logger('proxy') });
  await proxy.start();
  const volumes = new PodVolumeManager({ client: o.client, rootDir: join(agentDir, 'kubelet'), nodeName, log: logger('volumes'), tmpfs: process.getuid?.() === 0, mounter: helperVolumeMounter(mountHelper) });
  volumes.start();
  const kubeletLog = logger('kubelet');
  // conmon's exit files tell the kubelet at once when a container exits (its relist then runs every 10 s, not every second).
  const containerEvents = new ExitFileEvents({ dir: join(runtimeRoot, 'exits'), clock: realClock, log: kubeletLog });
  const kubelet = new Kubelet({ client: o.client, nodeName, runtime, images, network, volumes, rootDir: join(agentDir, 'kubelet'), log: kubeletLog, apiService: o.apiService, endpointDrain: proxy, containerEvents });
  await kubelet.start();
  const streaming = new StreamingServer({
    locator: runtimeContainerLocator(runtime), runtime, portForwarder: podIpPortForwarder(o.client),
    cert: o.servingCert.certPem, key: o.servingCert.keyPem, ca: o.caPem, port: kubeletPort,
    allowedCommonNames: ['kube-apiserver-kubelet-client'], stats: new StatsSummaryProvider({ runtime, nodeName }), log: logger('streaming'),
  });
  const port = await streaming.start();
  log.info(`node agent ready: node ${nodeName}, streaming server on port ${port}`);
  return {
    nodeName,
    kubeletPort: port,
    async stop() {
      abort.abort();
      await streaming.stop();
      await kubelet.stop();
      await dns.stop();
      // Rules stay in place across agent restarts, as the pods they serve do.
      await proxy.stop();
      await podRoutes.stop();
      await volumes.stop();
      node.stop();
      // Pods outlive the agent under conmon: the network and runtime stay as they are.
    },
  };
}

const agentUsage = `usage: k8ts agent --server URL --token TOKEN [flags]

  --server URL        the API server to join, e.g. https://10.0.0.1:6443
  --token TOKEN       the join token, from the server's <data-dir>/token (needed to join;
                      a node that joined before reuses its credentials)
  --token-file FILE   read the token from FILE instead
  --data-dir DIR      where the node's credentials, images and containers live (default /var/lib/k8ts)
  --node-name NAME    the node's name (default: this machine's host name)
  --node-ip IP        the address the API server reaches the node at (default: the first non-loopback IPv4)
`;

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `k8ts agent`: joins a cluster (once), then runs this machine's node agent with its node credentials. */
export async function runAgent(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(args, {
      values: { server: undefined, token: undefined, 'token-file': undefined, 'data-dir': '/var/lib/k8ts', 'node-name': undefined, 'node-ip': undefined },
      switches: ['help'],
      aliases: { h: 'help' },
    });
  } catch (err) {
    if (err instanceof FlagError) {
      process.stderr.write(`k8ts agent: ${err.message}\n${agentUsage}`);
      return 2;
    }
    throw err;
  }
  if (flags.switches.has('help')) {
    process.stdout.write(agentUsage);
    return 0;
  }
  const fail = (msg: string, code = 2): number => {
    process.stderr.write(`k8ts agent: ${msg}\n`);
    return code;
  };
  if (flags.positional.length > 0) return fail(`unexpected argument ${JSON.stringify(flags.positional[0])}\n${agentUsage}`);
  const server = flags.values.server;
  if (!server) return fail(`--server is required\n${agentUsage}`);
  let token = flags.values.token;
  const tokenFile = flags.values['token-file'];
  if (token && tokenFile) return fail('give --token or --token-file, not both');
  if (tokenFile) {
    try {
      token = (await readFile(tokenFile, 'utf8')).trim();
    } catch (err) {
      return fail(`--token-file ${tokenFile}: ${(err as Error).message}`);
    }
  }
  if (token !== undefined) {
    try {
      parseJoinToken(token);
    } catch (err) {
      if (err instanceof JoinTokenError) return fail(`--token: ${err.message}`);
      throw err;
    }
  }
  const nodeName = (flags.values['node-name'] ?? hostname()).toLowerCase();
  if (nodeName.length > 253 || !dnsSubdomain.test(nodeName)) return fail(`invalid node name ${JSON.stringify(nodeName)}: want a lower-case DNS subdomain (set --node-name)`);
  const nodeIP = flags.values['node-ip'] ?? primaryIPv4();
  if (isIP(nodeIP) === 0) return fail(`invalid --node-ip ${JSON.stringify(nodeIP)}: want an IP address`);
  const dataDir = flags.values['data-dir'] as string;

  const log = logger('agent');
  let creds: NodeCredentials;
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    creds = await ensureNodeCredentials({ dataDir, server, token, nodeName, addresses: [nodeIP], log });
  } catch (err) {
    if (err instanceof JoinError || err instanceof NoCredentialsError || err instanceof JoinTokenError) return fail(`cannot join the cluster: ${err.message}`, 1);
    throw err;
  }
  // From here on the agent is the node, and nothing else: the token is not used again.
  const client = new RestClient({ server, ca: creds.caPem, cert: creds.client.certPem, key: creds.client.keyPem, userAgent: `k8ts-kubelet/${nodeName}` });
  const apiHost = new URL(server);
  let agent: NodeAgent | undefined;
  let stopRequested: ((signal: string) => void) | undefined;
  // A signal while the agent is still starting (waiting for its pod CIDR, say) ends the
  // process at once: nothing runs yet that needs stopping, and pods live on under conmon.
  const early = (signal: string) => {
    if (stopRequested) return stopRequested(signal);
    log.info(`${signal} during start-up: exiting`);
    process.exit(0);
  };
  process.on('SIGTERM', early);
  process.on('SIGINT', early);
  try {
    agent = await startNodeAgent({
      client, dataDir, nodeName, isServer: false, kubeletVersion: kubernetesVersion.gitVersion, servingCert: creds.serving, caPem: creds.caPem,
      nodeIP, apiService: { host: '10.43.0.1', port: 443 },
    });
  } catch (err) {
    fail(`node agent failed to start (API server ${apiHost.origin}): ${err instanceof Error ? err.message : String(err)}`, 1);
    // What did start (heartbeats, watches) would keep the process alive.
    process.exit(1);
  }
  const running = agent;
  return new Promise<number>((resolve) => {
    let stopping = false;
    stopRequested = (signal) => void stop(signal);
    const stop = async (signal: string): Promise<void> => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal}: shutting down (pods keep running under conmon)`);
      try {
        await running.stop();
      } catch (err) {
        log.error(`stopping: ${err instanceof Error ? err.message : String(err)}`);
      }
      log.info('stopped');
      resolve(0);
    };
  });
}
