// A kubelet on the fake runtime against the in-memory API server, for unit tests: pods
// are put straight into the fake API (bound to the node), and the test watches what the
// kubelet does to the runtime and to the pods' status.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InProcessTransport, RestClient, silentLogger } from '../../client/index.js';
import { FakeApiServer, coreResources } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { FakeImageService, FakeRuntimeService, type FakeExecHandler, type FakeImageOptions, type FakeProgram } from '../../runtime/fake/index.js';
import type { ContainerConfig } from '../../runtime/cri.js';
import { MemoryPodCgroups } from '../cgroups/pod-cgroups.js';
import { Kubelet, type KubeletOptions } from '../kubelet.js';
import type { PodNetwork } from '../interfaces.js';
import type { Pod, PodStatusV1 } from '../types.js';
import { EmptyDirVolumeManager, StaticNetwork } from './trivial.js';

export const NODE = 'node-1';

/** `command: ['exit', 'N']` exits with N at start; `['sleep']` (or anything else) runs until stopped. */
export function programOf(config: ContainerConfig): FakeProgram {
  const cmd = config.command ?? [];
  if (cmd[0] === 'exit') return { exitCode: Number(cmd[1] ?? 0), stdout: cmd.slice(2) };
  return { stdout: cmd[0] === 'echo' ? [cmd.slice(1).join(' ')] : [] };
}

export interface FakeNodeOptions {
  images?: FakeImageOptions;
  exec?: FakeExecHandler;
  network?: PodNetwork;
  kubelet?: Partial<KubeletOptions>;
}

export class FakeNode {
  readonly api = new FakeApiServer([...coreResources, { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true }, { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true }]);
  readonly runtime: FakeRuntimeService;
  readonly images: FakeImageService;
  readonly network: PodNetwork;
  readonly cgroups = new MemoryPodCgroups();
  readonly client: RestClient;
  kubelet!: Kubelet;
  rootDir = '';

  constructor(private readonly opts: FakeNodeOptions = {}) {
    this.runtime = new FakeRuntimeService({ program: programOf, exec: opts.exec });
    this.images = new FakeImageService(opts.images);
    this.network = opts.network ?? new StaticNetwork();
    // The fake API server filters on metadata fields only: drop the node selector (every test pod is ours).
    const handler = this.api.handler;
    this.client = new RestClient({
      transport: new InProcessTransport((req, res) => {
        req.url = (req.url ?? '').replace(/fieldSelector=spec\.nodeName%3D[^&]*&?/, '');
        handler(req, res);
      }),
    });
  }

  async start(): Promise<void> {
    this.rootDir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-unit-'));
    this.kubelet = this.newKubelet();
    await this.kubelet.start();
  }

  newKubelet(): Kubelet {
    return new Kubelet({
      client: this.client, nodeName: NODE, runtime: this.runtime, images: this.images, network: this.network,
      volumes: new EmptyDirVolumeManager(this.rootDir), rootDir: this.rootDir, log: silentLogger,
      hostIPs: ['192.0.2.10'], cgroups: this.cgroups, resyncMs: 20, backoffInitialMs: 200, backoffMaxMs: 1000,
      dns: { hostResolvConf: '/etc/resolv.conf' },
      ...this.opts.kubelet,
    });
  }

  async stop(): Promise<void> {
    await this.kubelet?.stop();
    this.client.close();
    await this.api.stop();
    if (this.rootDir) await rm(this.rootDir, { recursive: true, force: true });
  }

  addPod(pod: Partial<Pod> & { spec: Pod['spec'] }, name = 'p'): Pod {
    const uid = `uid-${name}-${Math.random().toString(36).slice(2, 8)}`;
    const obj = {
      apiVersion: 'v1', kind: 'Pod',
      ...pod,
      metadata: { name, namespace: 'default', uid, ...(pod.metadata ?? {}) },
      spec: { nodeName: NODE, restartPolicy: 'Always' as const, ...pod.spec },
      status: { phase: 'Pending' as const, conditions: [{ type: 'PodScheduled', status: 'True' as const, lastTransitionTime: '2026-01-01T00:00:00Z' }] },
    };
    return this.api.put('pods', obj as unknown as Parameters<FakeApiServer['put']>[1]) as unknown as Pod;
  }

  pod(name = 'p'): Pod | undefined {
    return this.api.getObject('pods', 'default', name) as unknown as Pod | undefined;
  }

  status(name = 'p'): PodStatusV1 {
    return this.pod(name)?.status ?? {};
  }

  async waitFor(what: string, cond: (s: PodStatusV1) => boolean, name = 'p', timeoutMs = 10_000): Promise<PodStatusV1> {
    await until(() => cond(this.status(name)), `${what}; last status ${JSON.stringify(this.status(name))}`, timeoutMs, 10);
    return this.status(name);
  }

  events(): { reason: string; message: string; type: string }[] {
    return this.api.listObjects('events') as unknown as { reason: string; message: string; type: string }[];
  }
}
