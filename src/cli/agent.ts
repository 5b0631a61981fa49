// The node agent of this machine: the container runtime, the pod network, volumes, the
// kubelet, node status and the streaming server, wired together for one node. `k8ts
// server` runs one for its own machine unless told --disable-agent.

import { hostname } from 'node:os';
import { join } from 'node:path';
import type { RestClient } from '../client/rest-client.js';
import { ImageStore } from '../runtime/oci/image/index.js';
import { ImageStoreRootfsProvider, OciImageService } from '../runtime/oci/images.js';
import { OciRuntimeService } from '../runtime/oci/runtime.js';
import { CniPodNetwork } from '../network/cni/index.js';
import { ClusterDns, ensureDnsAddress } from '../network/dns/index.js';
import { ServiceProxy } from '../network/proxy/index.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { NodeStatusManager, waitForPodCIDR } from '../kubelet/node/index.js';
import { PodVolumeManager } from '../kubelet/volumes/index.js';
import { StreamingServer } from '../kubelet/server/index.js';
import { runtimeContainerLocator } from '../kubelet/container-locator.js';
import { podIpPortForwarder } from '../kubelet/pod-port-forwarder.js';
import { logger } from './log.js';

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
    kubeletVersion: o.kubeletVersion, podCIDRHint: o.podCIDRHint, log: logger('node-status'),
  });
  await node.start();
  const abort = new AbortController();
  const podCIDR = await waitForPodCIDR(o.client, nodeName, { signal: abort.signal });
  if (!podCIDR) throw new Error(`node ${nodeName} was given no pod CIDR`);
  log.info(`node ${nodeName} registered, pod CIDR ${podCIDR}`);

  const network = new CniPodNetwork({ dataDir: o.dataDir, podCIDR, log: logger('cni') });
  await network.setUpNode();
  // Cluster DNS answers on every node at the DNS service address, which pods reach through their bridge.
  await ensureDnsAddress(clusterDnsIP);
  const dns = new ClusterDns({ client: o.client, clusterDomain: 'cluster.local', listen: [{ address: clusterDnsIP, port: 53 }], log: logger('dns') });
  await dns.start();
  // The service proxy: ClusterIPs and NodePorts through this node's nftables table.
  const proxy = new ServiceProxy({ client: o.client, nodeName, clusterCIDR: '10.42.0.0/16', log: logger('proxy') });
  await proxy.start();
  const volumes = new PodVolumeManager({ client: o.client, rootDir: join(agentDir, 'kubelet'), nodeName, log: logger('volumes'), tmpfs: process.getuid?.() === 0 });
  volumes.start();
  const kubelet = new Kubelet({ client: o.client, nodeName, runtime, images, network, volumes, rootDir: join(agentDir, 'kubelet'), log: logger('kubelet'), apiService: o.apiService });
  await kubelet.start();
  const streaming = new StreamingServer({
    locator: runtimeContainerLocator(runtime), runtime, portForwarder: podIpPortForwarder(o.client),
    cert: o.servingCert.certPem, key: o.servingCert.keyPem, ca: o.caPem, port: kubeletPort,
    allowedCommonNames: ['kube-apiserver-kubelet-client'], log: logger('streaming'),
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
      await volumes.stop();
      node.stop();
      // Pods outlive the agent under conmon: the network and runtime stay as they are.
    },
  };
}
