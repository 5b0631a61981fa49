// Node IPAM: every Node without spec.podCIDR gets the lowest free /24 (by default) of
// the cluster CIDR, written with a patch of spec.podCIDR and spec.podCIDRs. What is in
// use is read from the nodes themselves (the informer's cache) plus the blocks this
// controller handed out whose nodes the cache has not caught up with, so a restart
// rebuilds everything and a block is never given twice. A deleted node's block is free
// again because no node holds it any more.

import { runWorkers, type Workers } from '../../client/controller.js';
import { isNotFound } from '../../client/errors.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { allocatePodCIDR } from '../../kubelet/node/pod-cidr.js';

export interface NodeIpamControllerOptions {
  client: RestClient;
  log: Logger;
  /** Default '10.42.0.0/16'. */
  clusterCIDR?: string;
  /** Prefix length of each node's block. Default 24. */
  nodeMaskSize?: number;
  informers?: InformerFactory;
}

interface NodeObj extends KObject {
  spec?: { podCIDR?: string; podCIDRs?: string[] };
}

export interface IpamSyncDeps {
  client: RestClient;
  log: Logger;
  nodes: Lister<NodeObj>;
  clusterCIDR: string;
  nodeMaskSize: number;
  /** node name -> block given out, until the cache shows the node holding it. */
  pending: Map<string, string>;
}

export async function syncNodeCIDR(name: string, d: IpamSyncDeps): Promise<void> {
  const node = d.nodes.get('', name);
  if (!node) {
    d.pending.delete(name);
    return;
  }
  if (node.spec?.podCIDR) {
    d.pending.delete(name);
    return;
  }
  const held = [...d.nodes.list(), ...[...d.pending.entries()].filter(([n]) => n !== name).map(([, c]) => ({ spec: { podCIDR: c } }))];
  const cidr = d.pending.get(name) ?? allocatePodCIDR(held, d.clusterCIDR, d.nodeMaskSize);
  d.pending.set(name, cidr);
  try {
    // The resourceVersion makes the write conditional: a node given a block meanwhile
    // (by an earlier run, or by hand) is not overwritten.
    await d.client.patch(`/api/v1/nodes/${encodeURIComponent(name)}`, { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { podCIDR: cidr, podCIDRs: [cidr] } }, 'merge');
    d.log.info(`node ipam: node ${name} podCIDR ${cidr}`);
  } catch (err) {
    if (isNotFound(err)) {
      d.pending.delete(name);
      return;
    }
    throw err;
  }
}

export function startNodeIpamController(opts: NodeIpamControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const factory = opts.informers ?? new InformerFactory({ client, log });
  const queue = new WorkQueue<string>();
  const nodes = factory.informer<NodeObj>({ resource: { group: '', version: 'v1', resource: 'nodes' } });
  const enqueue = (n: NodeObj) => n.metadata.name && queue.add(n.metadata.name);
  const unsub = nodes.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
  factory.start();
  const abort = new AbortController();
  let workers: Workers | undefined;
  const deps: IpamSyncDeps = { client, log, nodes: nodes.lister, clusterCIDR: opts.clusterCIDR ?? '10.42.0.0/16', nodeMaskSize: opts.nodeMaskSize ?? 24, pending: new Map() };
  // One worker: allocations must see each other, and they are cheap.
  const ready = nodes.waitForSync(abort.signal).then((ok) => {
    if (!ok || abort.signal.aborted) return;
    workers = runWorkers({ queue, workers: 1, name: 'node-ipam-controller', log, sync: (name) => syncNodeCIDR(name, deps) });
    log.info(`node ipam controller started (cluster CIDR ${deps.clusterCIDR}, /${deps.nodeMaskSize} per node)`);
  });
  return {
    async stop() {
      abort.abort();
      unsub();
      await ready;
      if (workers) await workers.stop();
      else queue.shutDown();
      if (!opts.informers) await factory.stop();
    },
  };
}
